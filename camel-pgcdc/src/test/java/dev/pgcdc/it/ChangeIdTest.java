package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.postgresql.PGConnection;
import org.junit.jupiter.api.Test;

/** The change identifier: unique where the LSN is not (COPY), the same when a change is delivered again. */
class ChangeIdTest extends DefaultClusterTest {

    private static final int ROWS = 2_000;

    @Test
    void everyRowOfACopyHasItsOwnIdAndARedeliveryKeepsIt() throws Exception {
        String slot = uniqueSlot("changeid");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        // the last row fails once and nothing handles it: the whole transaction is delivered again
        FailingRoute route = new FailingRoute(uri(slot, "tables=" + table), ROWS);
        start(route);
        awaitStreaming(slot);
        copyRows(table);
        Await.until("the last row failed", Duration.ofSeconds(30), () -> route.failures.get() >= 1);
        route.failing.set(false);
        List<ChangeEvent> events = route.delivered.await(2 * ROWS - 1);

        // a COPY writes one multi-insert record per batch of rows: many changes share an LSN
        assertThat(events.stream().map(ChangeEvent::getLsn).distinct().count()).isLessThan(ROWS);
        Map<Object, Set<String>> idsByRow = events.stream().collect(Collectors.groupingBy(
                e -> e.getAfter().get("id"), Collectors.mapping(ChangeEvent::getId, Collectors.toSet())));
        assertThat(idsByRow).hasSize(ROWS);
        assertThat(idsByRow.values()).as("each row's id on both deliveries").allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(idsByRow.values().stream().flatMap(Set::stream).distinct().count()).isEqualTo(ROWS);
        ChangeEvent first = events.get(0);
        assertThat(first.getId()).isEqualTo(first.getCommitLsn() + ":0");
    }

    private void copyRows(String table) throws Exception {
        String rows = IntStream.rangeClosed(1, ROWS).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        try (Connection connection = pg().connectTo("postgres")) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN", new StringReader(rows));
        }
    }
}
