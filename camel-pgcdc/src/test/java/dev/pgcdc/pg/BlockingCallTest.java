package dev.pgcdc.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slot's creation that waits for an open transaction fails after its deadline naming that transaction's session
 * (never what it ran), and leaves neither a slot nor a session behind.
 */
class BlockingCallTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Test
    void aCreationPastItsDeadlineNamesTheTransactionItWaitsFor() throws Exception {
        try (PgConnector connector = new PgConnector(new ConnectionSettings(PG.server().host(), PG.server().port(),
                "postgres", PG.server().superuser(), null, 10));
             Connection open = PG.server().connect(); Statement statement = open.createStatement()) {
            open.setAutoCommit(false);
            int pid;
            try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid(), txid_current(), 'secret value'")) {
                rs.next();
                pid = rs.getInt(1);
            }
            ReplicationSlot slot = new ReplicationSlot("blocked_call");
            assertThatThrownBy(() -> BlockingCall.run(connector, "pgcdc blocked_call slot creation",
                    Duration.ofSeconds(2), () -> false, "Creating the slot waits.",
                    connection -> slot.createLogical(connection, "pgoutput", false)))
                    .hasMessageContaining("Creating the slot waits. It did not finish within 2 s")
                    .hasMessageContaining("pid " + pid + " (idle in transaction, transaction started ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
            Await.until("the creation's session gone", Duration.ofSeconds(10), () -> PG.server().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE 'pgcdc blocked_call%'",
                    Integer.class) == 0);
            assertThat(PG.server().replicationSlots()).noneMatch(s -> s.slotName().equals("blocked_call"));
        }
    }
}
