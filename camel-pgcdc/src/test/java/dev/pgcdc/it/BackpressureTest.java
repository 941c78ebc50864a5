package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A route that stalls longer than wal_sender_timeout must not cost the replication connection. */
class BackpressureTest extends CdcTestSupport {

    private static final Duration SENDER_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder()
            .setting("wal_sender_timeout", SENDER_TIMEOUT.toMillis() + "ms").build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void aBlockedRouteKeepsItsConnectionAndLosesNothing() throws Exception {
        String slot = uniqueSlot("backpressure");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, payload text)");
        CountDownLatch release = new CountDownLatch(1);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&maxInflight=10")).process(e -> {
                    release.await(60, TimeUnit.SECONDS);
                    received.add(e.getIn().getBody(ChangeEvent.class));
                });
            }
        });
        awaitStreaming(slot);
        int walsender = slot(slot).activePid();
        int rows = 2000;
        pg().execute("INSERT INTO " + table + " SELECT g, repeat('x', 200) FROM generate_series(1, " + rows / 2 + ") g",
                "INSERT INTO " + table + " SELECT g, repeat('y', 200) FROM generate_series(" + (rows / 2 + 1) + ", "
                        + rows + ") g");
        long blockedSince = System.nanoTime();
        // The route holds the first change; the consumer must keep talking to the server meanwhile.
        Await.until("three sender timeouts with the route blocked", SENDER_TIMEOUT.multipliedBy(6),
                () -> System.nanoTime() - blockedSince > SENDER_TIMEOUT.multipliedBy(3).toNanos());
        assertThat(slot(slot).active()).isTrue();
        assertThat(slot(slot).activePid()).isEqualTo(walsender);

        release.countDown();
        List<ChangeEvent> events = received.await(rows);
        assertThat(events).hasSize(rows);
        assertThat(events.get(rows - 1).getAfter().get("id")).isEqualTo(rows);
        assertThat(slot(slot).activePid()).isEqualTo(walsender);
        assertThat(pg().queryForObject("SELECT count(*)::int FROM pg_stat_replication", Integer.class)).isEqualTo(1);
    }

    /**
     * A snapshot window's rows all reach the route from one message (its high watermark); each quick enough to run on
     * the replication thread, together they take several sender timeouts: the server must hear from us between them.
     */
    @Test
    void manyQuickChangesFromOneMessageKeepTheConnection() throws Exception {
        String slot = uniqueSlot("backpressure_window");
        String table = slot + "_t";
        int rows = 300;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)",
                "INSERT INTO " + table + " SELECT g FROM generate_series(1, " + rows + ") g");
        Received received = new Received();
        CountDownLatch never = new CountDownLatch(1);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotMode=initial&handOffAfter=60000")).process(e -> {
                    // a route that takes 20 ms a change: under handOffAfter, so the replication thread runs it
                    assertThat(never.await(20, TimeUnit.MILLISECONDS)).isFalse();
                    received.add(e.getIn().getBody(ChangeEvent.class));
                });
            }
        });
        Await.until("the walsender streaming", Duration.ofSeconds(30), () -> slot(slot).active());
        int walsender = slot(slot).activePid();
        Await.until("the snapshot complete", Duration.ofSeconds(60),
                () -> consumer(contexts.get(0)).snapshotPhase() == SnapshotPhase.COMPLETED);
        assertThat(received.snapshot()).as("every row once, none delivered again after a lost connection")
                .hasSize(rows);
        assertThat(slot(slot).activePid()).as("the same walsender").isEqualTo(walsender);
    }
}
