package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.security.LogCapture;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Decoding from a hot standby (PostgreSQL 16+, here 18): the slot lives on the standby, everything that writes goes to
 * the primary, and the snapshot's watermarks written there arrive through the standby's stream.
 */
class StandbyDecodingTest extends StandbyTestSupport {

    private static final int ROWS = 2000;

    @Override
    protected PostgresServer pg() {
        return standby;
    }

    @Test
    void snapshotAndStreamFromAStandbyConvergeWithTheSourceAndGoOnAfterItsPromotion() throws Exception {
        startPrimaryAndStandby();
        primary.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO t SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        String slot = uniqueSlot("from_standby");
        String hosts = hosts();
        AppliedTables applied = new AppliedTables();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=t&snapshotMode=initial&snapshotChunkSize=200&heartbeatInterval=500"
                        + "&readTimeout=3000&primaryHost=" + hosts))
                        .process(e -> applied.apply(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        Writer writer = new Writer(hosts);
        try {
            Await.until("the snapshot complete", WAIT,
                    () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
            assertThat(standby.replicationSlots()).anyMatch(s -> s.slotName().equals(slot) && s.active());
            assertThat(primary.replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
            long beforePromotion = writer.writes();

            primary.kill();
            standby.promote();
            Await.until("the writer writing on the promoted standby", WAIT,
                    () -> writer.writes() >= beforePromotion + 200);
        } finally {
            writer.close();
        }
        long end = currentWalLsn();
        Await.until("the slot confirmed everything written", WAIT, () -> confirmedFlush(slot) >= end);
        assertThat(AppliedTables.differences(AppliedTables.source(standby, "t", List.of("id")), applied.table("t")))
                .isEmpty();
    }

    @Test
    void aStandbyWithoutHotStandbyFeedbackIsNamedWithTheFixAndStillStreams() throws Exception {
        startPrimaryAndStandby();
        standby.execute("ALTER SYSTEM SET hot_standby_feedback = off", "SELECT pg_reload_conf()");
        String slot = uniqueSlot("no_feedback");
        primary.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)", "CREATE PUBLICATION " + slot
                + " FOR TABLE t");
        String options = "tables=t&primaryHost=" + primary.host() + ":" + primary.port();
        // validate mode creates no slot on the standby either: it names the statement that does
        Throwable validated = catchThrowable(() -> start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options + "&setupMode=VALIDATE")).to("log:never");
            }
        }));
        assertThat(setupFailure(validated).getMessage()).contains("does not exist on the standby",
                "SELECT pg_catalog.pg_create_logical_replication_slot('" + slot + "', 'pgoutput');");
        assertThat(standby.replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        Received received = new Received();
        try (LogCapture log = new LogCapture()) {
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
                }
            });
            assertThat(log.text()).contains("hot_standby_feedback off", "the standby then invalidates the slot",
                    "ALTER SYSTEM SET hot_standby_feedback = on; SELECT pg_reload_conf();");
        }
        primary.execute("INSERT INTO t VALUES (1, 1)");
        assertThat(received.await(1)).singleElement().satisfies(event -> assertThat(event.getAfter().get("id"))
                .isEqualTo(1));
    }

    /** Random inserts, updates and deletes through the multi-host list, reconnecting after a failure. */
    private static final class Writer implements AutoCloseable {
        private final AtomicLong writes = new AtomicLong();
        private final PrimaryWriter writer;

        Writer(String hosts) {
            this.writer = new PrimaryWriter(hosts, "standby-writer", this::write);
        }

        long writes() {
            return writes.get();
        }

        private void write(Connection connection, BooleanSupplier running) throws SQLException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Statement statement = connection.createStatement()) {
                while (running.getAsBoolean()) {
                    int id = 1 + random.nextInt(ROWS + 500);
                    statement.execute(switch (random.nextInt(3)) {
                        case 0 -> "INSERT INTO t VALUES (" + id + ", 1) ON CONFLICT (id) DO UPDATE SET v = t.v + 1";
                        case 1 -> "UPDATE t SET v = v + 1 WHERE id = " + id;
                        default -> "DELETE FROM t WHERE id = " + id;
                    });
                    writes.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            writer.close();
        }
    }
}
