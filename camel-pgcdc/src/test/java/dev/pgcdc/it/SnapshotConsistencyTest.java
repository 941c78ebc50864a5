package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The snapshot's correctness: snapshot rows and concurrent changes, applied in order, give exactly the source. */
class SnapshotConsistencyTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int ROWS = 200_000;
    /** Writes the writer has made by the time the whole table has been read (proportionally before). */
    private static final int PACED_WRITES = 3_000;

    @Override
    protected String defaultSnapshotMode() {
        return "initial";
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void snapshotBesideConcurrentInsertsUpdatesAndDeletesConvergesOnTheSource() throws Exception {
        convergesWhile(uniqueSlot("consistency"), "", reads -> {
        });
    }

    /**
     * With parallel delivery a snapshot row goes to the lane of its key, like the streamed changes of its row, so their
     * order still holds (applied per key, the result is exactly the source).
     */
    @Test
    void snapshotWithParallelDeliveryConvergesOnTheSource() throws Exception {
        convergesWhile(uniqueSlot("consistency_lanes"), "&concurrentConsumers=8", reads -> {
        });
    }

    /**
     * The stream's session ends in the middle of the snapshot, several times: the chunks read ahead of the stream are
     * abandoned with it and read again, and the result is still exactly the source.
     */
    @Test
    void snapshotConvergesWhenTheStreamIsCutWhileChunksAreInFlight() throws Exception {
        String slot = uniqueSlot("cut");
        convergesWhile(slot, "", reads -> {
            for (int threshold : new int[] {ROWS / 5, ROWS / 2}) {
                Await.until(threshold + " rows read", Duration.ofMinutes(2), () -> reads.get() >= threshold);
                awaitStreaming(slot); // a kill while it reconnects would cut nothing
                assertThat(pg().terminateWalSenders()).isPositive();
            }
        });
    }

    /** What a test does while the snapshot runs; {@code reads} counts the snapshot rows the route received. */
    private interface DuringSnapshot {
        void run(AtomicInteger reads) throws Exception;
    }

    private void convergesWhile(String slot, String extraOptions, DuringSnapshot during) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v int NOT NULL, note text, at timestamptz)",
                "INSERT INTO " + table + " SELECT g, 0, 'row ' || g, '2026-01-01'::timestamptz + g * interval '1s'"
                        + " FROM generate_series(1, " + ROWS + ") g");
        AppliedTables applied = new AppliedTables();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger readsWithoutHeader = new AtomicInteger();
        AtomicLong writes = new AtomicLong();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotChunkSize=2000" + extraOptions)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.getOp() == Operation.READ) {
                        // the snapshot waits for the writer, however fast it is: writes land all over its run
                        long due = (long) reads.incrementAndGet() * PACED_WRITES / ROWS;
                        if (writes.get() < due) {
                            Await.until("writer keeps pace", Duration.ofMinutes(1), () -> writes.get() >= due);
                        }
                        if (!event.isSnapshot() || !e.getIn().getHeader(PgCdcConstants.SNAPSHOT, Boolean.class)) {
                            readsWithoutHeader.incrementAndGet();
                        }
                    }
                    applied.apply(event);
                });
            }
        });
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(table, writing, writes), "writer");
        writer.start();
        try {
            during.run(reads);
            Await.until("snapshot complete", Duration.ofMinutes(4),
                    () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        } finally {
            writing.set(false);
            writer.join();
        }
        long writesDuringSnapshot = writes.get();
        awaitCaughtUp(slot);

        assertThat(writesDuringSnapshot).as("writes during the snapshot").isGreaterThan(1000);
        assertThat(reads.get()).isGreaterThan(ROWS / 2);
        assertThat(readsWithoutHeader.get()).isZero();
        Map<JsonNode, JsonNode> source = AppliedTables.source(pg(), table, List.of("id"));
        Map<JsonNode, JsonNode> result = applied.table(table);
        assertThat(AppliedTables.differences(source, result)).isEmpty();
    }


    /** Waits until the slot confirmed everything written so far: every change was delivered and completed. */
    private void awaitCaughtUp(String slot) {
        long end = currentWalLsn();
        Await.until("slot caught up", Duration.ofSeconds(60), () -> confirmedFlush(slot) >= end);
    }

    /** Random single-row and multi-row inserts, updates and deletes all over the key range, each its own transaction. */
    private void write(String table, AtomicBoolean writing, AtomicLong writes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long nextId = ROWS + 1;
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                long id = 1 + random.nextLong(nextId);
                int choice = random.nextInt(10);
                if (choice < 4) {
                    statement.execute("UPDATE " + table + " SET v = v + 1, note = 'u' || v WHERE id = " + id);
                } else if (choice < 6) {
                    statement.execute("DELETE FROM " + table + " WHERE id = " + id);
                } else if (choice < 8) {
                    statement.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 1, 'new', now())");
                } else if (choice < 9) {
                    // re-insert a possibly deleted key inside the snapshotted range
                    statement.execute("INSERT INTO " + table + " VALUES (" + id + ", 2, 'again', now())"
                            + " ON CONFLICT (id) DO UPDATE SET v = " + table + ".v + 10");
                } else {
                    statement.execute("UPDATE " + table + " SET v = v + 1 WHERE id BETWEEN " + id + " AND " + (id + 50));
                }
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
