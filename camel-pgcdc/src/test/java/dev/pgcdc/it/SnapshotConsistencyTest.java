package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
class SnapshotConsistencyTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int ROWS = 200_000;

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
        createTable(table, ROWS);
        AppliedTables applied = new AppliedTables();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger readsWithoutHeader = new AtomicInteger();
        RandomWriter writer = new RandomWriter(pg(), table, ROWS, 0);
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotChunkSize=2000" + extraOptions)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.getOp() == Operation.READ) {
                        writer.keepPace(reads.incrementAndGet(), ROWS);
                        if (!event.isSnapshot() || !e.getIn().getHeader(PgCdcConstants.SNAPSHOT, Boolean.class)) {
                            readsWithoutHeader.incrementAndGet();
                        }
                    }
                    applied.apply(event);
                });
            }
        });
        try (writer) {
            writer.start();
            during.run(reads);
            Await.until("snapshot complete", Duration.ofMinutes(4),
                    () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        }
        long writesDuringSnapshot = writer.writes();
        awaitCaughtUp(slot);

        assertThat(writesDuringSnapshot).as("writes during the snapshot").isGreaterThan(1000);
        assertThat(reads.get()).isGreaterThan(ROWS / 2);
        assertThat(readsWithoutHeader.get()).isZero();
        assertThat(applied.differencesFromSource(pg(), table, List.of("id"))).isEmpty();
    }
}
