package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publication's row filter and column list (PostgreSQL 15+) restrict the snapshot exactly as they restrict the
 * stream: the snapshot reads the rows and columns the stream would deliver for the same rows, never a superset.
 */
class SnapshotFilterTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Override
    protected String defaultSnapshotMode() {
        return "initial";
    }

    @Test
    void snapshotReadsWhatTheFilteredPublicationStreams() throws Exception {
        String slot = uniqueSlot("filtered");
        String filtered = slot + "_rows";
        String listed = slot + "_cols";
        pg().execute("CREATE TABLE " + filtered + " (id int PRIMARY KEY, a text, b int)",
                "INSERT INTO " + filtered + " SELECT g, 'a' || g, g * 10 FROM generate_series(1, 30) g",
                "CREATE TABLE " + listed + " (id int PRIMARY KEY, a text, secret text)",
                "INSERT INTO " + listed + " SELECT g, 'a' || g, 'secret' || g FROM generate_series(1, 10) g",
                // a row filter of a publication that publishes updates and deletes may only use key columns
                "CREATE PUBLICATION " + slot + " FOR TABLE " + filtered + " WHERE (id % 3 = 0), "
                        + listed + " (id, a)");
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + filtered + "," + listed))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        Await.until("snapshot complete", Duration.ofSeconds(30),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        List<ChangeEvent> snapshot = received.snapshot();

        // the same kind of rows, written now, reach the stream
        pg().execute("INSERT INTO " + filtered + " SELECT g, 'a' || g, g * 10 FROM generate_series(31, 36) g",
                "INSERT INTO " + listed + " VALUES (11, 'a11', 'secret11')");
        List<ChangeEvent> streamed = received.awaitMatching("the stream's inserts", all -> all.stream()
                .filter(e -> e.getOp() == Operation.INSERT).count() == 3).stream()
                .filter(e -> e.getOp() == Operation.INSERT).toList();
        assertThat(streamed).extracting(e -> e.getTable() + e.getKey().get("id"))
                .containsExactly(filtered + 33, filtered + 36, listed + 11);

        assertThat(snapshot).allSatisfy(e -> assertThat(e.getOp()).isEqualTo(Operation.READ));
        assertThat(rows(snapshot, filtered)).isEqualTo(expected("id, a, b", filtered, "id % 3 = 0 AND id <= 30"));
        assertThat(rows(snapshot, listed)).isEqualTo(expected("id, a", listed, "id <= 10"));
        for (String table : List.of(filtered, listed)) {
            assertThat(columns(snapshot, table)).as(table).isEqualTo(columns(streamed, table));
        }
    }

    /** Each row's values as text, in key order. */
    private static List<String> rows(List<ChangeEvent> events, String table) {
        return events.stream().filter(e -> e.getTable().equals(table))
                .sorted((x, y) -> Integer.compare((Integer) x.getKey().get("id"), (Integer) y.getKey().get("id")))
                .map(e -> e.getAfter().values().stream().map(String::valueOf).collect(Collectors.joining("|")))
                .toList();
    }

    /** The source's rows of {@code SELECT columns FROM table WHERE condition}, each as the values' text. */
    private List<String> expected(String columns, String table, String condition) {
        return pg().queryForList("SELECT concat_ws('|', " + columns + ") AS row FROM " + table + " WHERE " + condition
                + " ORDER BY id").stream().map(row -> (String) row.get("row")).toList();
    }

    private static List<List<String>> columns(List<ChangeEvent> events, String table) {
        return events.stream().filter(e -> e.getTable().equals(table)).map(e -> List.copyOf(e.getAfter().keySet()))
                .distinct().toList();
    }
}
