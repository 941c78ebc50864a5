package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A slot that fell behind max_slot_wal_keep_size is lost: the consumer says so clearly and reports DOWN. */
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
                .satisfies(e -> assertThat(rootMessage(e)).contains("Slot '" + slot + "' is lost")
                        .contains("SELECT pg_drop_replication_slot('" + slot + "');").contains("new snapshot"));
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
                    .contains("Replication slot " + slot + " is lost")
                    .contains("pg_drop_replication_slot('" + slot + "')");
        } finally {
            release.countDown();
        }
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
