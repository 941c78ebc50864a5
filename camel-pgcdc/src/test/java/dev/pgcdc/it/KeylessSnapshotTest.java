package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.snapshot.SnapshotProgress;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table without a primary key (REPLICA IDENTITY FULL) is snapshotted in ctid ranges while a writer inserts,
 * updates and deletes across it: the snapshot's rows and the stream's changes, applied in order as a multiset of
 * whole rows, give the table's rows, and chunks the table changed in while they were read were read again.
 */
class KeylessSnapshotTest extends SnapshotTestSupport {

    private static final int ROWS = 200_000;

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void snapshotAndStreamConvergeOnAKeylessTableWrittenMeanwhile() throws Exception {
        convergesWhileWritten(uniqueSlot("keyless"), 1);
    }

    /** Three workers read three ranges of heap blocks at once, all with the same horizon. */
    @Test
    void threeWorkersReadingBlockRangesConvergeOnAKeylessTableWrittenMeanwhile() throws Exception {
        convergesWhileWritten(uniqueSlot("keyless_ranges"), 3);
    }

    private void convergesWhileWritten(String slot, int workers) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (n bigint, v text)",
                "INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g",
                // a non-unique index is no replica identity: it only keeps the writer's statements cheap
                "CREATE INDEX ON " + table + " (n)",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL", "ANALYZE " + table);
        Map<Map<String, Object>, Integer> applied = new HashMap<>();
        AtomicBoolean marker = new AtomicBoolean();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotParallelism=" + workers)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    synchronized (applied) {
                        apply(applied, event);
                    }
                    if (event.getOp() == Operation.INSERT && "marker".equals(event.getAfter().get("v"))) {
                        marker.set(true);
                    }
                });
            }
        });

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write(table, writing);
            } catch (Exception e) {
                writeFailure.set(e);
            }
        }, "keyless-writer");
        writer.start();
        try {
            Await.until("snapshot complete", Duration.ofSeconds(240),
                    () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        } finally {
            writing.set(false);
            writer.join();
        }
        pg().execute("INSERT INTO " + table + " VALUES (-1, 'marker')");
        Await.until("the marker streamed", Duration.ofSeconds(60), marker::get);
        assertThat(writeFailure.get()).as("the writer's failure").isNull();

        SnapshotProgress progress = consumer(context).snapshotProgress().get(0);
        assertThat(progress.chunksReadAgain()).as("chunks read again after the table changed in their window")
                .isPositive();
        Map<Map<String, Object>, Integer> expected = new HashMap<>();
        for (Map<String, Object> row : pg().queryForList("SELECT n, v FROM " + table)) {
            expected.merge(Map.of("n", row.get("n"), "v", row.get("v")), 1, Integer::sum);
        }
        Map<Map<String, Object>, Integer> missing = new HashMap<>(expected);
        Map<Map<String, Object>, Integer> extra = new HashMap<>();
        synchronized (applied) {
            applied.forEach((row, count) -> {
                if (!count.equals(missing.remove(row))) {
                    extra.put(row, count);
                }
            });
        }
        assertThat(missing).as("rows of the table the events lack").isEmpty();
        assertThat(extra).as("rows the events hold beyond the table's (or too often)").isEmpty();
    }

    /**
     * As a consumer without a key applies changes: a read or insert adds the row, a delete removes one equal row, an
     * update both. A change of a row the snapshot has not reached yet finds nothing to remove (the rows here are all
     * distinct, so it cannot remove an equal one instead).
     */
    private static void apply(Map<Map<String, Object>, Integer> rows, ChangeEvent event) {
        if (event.getBefore() != null) {
            rows.computeIfPresent(Map.copyOf(event.getBefore()), (row, count) -> count == 1 ? null : count - 1);
        }
        if (event.getAfter() != null) {
            rows.merge(Map.copyOf(event.getAfter()), 1, Integer::sum);
        }
    }

    /** Inserts, updates and deletes rows anywhere in the table, a statement every few milliseconds. */
    private void write(String table, AtomicBoolean writing) throws Exception {
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            long next = ROWS;
            while (writing.get()) {
                long n = ThreadLocalRandom.current().nextLong(1, next);
                switch (ThreadLocalRandom.current().nextInt(3)) {
                    case 0 -> statement.execute("INSERT INTO " + table + " VALUES (" + ++next + ", 'new" + next + "')");
                    case 1 -> statement.execute("UPDATE " + table + " SET v = v || 'u' WHERE n = " + n);
                    default -> statement.execute("DELETE FROM " + table + " WHERE n = " + n);
                }
                Thread.sleep(20); // paces the writer so that most chunk windows pass without a change
            }
        }
    }
}
