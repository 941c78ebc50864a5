package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The wal2json plugin end to end, on the local PostgreSQL 15 with wal2json installed (the zonky binaries lack it)
 * and allowed (this server build accepts only the output plugins its {@code output_plugin_libraries} lists):
 * the same workload through a pgoutput slot and a wal2json slot gives the same change events, one by one, apart
 * from what the component documentation lists as wal2json's losses.
 */
class Wal2JsonTest extends Wal2JsonClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Larger than a TOAST page and incompressible, so it is stored out of line. */
    private static final String BIG = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g)";
    private static final String HSTORE = "'\"zz\"=>\"1\", \"a\"=>NULL, \"q\\\"k\"=>\"ünï\"'::hstore";

    @Test
    void pgoutputAndWal2jsonDeliverTheSameChangeEvents() throws Exception {
        String prefix = uniqueSlot("same");
        String types = prefix + "_types";
        String full = prefix + "_full";
        createTables(prefix, types, full);
        String tables = "tables=public." + types + ",public." + full + "&emitMessages=true";
        Collected pgoutput = consume(prefix + "_pgo", tables);
        Collected wal2json = consume(prefix + "_w2j", tables + "&plugin=wal2json");
        runWorkload(types, full);

        List<JsonNode> expected = pgoutput.await(10);
        List<JsonNode> actual = wal2json.await(10);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("change %d", i).isEqualTo(withoutNaN(expected.get(i)));
        }
        assertThat(actual).extracting(e -> e.path("op").asText()).containsExactly(
                "c", "c", "c", "u", "u", "u", "d", "d", "m", "t");
        assertThat(actual.get(3).get("unchanged")).hasSize(1); // big, an unchanged TOAST value left out by wal2json
        assertThat(actual.get(0).get("after").get("h")).as("hstore as to_jsonb makes it").isEqualTo(JSON.readTree(
                pg().queryForObject("SELECT to_jsonb(" + HSTORE + ")::text", String.class)));
        assertThat(actual.get(5).get("before").get("doc").asText()).hasSizeGreaterThan(8000); // FULL: old row
    }

    @Test
    void formatVersion1GivesTheSameEventsAsVersion2ButNoTruncates() throws Exception {
        String prefix = uniqueSlot("v1");
        String types = prefix + "_types";
        String full = prefix + "_full";
        createTables(prefix, types, full);
        String tables = "tables=public." + types + ",public." + full + "&emitMessages=true&plugin=wal2json";
        Collected version2 = consume(prefix + "_v2", tables);
        Collected version1 = consume(prefix + "_v1", tables + "&wal2jsonFormatVersion=1");
        runWorkload(types, full);

        // wal2json never prints a truncate in format-version 1
        List<JsonNode> expected = version2.await(10).subList(0, 9);
        List<JsonNode> actual = version1.await(9);
        for (int i = 0; i < expected.size(); i++) {
            ObjectNode event = (ObjectNode) expected.get(i).deepCopy();
            if (event.has("commitLsn") && !event.get("commitLsn").isNull()) {
                // version 1 has only the end of the commit record, not its start
                assertThat(actual.get(i).get("commitLsn").asText()).isNotEqualTo(event.get("commitLsn").asText());
                event.set("commitLsn", actual.get(i).get("commitLsn"));
                // and so the change's id, which is made of it and the same position
                String position = event.get("id").asText().substring(event.get("id").asText().indexOf(':'));
                assertThat(actual.get(i).get("id").asText()).isEqualTo(actual.get(i).get("commitLsn").asText() + position);
                event.set("id", actual.get(i).get("id"));
            }
            assertThat(actual.get(i)).as("change %d", i).isEqualTo(event);
        }
    }

    @Test
    void acknowledgesOnlyCompletedChangesAcrossAFailureAndARestart() throws Exception {
        String slot = uniqueSlot("w2j_ack");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        String options = "tables=" + table + "&plugin=wal2json";
        FailingRoute route = new FailingRoute(uri(slot, options), 2);
        CamelContext first = start(route);
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)", "INSERT INTO " + table + " VALUES (2)",
                "INSERT INTO " + table + " VALUES (3)");
        Await.until("the failing change retried", Duration.ofSeconds(30), () -> route.failures.get() >= 2);
        assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(route.failedCommit.get());

        route.failing.set(false);
        List<ChangeEvent> events = route.delivered.awaitMatching("rows 2 and 3 delivered", list -> list.stream()
                .map(e -> e.getAfter().get("id")).toList().containsAll(List.of(2, 3)));
        long newest = events.stream().mapToLong(e -> e.getCommitLsn().value()).max().orElseThrow();
        Await.until("confirmed past row 3", Duration.ofSeconds(20), () -> confirmedFlush(slot) > newest);
        first.stop();
        contexts.remove(first);

        pg().execute("INSERT INTO " + table + " VALUES (4)");
        Received afterRestart = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> afterRestart.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        // what was acknowledged is not sent again; what was not is
        assertThat(afterRestart.await(1)).extracting(e -> e.getAfter().get("id")).containsExactly(4);
    }

    @Test
    void pushesExactTableNamesDownEscapedAndFiltersColumns() throws Exception {
        String slot = uniqueSlot("w2j_filter");
        String odd = slot + " Odd,Name.T\\x"; // space, comma, dot, backslash and capitals: all escaped for wal2json
        String plain = slot + "_plain";
        String other = slot + "_other";
        pg().execute("CREATE TABLE \"" + odd + "\" (id int PRIMARY KEY)",
                "CREATE TABLE " + plain + " (id int PRIMARY KEY, secret text, shown text)",
                "CREATE TABLE " + other + " (id int PRIMARY KEY)");
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "plugin=wal2json&tables=RAW(public.\"" + odd + "\",public." + plain
                        + ")&excludeColumns=public." + plain + ".secret"))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + other + " VALUES (1)", "INSERT INTO \"" + odd + "\" VALUES (1)",
                "INSERT INTO " + plain + " VALUES (1, 's', 'x')", "INSERT INTO " + other + " VALUES (2)");
        List<ChangeEvent> events = received.await(2);
        assertThat(events).extracting(ChangeEvent::getTable).containsExactly(odd, plain);
        assertThat(events.get(1).getAfter()).containsOnlyKeys("id", "shown");
        pg().execute("INSERT INTO " + plain + " VALUES (2, 's', 'y')");
        List<ChangeEvent> all = received.awaitMatching("row 2 of " + plain, l -> l.stream()
                .anyMatch(e -> e.getTable().equals(plain) && Integer.valueOf(2).equals(e.getAfter().get("id"))));
        // the other table's row 2, written before it, did not come in between
        assertThat(all).extracting(ChangeEvent::getTable, e -> e.getAfter().get("id"))
                .containsExactly(tuple(odd, 1), tuple(plain, 1), tuple(plain, 2));
    }

    @Test
    void aMillionRowTransactionStreamsThroughA64MiBHeap() throws Exception {
        String slot = uniqueSlot("w2j_big");
        String table = slot + "_t";
        int rows = 1_000_000;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, payload text)");
        // an existing slot, as users of wal2json have one: created before the transaction, consumed by name
        pg().execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'wal2json')");
        pg().execute("INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(1, " + rows + ") g");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), LargeTransactionConsumer.class.getName(),
                uri(slot, "plugin=wal2json&tables=" + table), String.valueOf(rows), "240")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = child.inputReader()) {
            lines.lines().forEach(output::add);
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(String.join("\n", output.subList(Math.max(0, output.size() - 30),
                output.size()))).isZero();
        output.stream().filter(line -> line.startsWith("received ")).forEach(System.out::println);
        assertThat(output).anyMatch(line -> line.startsWith("received " + rows + " out of order 0"));
        assertThat(confirmedFlush(slot)).isGreaterThan(0);
    }

    private void createTables(String prefix, String types, String full) {
        pg().execute("CREATE EXTENSION IF NOT EXISTS hstore",
                "CREATE TYPE " + prefix + "_mood AS ENUM ('sad', 'happy')",
                "CREATE DOMAIN " + prefix + "_pos AS int CHECK (VALUE > 0)",
                "CREATE TYPE " + prefix + "_pair AS (a int, b text)",
                "CREATE TABLE " + types + " (id int PRIMARY KEY, n numeric(12,3), nan numeric, f8 float8, b bool,"
                        + " t text, by bytea, u uuid, j jsonb, js json, d date, ts timestamp, tstz timestamptz,"
                        + " iv interval, ia int[], ta text[], e " + prefix + "_mood, dm " + prefix + "_pos,"
                        + " c " + prefix + "_pair, h hstore, big text)",
                "ALTER TABLE " + types + " ALTER big SET STORAGE EXTERNAL",
                "CREATE TABLE " + full + " (id int PRIMARY KEY, status text, doc text)",
                "ALTER TABLE " + full + " ALTER doc SET STORAGE EXTERNAL",
                "ALTER TABLE " + full + " REPLICA IDENTITY FULL");
    }

    /** Ten records: three inserts, three updates, two deletes, a message and a truncate. */
    private void runWorkload(String types, String full) {
        pg().execute("BEGIN; INSERT INTO " + types + " VALUES (1, 12.5, 1.25, -0.5, true, E'tab\\t\"q\" ünï 🐘',"
                        + " '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2.50]}', '[1, 2.0]',"
                        + " '2026-11-22', '2026-11-22 10:00:00.123456', '2026-11-22 10:00:00.5+02', '1 day 02:00:00',"
                        + " '{1,NULL,3}', '{\"a b\",c}', 'happy', 7, ROW(1, 'x'), " + HSTORE + ", " + BIG + ");"
                        + " INSERT INTO " + types + " (id, nan, f8, b) VALUES (2, 'NaN', 1e300, false);"
                        + " INSERT INTO " + full + " VALUES (1, 'new', " + BIG + "); COMMIT",
                "UPDATE " + types + " SET t = 'changed' WHERE id = 1",
                "UPDATE " + types + " SET id = 10 WHERE id = 2",
                "UPDATE " + full + " SET status = 'paid' WHERE id = 1",
                "BEGIN; DELETE FROM " + types + " WHERE id = 10; DELETE FROM " + full + " WHERE id = 1;"
                        + " SELECT pg_logical_emit_message(true, 'app', 'hello'); COMMIT",
                "TRUNCATE " + types);
    }

    /** wal2json prints numeric NaN and infinities as null: the one value it cannot carry (see the docs). */
    private static JsonNode withoutNaN(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        for (String row : List.of("before", "after")) {
            if (copy.get(row) instanceof ObjectNode values && "NaN".equals(values.path("nan").asText(null))) {
                values.set("nan", NullNode.getInstance());
            }
        }
        return copy;
    }

    @Test
    void anExcludedTableWithoutKeyDoesNotStopTheStart() throws Exception {
        String slot = uniqueSlot("w2j_exclude");
        String database = slot + "_db";
        pg().createDatabase(database);
        try (Connection connection = pg().connectTo(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyless (payload text)");
            statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
        }
        Collected collected = new Collected();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "plugin=wal2json&excludeTables=public.keyless")
                        .replace("database=postgres", "database=" + database))
                        .process(e -> collected.add(e.getIn().getBody(ChangeRecord.class)));
            }
        });
        awaitStreaming(slot);
        try (Connection connection = pg().connectTo(database); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO keyless VALUES ('left out')");
            statement.execute("INSERT INTO kept VALUES (1)");
        }
        assertThat(collected.await(1).get(0).get("table").asText()).isEqualTo("kept");
    }

    private Collected consume(String slot, String options) throws Exception {
        Collected collected = new Collected();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> collected.add(e.getIn().getBody(ChangeRecord.class)));
            }
        });
        awaitStreaming(slot);
        return collected;
    }

    /** Delivered records in their JSON form, which is what the comparisons are about. */
    private static final class Collected {
        private final List<JsonNode> records = new ArrayList<>();

        synchronized void add(ChangeRecord record) {
            records.add(JSON.valueToTree(record));
        }

        synchronized int size() {
            return records.size();
        }

        List<JsonNode> await(int count) {
            Await.until(count + " records", Duration.ofSeconds(30), this::size, n -> n >= count);
            synchronized (this) {
                assertThat(records).hasSize(count);
                return List.copyOf(records);
            }
        }
    }
}
