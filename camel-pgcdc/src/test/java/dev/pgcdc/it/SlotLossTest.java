package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slot that fell behind max_slot_wal_keep_size is lost: the consumer says so clearly and reports DOWN, and following
 * its recovery steps (or restarting after the slot was dropped) snapshots the tables again, so no row is missing.
 */
class SlotLossTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder()
            .setting("max_slot_wal_keep_size", "1MB").setting("wal_keep_size", "0").build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void startingOnALostSlotFailsWithTheRecoverySteps() {
        String slot = uniqueSlot("lost");
        String table = createCapturedTable(slot);
        pg().execute("CREATE PUBLICATION " + slot + " FOR TABLE " + table,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        // The consumer is stopped while the server writes and recycles WAL past the retention bound.
        writeUntilLost(slot, table);

        assertThatThrownBy(() -> start(route(slot, table, new CountDownLatch(0))))
                .satisfies(e -> assertThat(rootMessage(e)).contains("Replication slot '" + slot + "' is lost")
                        .contains("SELECT pg_drop_replication_slot('" + slot + "');")
                        .contains("snapshots every table again"));
    }

    @Test
    void aSlotLostWhileTheRouteIsBehindStopsTheConsumerAndTurnsHealthDown() throws Exception {
        String slot = uniqueSlot("lost_running");
        String table = createCapturedTable(slot);
        CountDownLatch release = new CountDownLatch(1);
        CamelContext context = start(route(slot, table, release));
        awaitStreaming(slot);
        try {
            // the route holds the first change, so the slot cannot advance while WAL is recycled
            writeUntilLost(slot, table);
            Await.until("consumer gives up on the lost slot", Duration.ofSeconds(30),
                    () -> "FAILED".equals(consumer(context).getPhase()));
            HealthCheck.Result health = Await.until("health DOWN", Duration.ofSeconds(20),
                    () -> OperationsTest.consumerHealth(context),
                    r -> r.isPresent() && r.get().getState() == HealthCheck.State.DOWN).get();
            assertThat(health.getMessage()).get().asString()
                    .contains("Replication slot '" + slot + "' is lost")
                    .contains("pg_drop_replication_slot('" + slot + "')");
        } finally {
            release.countDown();
        }
    }

    @Test
    void followingTheLostSlotRecoveryStepsDeliversTheRowsWrittenMeanwhile() throws Exception {
        String slot = uniqueSlot("lost_recovery");
        String table = createCapturedTable(slot);
        pg().execute("INSERT INTO " + table + " SELECT g, 'before' FROM generate_series(-10, -1) g");
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        CamelContext first = start(collecting(slot, table, ids));
        awaitSnapshotted(first);
        first.stop();
        writeUntilLost(slot, table);

        // the recovery steps the consumer gives, exactly
        String message = rootMessage(catchThrowable(() -> start(collecting(slot, table, ids))));
        String drop = "SELECT pg_drop_replication_slot('" + slot + "');";
        assertThat(message).contains(drop);
        pg().execute(drop);
        ids.clear();
        start(collecting(slot, table, ids));

        assertAllRowsArrive(table, ids);
    }

    @Test
    void aSlotDroppedWhileTheConsumerRunsIsSnapshottedAgainOnRestart() throws Exception {
        String slot = uniqueSlot("dropped_running");
        String table = createCapturedTable(slot);
        pg().execute("INSERT INTO " + table + " SELECT g, 'before' FROM generate_series(1, 10) g");
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        CamelContext running = start(collecting(slot, table, ids));
        awaitSnapshotted(running);
        Await.until("slot dropped under the running consumer", Duration.ofSeconds(30), () -> dropActiveSlot(slot));
        pg().execute("INSERT INTO " + table + " SELECT g, 'while no slot existed' FROM generate_series(11, 20) g");
        Await.until("consumer gives up on the dropped slot", Duration.ofSeconds(30),
                () -> "FAILED".equals(consumer(running).getPhase()));
        HealthCheck.Result health = Await.until("health DOWN", Duration.ofSeconds(20),
                () -> OperationsTest.consumerHealth(running),
                r -> r.isPresent() && r.get().getState() == HealthCheck.State.DOWN).get();
        assertThat(health.getMessage()).get().asString().contains("does not exist").contains("restart the consumer");
        running.stop();

        ids.clear();
        start(collecting(slot, table, ids));

        assertAllRowsArrive(table, ids);
    }

    /** Ends the walsender and drops the slot before the consumer reconnects; false if it reconnected first. */
    private boolean dropActiveSlot(String slot) {
        try {
            pg().execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND active_pid IS NOT NULL", "SELECT pg_drop_replication_slot('" + slot + "')");
            return true;
        } catch (RuntimeException slotStillActive) {
            return false;
        }
    }

    private void assertAllRowsArrive(String table, Set<Integer> ids) {
        Set<Object> expected = pg().queryForList("SELECT id FROM " + table).stream()
                .map(row -> row.get("id")).collect(Collectors.toSet());
        Await.until("every row of " + table + " (" + expected.size() + ")", Duration.ofSeconds(60),
                () -> ids.containsAll(expected));
    }

    private RouteBuilder collecting(String slot, String table, Set<Integer> ids) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotMode=initial&slotMonitorInterval=200"))
                        .process(e -> {
                            ChangeEvent change = e.getIn().getBody(ChangeEvent.class);
                            if (change.getAfter() != null) {
                                ids.add((Integer) change.getAfter().get("id"));
                            }
                        });
            }
        };
    }

    private static void awaitSnapshotted(CamelContext context) {
        Await.until("snapshot complete", Duration.ofSeconds(30),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
    }

    private String createCapturedTable(String slot) {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, payload text)");
        return table;
    }

    private void writeUntilLost(String slot, String table) {
        for (int round = 0; round < 30 && !"lost".equals(slot(slot).walStatus()); round++) {
            pg().execute("INSERT INTO " + table + " SELECT g, md5(g::text) FROM generate_series(" + round * 1000 + ", "
                    + (round * 1000 + 999) + ") g", "SELECT pg_switch_wal()", "CHECKPOINT");
        }
        assertThat(slot(slot).walStatus()).isEqualTo("lost");
    }

    private RouteBuilder route(String slot, String table, CountDownLatch release) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&slotMonitorInterval=200&shutdownTimeout=500&maxInflight=1"))
                        .process(e -> release.await(60, TimeUnit.SECONDS));
            }
        };
    }
}
