package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A change shaped like the value of a Debezium PostgreSQL connector event (option
 * {@code outputFormat=debezium}; {@code outputFormat=camel-debezium} builds the body and headers camel-debezium
 * delivers from it), so consumers written for Debezium's envelope can switch:
 * {@code {"before":{..},"after":{..},"source":{..},"op":"u","ts_ms":..,"transaction":null}}, and for a logical
 * decoding message {@code "message":{"prefix":..,"content":..}} instead of before/after.
 *
 * <p>Only the shape is Debezium's: column values are the same natural Java values as in the native form, and print
 * as PostgreSQL's {@code to_jsonb} does (Debezium's own converters would, e.g., print a timestamp as epoch
 * microseconds). {@code source} carries {@code connector}, {@code name} (the slot), {@code db}, {@code schema},
 * {@code table}, {@code txId}, {@code lsn} (as a number), {@code ts_ms} (commit time) and {@code snapshot}.
 */
@JsonSerialize(using = DebeziumEnvelope.Serializer.class)
public final class DebeziumEnvelope {

    private final Map<String, Object> before;
    private final Map<String, Object> after;
    private final Map<String, Object> message;
    private final Map<String, Object> source;
    private final String op;
    private final long tsMs;

    private DebeziumEnvelope(Map<String, Object> before, Map<String, Object> after, Map<String, Object> message,
                             Map<String, Object> source, String op, long tsMs) {
        this.before = before;
        this.after = after;
        this.message = message;
        this.source = source;
        this.op = op;
        this.tsMs = tsMs;
    }

    /**
     * @param serverName Debezium's logical server name ({@code source.name}); we use the slot name
     * @param database   the captured database ({@code source.db})
     */
    public static DebeziumEnvelope of(ChangeRecord record, String serverName, String database) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("connector", "postgresql");
        source.put("name", serverName);
        source.put("ts_ms", record.getCommitTimestamp() == null ? null : record.getCommitTimestamp().toEpochMilli());
        source.put("db", database);
        long now = System.currentTimeMillis();
        if (record instanceof ChangeEvent event) {
            source.put("snapshot", Boolean.toString(event.isSnapshot()));
            source.put("schema", event.getSchema());
            source.put("table", event.getTable());
            source.put("txId", event.getTxId());
            source.put("lsn", event.getLsn() == null ? null : event.getLsn().value());
            return new DebeziumEnvelope(event.getBefore(), event.getAfter(), null,
                    Collections.unmodifiableMap(source), event.getOp().code(), now);
        }
        LogicalMessage logical = (LogicalMessage) record;
        source.put("snapshot", "false");
        source.put("txId", logical.isTransactional() ? logical.getTxId() : null);
        source.put("lsn", logical.getLsn().value());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("prefix", logical.getPrefix());
        message.put("content", logical.getContent());
        return new DebeziumEnvelope(null, null, Collections.unmodifiableMap(message),
                Collections.unmodifiableMap(source), logical.getOp().code(), now);
    }

    /** The old row as the server sent it (see {@link ChangeEvent#getBefore()}); null for inserts. */
    public Map<String, Object> getBefore() {
        return before;
    }

    /** The new row; null for deletes and truncates. */
    public Map<String, Object> getAfter() {
        return after;
    }

    /** {@code prefix} and {@code content} of a logical decoding message ({@code op = m}); null otherwise. */
    public Map<String, Object> getMessage() {
        return message;
    }

    public Map<String, Object> getSource() {
        return source;
    }

    public String getOp() {
        return op;
    }

    /** When pgcdc built the event (Debezium's {@code ts_ms}: processing time). */
    public long getTsMs() {
        return tsMs;
    }

    @Override
    public String toString() {
        return "DebeziumEnvelope{op=" + op + ", before=" + before + ", after=" + after + ", message=" + message
                + ", source=" + source + '}';
    }

    /** Writes the envelope with column values as to_jsonb prints them. */
    public static final class Serializer extends StdSerializer<DebeziumEnvelope> {

        public Serializer() {
            super(DebeziumEnvelope.class);
        }

        @Override
        public void serialize(DebeziumEnvelope envelope, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeStartObject();
            if (envelope.message == null) {
                gen.writeFieldName("before");
                PgJsonWriter.writeMap(envelope.before, gen, provider);
                gen.writeFieldName("after");
                PgJsonWriter.writeMap(envelope.after, gen, provider);
            } else {
                gen.writeFieldName("message");
                PgJsonWriter.writeMap(envelope.message, gen, provider);
            }
            gen.writeFieldName("source");
            PgJsonWriter.writeMap(envelope.source, gen, provider);
            gen.writeStringField("op", envelope.op);
            gen.writeNumberField("ts_ms", envelope.tsMs);
            gen.writeNullField("transaction");
            gen.writeEndObject();
        }
    }
}
