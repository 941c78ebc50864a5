package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.pg.ReplicationSlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What catch-up reads ahead of the session is bounded by bytes, whatever the rows' width. */
class CatchUpSourceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int WIDE_ROWS = 400;
    private static final int WIDE_BYTES = 64 * 1024;
    /** Wider than the whole budget: it must still pass, alone. */
    private static final int HUGE_BYTES = CatchUpSource.QUEUE_BYTES + (1 << 20);

    @Test
    void rowsReadAheadOfTheSessionStayWithinTheByteBudgetAndAllArrive() throws Exception {
        PostgresServer server = PG.server();
        String slotName = "catchup_budget";
        server.execute("CREATE TABLE \"wide\" (\"id\" int PRIMARY KEY, \"doc\" text)",
                "CREATE PUBLICATION \"wide_pub\" FOR TABLE \"wide\"",
                "SELECT pg_create_logical_replication_slot('" + slotName + "', 'pgoutput')",
                // catch-up reads up to the WAL flushed when it starts, which the cluster's default leaves behind
                "SET synchronous_commit = on",
                // 400 changes of 64 kB (25 MB, well within one chunk count of the old bound), then one of 9 MB
                "INSERT INTO \"wide\" SELECT g, repeat(md5(g::text), " + WIDE_BYTES / 32 + ")"
                        + " FROM generate_series(1, " + WIDE_ROWS + ") g",
                "INSERT INTO \"wide\" VALUES (0, repeat('x', " + HUGE_BYTES + "))");
        PgConnector connector = new PgConnector(new ConnectionSettings(server.host(), server.port(), "postgres",
                server.superuser(), server.superuserPassword(), 10));
        ReplicationSlot slot = new ReplicationSlot(slotName);
        try (Connection control = connector.openJdbc("catch-up test");
             CatchUpSource source = CatchUpSource.start(connector, control, slot,
                     Map.of("proto_version", "1", "publication_names", "wide_pub"), 1, 1 << 20,
                     slot.read(control).confirmedFlushLsn())) {
            // nothing read by the session yet: the fetching thread stops at the budget
            Await.until("the catch-up thread to wait for the budget", Duration.ofSeconds(60),
                    source::waitingForBudget);
            assertThat(source.queuedBytes()).isLessThanOrEqualTo(CatchUpSource.QUEUE_BYTES);

            int wide = 0;
            int huge = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!source.finished() && System.nanoTime() < deadline) {
                ByteBuffer message = source.readPending();
                if (message == null) {
                    // readPending never blocks (the session polls it the same way), bounded by the deadline above
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                } else if (message.get(0) == 'I') {
                    int length = message.remaining();
                    wide += length > WIDE_BYTES && length < 2 * WIDE_BYTES ? 1 : 0;
                    huge += length > HUGE_BYTES ? 1 : 0;
                }
            }
            assertThat(source.finished()).as("catch-up reached the end").isTrue();
            assertThat(wide).isEqualTo(WIDE_ROWS);
            assertThat(huge).isEqualTo(1);
        }
    }
}
