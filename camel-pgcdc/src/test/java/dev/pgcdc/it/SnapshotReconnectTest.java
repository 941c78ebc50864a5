package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The replication session ends (the consumer reconnects; its JVM lives on) while a snapshot's readers hold chunks
 * whose rows the route has not completed: those chunks are abandoned, their read-ahead permits return, and they are
 * read again after the reconnect, so the snapshot completes with every row delivered and no chunk held.
 *
 * <p>Two readers share max(3, 2) = 3 permits. The route blocks on the first snapshot row, so no chunk completes: the
 * readers take all three (a reader holding a chunk takes another while one is free) and one of them holds two, so
 * the session's end abandons a chunk behind the oldest of a reader, the one its discard gives back.
 */
class SnapshotReconnectTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int ROWS = 20_000;
    private static final int CHUNK = 500;
    private static final int READERS = 2;
    private static final int PERMITS = 3;

    /** How the session ends. */
    enum SessionEnd {
        /** The walsender is terminated: only the replication connection goes; the readers keep theirs. */
        WALSENDER_TERMINATED,
        /** Every connection of the consumer is reset, the readers' too, as a proxy or tunnel going away does. */
        CONNECTIONS_RESET
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @ParameterizedTest
    @EnumSource(SessionEnd.class)
    void chunksHeldWhenTheSessionEndsAreReadAgainAndTheirPermitsReturn(SessionEnd end) throws Exception {
        String slot = uniqueSlot("snap_reconnect");
        String table = slot + "_t";
        createTable(table, ROWS);
        CountDownLatch routeBlocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<Long, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        AtomicInteger reads = new AtomicInteger();
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            // shutdownTimeout: the ended session waits at most that long for the blocked exchange; handOffAfter=0:
            // the session ends while the route blocks, which needs the route off the replication thread
            String uri = viaProxy(uri(slot, "tables=" + table + "&snapshotChunkSize=" + CHUNK
                    + "&snapshotParallelism=" + READERS + "&shutdownTimeout=500&handOffAfter=0"), proxy);
            CamelContext context = start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).process(e -> {
                        ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                        if (event.getOp() != Operation.READ) {
                            return;
                        }
                        routeBlocked.countDown();
                        if (!release.await(2, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("the test never released the route");
                        }
                        reads.incrementAndGet();
                        deliveries.computeIfAbsent((Long) event.getAfter().get("id"), id -> new AtomicInteger())
                                .incrementAndGet();
                    });
                }
            });
            PgCdcConsumer consumer = consumer(context);
            try {
                Await.until("the route blocked on a snapshot row and the readers holding every permit",
                        Duration.ofSeconds(60),
                        () -> routeBlocked.getCount() == 0 && consumer.snapshotChunksHeld() == PERMITS);
                int pid = slot(slot).activePid();

                if (end == SessionEnd.WALSENDER_TERMINATED) {
                    assertThat(pg().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();
                } else {
                    proxy.closeOpenConnections(true);
                }
                // the next session starts only after the ended one abandoned its windows
                Await.until("a new replication session", Duration.ofSeconds(30),
                        () -> slot(slot).active() && slot(slot).activePid() != pid);
                assertThat(consumer.snapshotPhase()).as("snapshot phase after the reconnect")
                        .isEqualTo(SnapshotPhase.RUNNING);
            } finally {
                release.countDown();
            }

            Await.until("snapshot complete", Duration.ofMinutes(2),
                    () -> consumer.snapshotPhase() == SnapshotPhase.COMPLETED);

            assertThat(consumer.snapshotChunksHeld()).as("chunks held once complete").isZero();
            assertThat(LongStream.rangeClosed(1, ROWS).filter(id -> !deliveries.containsKey(id)).boxed().toList())
                    .as("rows never delivered").isEmpty();
            // the blocked row's chunk was abandoned and read again; only rows of the chunks held at the session's
            // end may come twice
            assertThat(reads.get()).as("snapshot rows delivered")
                    .isGreaterThan(ROWS).isLessThanOrEqualTo(ROWS + PERMITS * CHUNK);
        }
    }

    private String viaProxy(String uri, TcpProxy proxy) {
        String direct = "&port=" + pg().port() + "&";
        assertThat(uri).contains(direct);
        return uri.replace(direct, "&port=" + proxy.port() + "&");
    }
}
