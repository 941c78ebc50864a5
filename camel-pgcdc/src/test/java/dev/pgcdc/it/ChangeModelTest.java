package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Operation;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TOAST and replica identity, filters, schema changes, partitions, messages and the Debezium envelope, end to end. */
class ChangeModelTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    /** A value far over the TOAST threshold that pglz cannot shrink under it (random hex). */
    private static final String BIG = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 600))";

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    /** Every exchange of a route, for tests that look at headers or non-ChangeEvent bodies. */
    private static final class Exchanges {
        private final List<Exchange> list = new ArrayList<>();

        synchronized void add(Exchange exchange) {
            list.add(exchange.copy());
        }

        synchronized List<Exchange> snapshot() {
            return new ArrayList<>(list);
        }

        List<Exchange> await(int count) {
            return Await.until(count + " exchanges", Duration.ofSeconds(30), this::snapshot, l -> l.size() >= count);
        }
    }

    private Exchanges consume(String slot, String options) throws Exception {
        Exchanges exchanges = new Exchanges();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(exchanges::add);
            }
        });
        awaitStreaming(slot);
        return exchanges;
    }

    private static ChangeEvent body(Exchange exchange) {
        return exchange.getIn().getBody(ChangeEvent.class);
    }

    @Test
    void unchangedToastIsListedUnderDefaultAndFilledUnderFull() throws Exception {
        String slot = uniqueSlot("toast");
        String plain = slot + "_default";
        String full = slot + "_full";
        for (String table : List.of(plain, full)) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, status text, doc text)",
                    "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        }
        // the option sets REPLICA IDENTITY FULL at start
        Exchanges exchanges = consume(slot, "tables=public." + plain + ",public." + full
                + "&replicaIdentityFull=public." + full);
        assertThat(pg().queryForObject("SELECT relreplident::text FROM pg_class WHERE relname = ?", String.class, full))
                .isEqualTo("f");
        for (String table : List.of(plain, full)) {
            pg().execute("INSERT INTO " + table + " VALUES (1, 'new', " + BIG + ")",
                    "UPDATE " + table + " SET status = 'paid' WHERE id = 1");
        }
        List<Exchange> events = exchanges.await(4);
        String doc = pg().queryForObject("SELECT doc FROM " + full + " WHERE id = 1", String.class);
        assertThat(doc.length()).isGreaterThan(8192);

        ChangeEvent defaultUpdate = body(events.get(1));
        assertThat(defaultUpdate.getUnchanged()).containsExactly("doc");
        assertThat(defaultUpdate.getAfter()).containsOnlyKeys("id", "status").containsEntry("status", "paid");
        assertThat(defaultUpdate.getBefore()).isNull();

        ChangeEvent fullUpdate = body(events.get(3));
        assertThat(fullUpdate.getUnchanged()).isEmpty();
        assertThat(fullUpdate.getAfter()).containsEntry("doc", doc).containsEntry("status", "paid");
        assertThat(fullUpdate.getBefore()).containsEntry("status", "new").containsEntry("doc", doc);
        assertThat(fullUpdate.getKey()).isEqualTo(Map.of("id", 1)); // the primary key, not the whole old row
    }

    @Test
    void excludedTablesAndColumnsNeverReachTheRouteAndFilteredChangesAreAcknowledged() throws Exception {
        String slot = uniqueSlot("filter");
        String keep = slot + "_keep";
        String also = slot + "_keep_too";
        String drop = slot + "_drop";
        for (String table : List.of(keep, also, drop)) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, secret text)");
        }
        pg().execute("CREATE PUBLICATION " + slot + " FOR TABLE " + keep + ", " + also + ", " + drop);
        Exchanges exchanges = consume(slot, "tables=public." + slot + "_keep*&excludeTables=public." + drop
                + "&excludeColumns=public." + slot + "_keep*.secret");
        pg().execute("INSERT INTO " + drop + " VALUES (1, 'dropped', 's')",
                "INSERT INTO " + keep + " VALUES (1, 'kept', 's')",
                "UPDATE " + keep + " SET secret = 't', name = 'k2' WHERE id = 1",
                "INSERT INTO " + also + " VALUES (2, 'too', 's')",
                "DELETE FROM " + keep + " WHERE id = 1");
        List<Exchange> events = exchanges.await(4);
        assertThat(events).extracting(e -> body(e).getTable()).containsExactly(keep, keep, also, keep);
        for (Exchange e : events) {
            String json = new ObjectMapper().writeValueAsString(body(e));
            assertThat(json).doesNotContain("secret").doesNotContain("dropped");
        }
        assertThat(body(events.get(1)).getAfter()).containsOnlyKeys("id", "name");

        // a stretch where every change is filtered out still lets the slot advance
        pg().execute("INSERT INTO " + drop + " SELECT g, 'x', 'y' FROM generate_series(2, 50) g",
                "UPDATE " + keep + " SET secret = 'only an excluded column' WHERE false");
        long walAfterFiltered = currentWalLsn();
        Await.until("slot confirmed past the filtered changes", Duration.ofSeconds(20),
                () -> confirmedFlush(slot) >= walAfterFiltered);
        assertThat(exchanges.snapshot()).hasSize(4);
    }

    @Test
    void excludingAKeyColumnFailsTheStart() {
        String slot = uniqueSlot("badexclude");
        pg().execute("CREATE TABLE " + slot + "_t (id int PRIMARY KEY, v text)");
        assertThatThrownBy(() -> consume(slot, "tables=public." + slot + "_t&excludeColumns=public." + slot + "_t.id"))
                .hasStackTraceContaining(slot + "_t.id is a key column and cannot be excluded");
    }

    @Test
    void alterTableMidStreamTakesEffectAndIsFlagged() throws Exception {
        String slot = uniqueSlot("alter");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, val int)");
        Exchanges exchanges = consume(slot, "tables=public." + table);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 10)",
                "INSERT INTO " + table + " VALUES (2, 'b', 20)",
                "ALTER TABLE " + table + " ADD COLUMN extra int DEFAULT 7",
                "INSERT INTO " + table + " VALUES (3, 'c', 30)",
                "ALTER TABLE " + table + " DROP COLUMN name",
                "INSERT INTO " + table + " VALUES (4, 40)",
                "ALTER TABLE " + table + " ALTER COLUMN val TYPE numeric(10,2)",
                "INSERT INTO " + table + " VALUES (5, 50.5)",
                "UPDATE " + table + " SET extra = 8 WHERE id = 5");
        List<Exchange> events = exchanges.await(6);
        assertThat(events).extracting(e -> body(e).getAfter().keySet().toString()).containsExactly(
                "[id, name, val]", "[id, name, val]", "[id, name, val, extra]", "[id, val, extra]",
                "[id, val, extra]", "[id, val, extra]");
        assertThat(events).extracting(e -> e.getIn().getHeader(PgCdcConstants.SCHEMA_CHANGED, Boolean.class))
                .containsExactly(null, null, true, true, true, null);
        assertThat(body(events.get(4)).getAfter().get("val")).isEqualTo(new java.math.BigDecimal("50.50"));
    }

    @Test
    void analyzeMidStreamLeavesTheRelationAsItWas() throws Exception {
        String slot = uniqueSlot("analyze");
        String table = slot + "_t";
        // an enum: a type that is not built in, which the server describes again before each Relation message
        pg().execute("CREATE TYPE " + slot + "_mood AS ENUM ('calm', 'busy')",
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, mood " + slot + "_mood)");
        Exchanges exchanges = consume(slot, "tables=public." + table);
        // ANALYZE invalidates the server's cached entry for the table: pgoutput describes it again before the next
        // change, as it was; the decoder keeps its relation, so the change carries the same name strings
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 'calm')", "ANALYZE " + table,
                "INSERT INTO " + table + " VALUES (2, 'b', 'busy')");
        List<Exchange> events = exchanges.await(2);
        assertThat(body(events.get(1)).getTable()).isEqualTo(table).isSameAs(body(events.get(0)).getTable());
        assertThat(body(events.get(1)).getSchema()).isEqualTo("public").isSameAs(body(events.get(0)).getSchema());
        assertThat(body(events.get(1)).getAfter()).containsEntry("mood", "busy");
        assertThat(events).extracting(e -> e.getIn().getHeader(PgCdcConstants.SCHEMA_CHANGED, Boolean.class))
                .containsExactly(null, null);
    }

    @Test
    void partitionsArriveUnderTheRootOnlyWithPublishViaPartitionRoot() throws Exception {
        String viaRoot = uniqueSlot("part_root");
        String direct = uniqueSlot("part_leaf");
        String root = viaRoot + "_m";
        pg().execute("CREATE TABLE " + root + " (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE " + root + "_2025 PARTITION OF " + root + " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE " + root + "_2026 PARTITION OF " + root + " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "CREATE PUBLICATION " + viaRoot + " FOR TABLE " + root + " WITH (publish_via_partition_root = true)",
                "CREATE PUBLICATION " + direct + " FOR TABLE " + root);
        Exchanges rootEvents = consume(viaRoot, "");
        Exchanges leafEvents = consume(direct, "");
        pg().execute("INSERT INTO " + root + " VALUES (1, '2025-06-01'), (2, '2026-06-01')");
        assertThat(rootEvents.await(2)).extracting(e -> body(e).getTable()).containsExactly(root, root);
        assertThat(leafEvents.await(2)).extracting(e -> body(e).getTable())
                .containsExactly(root + "_2025", root + "_2026");
        assertThat(body(rootEvents.snapshot().get(1)).getKey()).isEqualTo(Map.of("id", 2,
                "at", java.time.LocalDate.of(2026, 6, 1)));
    }

    @Test
    void logicalMessagesAndTheDebeziumEnvelope() throws Exception {
        String slot = uniqueSlot("dbz");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        Exchanges exchanges = consume(slot,
                "tables=public." + table + "&emitMessages=true&outputFormat=debezium");
        pg().execute("BEGIN; INSERT INTO " + table + " VALUES (1, 'a');"
                        + " SELECT pg_logical_emit_message(true, 'audit', 'ünï text'); COMMIT",
                "SELECT pg_logical_emit_message(false, 'raw', '\\x00ff'::bytea)",
                "UPDATE " + table + " SET name = 'b' WHERE id = 1",
                "DELETE FROM " + table + " WHERE id = 1");
        List<Exchange> events = exchanges.await(5);
        assertThat(events).extracting(e -> e.getIn().getHeader(PgCdcConstants.OPERATION))
                .containsExactly("c", "m", "m", "u", "d");

        DebeziumEnvelope insert = events.get(0).getIn().getBody(DebeziumEnvelope.class);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(insert));
        assertThat(json.get("op").asText()).isEqualTo("c");
        assertThat(json.get("before").isNull()).isTrue();
        assertThat(json.get("after").toString()).isEqualTo("{\"id\":1,\"name\":\"a\"}");
        assertThat(json.get("source").get("table").asText()).isEqualTo(table);
        assertThat(json.get("source").get("connector").asText()).isEqualTo("postgresql");
        assertThat(json.get("ts_ms").asLong()).isPositive();

        DebeziumEnvelope message = events.get(1).getIn().getBody(DebeziumEnvelope.class);
        assertThat(message.getMessage()).containsEntry("prefix", "audit").containsEntry("content", "ünï text");
        assertThat(events.get(1).getIn().getHeader(PgCdcConstants.MESSAGE_PREFIX)).isEqualTo("audit");
        assertThat(events.get(1).getIn().getHeader(PgCdcConstants.TX_ID))
                .isEqualTo(events.get(0).getIn().getHeader(PgCdcConstants.TX_ID));
        assertThat((byte[]) events.get(2).getIn().getBody(DebeziumEnvelope.class).getMessage().get("content"))
                .containsExactly(0x00, 0xff);
        assertThat(events.get(2).getIn().getHeader(PgCdcConstants.TX_ID)).isNull(); // non-transactional

        DebeziumEnvelope delete = events.get(4).getIn().getBody(DebeziumEnvelope.class);
        assertThat(delete.getBefore()).isEqualTo(Map.of("id", 1));
        assertThat(delete.getAfter()).isNull();
    }

    @Test
    void nativeMessageBodyAndRawTextValues() throws Exception {
        String slot = uniqueSlot("rawtext");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, at timestamptz, n numeric[])");
        Exchanges exchanges = consume(slot, "tables=public." + table + "&emitMessages=true&valueFormat=text");
        pg().execute("INSERT INTO " + table + " VALUES (1, '2026-01-02 03:04:05+00', '{1.50,NULL}')",
                "SELECT pg_logical_emit_message(false, 'p', 'hello')");
        List<Exchange> events = exchanges.await(2);
        assertThat(body(events.get(0)).getAfter()).containsEntry("id", "1")
                .containsEntry("at", "2026-01-02 03:04:05+00").containsEntry("n", "{1.50,NULL}");
        LogicalMessage message = events.get(1).getIn().getBody(LogicalMessage.class);
        assertThat(message.getContent()).isEqualTo("hello");
        assertThat(new ObjectMapper().writeValueAsString(message)).startsWith("{\"op\":\"m\",\"prefix\":\"p\","
                + "\"content\":\"hello\",\"transactional\":false");
    }

    @Test
    void rawTextValuesInSnapshotRowsAsInStreamedOnes() throws Exception {
        String slot = uniqueSlot("rawsnap");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, at timestamptz, n numeric[])",
                "INSERT INTO " + table + " VALUES (1, '2026-01-02 03:04:05+00', '{1.50,NULL}')");
        Exchanges exchanges = consume(slot, "tables=public." + table + "&valueFormat=text&snapshotMode=initial");
        ChangeEvent read = body(exchanges.await(1).get(0));
        assertThat(read.getOp()).isEqualTo(Operation.READ);
        assertThat(read.getAfter()).containsEntry("id", "1").containsEntry("at", "2026-01-02 03:04:05+00")
                .containsEntry("n", "{1.50,NULL}");
    }
}
