package dev.pgcdc.outbox;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Operation;
import dev.pgcdc.event.PgJsonWriter;
import dev.pgcdc.filter.NamePattern;
import dev.pgcdc.pg.Identifiers;

/**
 * The transactional outbox: turns inserts into outbox tables, and logical decoding messages with the outbox prefix,
 * into {@link OutboxEvent}s. Everything else an outbox table sees is ignored: an event is published once, when its
 * row is inserted; deleting published rows (in the same transaction or later) and truncating the table are
 * housekeeping; an update would publish an event again under the same id; a snapshot read is a row written before
 * capture began, which an earlier relay may already have published.
 */
public final class Outbox {

    /**
     * What becomes of one change: delivered as it is ({@link #PASS}), ignored and completed at once, delivered as an
     * event, or, for an outbox row or message that lacks what an event needs, delivered as a failure.
     */
    public record Outcome(boolean outbox, OutboxEvent event, OutboxException failure) {

        public static final Outcome PASS = new Outcome(false, null, null);
        static final Outcome IGNORE = new Outcome(true, null, null);

        public boolean ignored() {
            return outbox && event == null && failure == null;
        }
    }

    private static final ObjectReader JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build()
            .readerFor(JsonNode.class);

    private final List<NamePattern> tables;
    private final String messagePrefix;
    private final OutboxFields fields;
    private final boolean otherMessages;

    /**
     * @param tables        the outbox tables
     * @param messagePrefix the prefix of outbox messages, or null for none
     * @param otherMessages whether messages with other prefixes are delivered (option emitMessages); when not, they
     *                      reach this far only because outbox messages were asked for, and are ignored
     */
    public Outbox(List<NamePattern> tables, String messagePrefix, OutboxFields fields, boolean otherMessages) {
        this.tables = tables;
        this.messagePrefix = messagePrefix;
        this.fields = fields;
        this.otherMessages = otherMessages;
    }

    public Outcome route(ChangeRecord record) {
        try {
            return outcome(record);
        } catch (OutboxException e) {
            return new Outcome(true, null, e);
        }
    }

    private Outcome outcome(ChangeRecord record) {
        if (record instanceof LogicalMessage message) {
            if (message.getPrefix().equals(messagePrefix)) {
                return new Outcome(true, fromMessage(message), null);
            }
            return otherMessages ? Outcome.PASS : Outcome.IGNORE;
        }
        ChangeEvent change = (ChangeEvent) record;
        if (tables.stream().noneMatch(t -> t.matches(change.getSchema(), change.getTable()))) {
            return Outcome.PASS;
        }
        if (change.getOp() != Operation.INSERT) {
            return Outcome.IGNORE;
        }
        return new Outcome(true, fromRow(change), null);
    }

    private OutboxEvent fromRow(ChangeEvent change) {
        Map<String, Object> row = change.getAfter();
        return new OutboxEvent(text(required(row, fields.id(), change, "outboxIdColumn")),
                text(required(row, fields.aggregateType(), change, "outboxAggregateTypeColumn")),
                text(required(row, fields.aggregateId(), change, "outboxAggregateIdColumn")),
                text(row.get(fields.type())),
                payload(row.get(fields.payload())));
    }

    private static Object required(Map<String, Object> row, String column, ChangeEvent change, String option) {
        Object value = row.get(column);
        if (value == null) {
            String table = change.getSchema() + '.' + change.getTable();
            throw new OutboxException(row.containsKey(column)
                    ? "Outbox table " + table + ": column " + column + " is null in an inserted row; every outbox"
                      + " row needs it (ALTER TABLE " + Identifiers.quote(change.getSchema(), change.getTable())
                      + " ALTER COLUMN " + Identifiers.quote(column) + " SET NOT NULL keeps it so)"
                    : "Outbox table " + table + " has no column " + column + " (columns: " + row.keySet()
                      + "): name the column with the option " + option);
        }
        return value;
    }

    /** An outbox message's content is a JSON object with the same fields as an outbox row. */
    private OutboxEvent fromMessage(LogicalMessage message) {
        JsonNode content;
        try {
            content = JSON.readTree(message.getContentBytes());
        } catch (IOException e) {
            content = null;
        }
        if (content == null || !content.isObject()) {
            throw new OutboxException("Outbox message " + message.getId() + " (prefix " + messagePrefix + ") is not a"
                    + " JSON object; emit e.g. pg_logical_emit_message(true, " + Identifiers.quoteLiteral(messagePrefix)
                    + ", json_build_object(" + Identifiers.quoteLiteral(fields.aggregateType()) + ", 'order', "
                    + Identifiers.quoteLiteral(fields.aggregateId()) + ", '42', "
                    + Identifiers.quoteLiteral(fields.type()) + ", 'created', "
                    + Identifiers.quoteLiteral(fields.payload()) + ", payload)::text)");
        }
        String aggregateType = field(content, fields.aggregateType());
        String aggregateId = field(content, fields.aggregateId());
        if (aggregateType == null || aggregateId == null) {
            throw new OutboxException("Outbox message " + message.getId() + " (prefix " + messagePrefix + ") lacks the"
                    + " field " + (aggregateType == null ? fields.aggregateType() : fields.aggregateId())
                    + "; an outbox message needs " + fields.aggregateType() + " and " + fields.aggregateId());
        }
        String id = field(content, fields.id());
        return new OutboxEvent(id != null ? id : message.getId(), aggregateType, aggregateId,
                field(content, fields.type()), field(content, fields.payload()));
    }

    /** A JSON string as its text (as a text column gives it), any other JSON value as its JSON text. */
    private static String field(JsonNode content, String name) {
        JsonNode value = content.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : PgJsonWriter.jsonText(value);
    }

    /** json/jsonb as JSON text, bytea as its bytes, anything else as text. */
    private static Object payload(Object value) {
        return value instanceof byte[] ? value : text(value);
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof JsonNode json ? PgJsonWriter.jsonText(json) : value.toString();
    }
}
