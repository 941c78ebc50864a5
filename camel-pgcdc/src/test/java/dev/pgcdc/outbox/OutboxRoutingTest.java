package dev.pgcdc.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.filter.NamePattern;
import org.junit.jupiter.api.Test;

/** Which changes the outbox turns into events, which it ignores, and what it says about malformed ones. */
class OutboxRoutingTest {

    private static final UUID ID = UUID.fromString("6f1c7a0e-0000-4000-8000-000000000001");

    private final Outbox outbox = new Outbox(NamePattern.parseList("public.outbox", 2), "outbox", OutboxFields.DEBEZIUM,
            false);

    @Test
    void anInsertBecomesAnEventWithItsPayloadAsItIs() throws Exception {
        Map<String, Object> row = row("order", "42", "created", new ObjectMapper().readTree("{\"total\": 10}"));
        OutboxEvent event = outbox.route(change(Operation.INSERT, "outbox", row)).event();
        assertThat(event).isEqualTo(new OutboxEvent(ID.toString(), "order", "42", "created", "{\"total\":10}"));

        byte[] bytes = {0, 1, (byte) 0xff};
        assertThat(outbox.route(change(Operation.INSERT, "outbox", row("order", "42", null, bytes))).event().payload())
                .isSameAs(bytes);
        assertThat(outbox.route(change(Operation.INSERT, "outbox", row("order", "42", null, "plain text"))).event())
                .extracting(OutboxEvent::type, OutboxEvent::payload).containsExactly(null, "plain text");
    }

    @Test
    void everythingElseAnOutboxTableSeesIsIgnoredAndOtherTablesPass() {
        Map<String, Object> row = row("order", "42", "created", "{}");
        for (Operation op : new Operation[] {Operation.UPDATE, Operation.DELETE, Operation.TRUNCATE, Operation.READ}) {
            assertThat(outbox.route(change(op, "outbox", row)).ignored()).as(op.name()).isTrue();
        }
        assertThat(outbox.route(change(Operation.INSERT, "orders", row))).isEqualTo(Outbox.Outcome.PASS);
    }

    @Test
    void aMissingColumnNamesTheOptionToSet() {
        Map<String, Object> row = row("order", "42", "created", "{}");
        row.remove("aggregatetype");
        assertThat(outbox.route(change(Operation.INSERT, "outbox", row)).failure())
                .hasMessageContaining("Outbox table public.outbox has no column aggregatetype")
                .hasMessageContaining("outboxAggregateTypeColumn");
        Map<String, Object> nullId = row("order", null, "created", "{}");
        assertThat(outbox.route(change(Operation.INSERT, "outbox", nullId)).failure())
                .hasMessageContaining("column aggregateid is null");
    }

    @Test
    void aMessageWithThePrefixBecomesAnEventIdentifiedByTheChangeWithoutAnIdField() {
        OutboxEvent event = outbox.route(message("outbox",
                "{\"aggregatetype\": \"invoice\", \"aggregateid\": 9, \"payload\": {\"n\": 1.0}}")).event();
        assertThat(event).isEqualTo(new OutboxEvent("0/10:3", "invoice", "9", null, "{\"n\":1.0}"));
        assertThat(outbox.route(message("outbox", "{\"id\": \"e-1\", \"aggregatetype\": \"a\", \"aggregateid\": \"1\","
                + " \"payload\": \"text\"}")).event()).extracting(OutboxEvent::id, OutboxEvent::payload)
                .containsExactly("e-1", "text");
    }

    @Test
    void otherMessagesPassOnlyWhenMessagesAreWanted() {
        assertThat(outbox.route(message("audit", "x")).ignored()).isTrue();
        Outbox withMessages = new Outbox(NamePattern.parseList("public.outbox", 2), "outbox", OutboxFields.DEBEZIUM, true);
        assertThat(withMessages.route(message("audit", "x"))).isEqualTo(Outbox.Outcome.PASS);
    }

    @Test
    void aMalformedMessageSaysWhatAnOutboxMessageLooksLike() {
        Outbox.Outcome notJson = outbox.route(message("outbox", "not json"));
        assertThat(notJson.ignored()).isFalse();
        assertThat(notJson.failure())
                .hasMessageContaining("is not a JSON object")
                .hasMessageContaining("pg_logical_emit_message(true, 'outbox', json_build_object('aggregatetype'");
        assertThat(outbox.route(message("outbox", "{\"aggregateid\": \"1\"}")).failure())
                .hasMessageContaining("lacks the field aggregatetype");
    }

    @Test
    void theSqlAMessageSuggestsQuotesItsNamesAndValues() {
        OutboxFields spaced = new OutboxFields("id", "Aggregate Type", "Aggregate Id", "o'type", "pay\\load");
        Outbox quoted = new Outbox(NamePattern.parseList("public.\"Out Box\"", 2), "o'brien", spaced, false);
        assertThat(quoted.route(message("o'brien", "not json")).failure()).hasMessageContaining(
                "pg_logical_emit_message(true, 'o''brien', json_build_object('Aggregate Type', 'order',"
                + " 'Aggregate Id', '42', 'o''type', 'created', E'pay\\\\load', payload)::text)");

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", ID);
        row.put("Aggregate Type", "order");
        row.put("Aggregate Id", null);
        assertThat(quoted.route(change(Operation.INSERT, "Out Box", row)).failure()).hasMessageContaining(
                "ALTER TABLE \"public\".\"Out Box\" ALTER COLUMN \"Aggregate Id\" SET NOT NULL");
    }

    private static Map<String, Object> row(String aggregateType, String aggregateId, String type, Object payload) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", ID);
        row.put("aggregatetype", aggregateType);
        row.put("aggregateid", aggregateId);
        row.put("type", type);
        row.put("payload", payload);
        return row;
    }

    private static ChangeEvent change(Operation op, String table, Map<String, Object> row) {
        Map<String, Object> after = op == Operation.DELETE || op == Operation.TRUNCATE ? null : new HashMap<>(row);
        return new ChangeEvent(op, "public", table, Map.of("id", ID), null, after, null, Lsn.of(8), Lsn.of(16), 7,
                Instant.EPOCH, op == Operation.READ).withPosition(0);
    }

    private static LogicalMessage message(String prefix, String content) {
        return new LogicalMessage(true, Lsn.of(8), prefix, content.getBytes(StandardCharsets.UTF_8), Lsn.of(16), 7,
                Instant.EPOCH).withPosition(3);
    }
}
