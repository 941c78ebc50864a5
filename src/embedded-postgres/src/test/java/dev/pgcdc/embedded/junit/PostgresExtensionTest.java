package dev.pgcdc.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.ReplicationSlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

    @RegisterExtension
    static PostgresExtension pg = PostgresExtension.builder().setting("wal_sender_timeout", "30s").build();

    @Test
    void restartAppliesChangedSettingsOnTheSamePort() {
        PostgresServer server = pg.server();
        int port = server.port();
        assertThat(server.queryForObject("SHOW wal_sender_timeout", String.class)).isEqualTo("30s");

        server.restart(Map.of("wal_sender_timeout", "5s"));

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.queryForObject("SHOW wal_sender_timeout", String.class)).isEqualTo("5s");
    }

    @Test
    void terminateWalSendersEndsAPgRecvlogicalSession() throws Exception {
        PostgresServer server = pg.server();
        server.execute("CREATE TABLE streamed (id int PRIMARY KEY)",
                "CREATE PUBLICATION streamed_pub FOR TABLE streamed",
                "SELECT pg_create_logical_replication_slot('recv_slot', 'pgoutput')");
        Process receiver = new ProcessBuilder(server.tool("pg_recvlogical").toString(),
                "-h", server.host(), "-p", Integer.toString(server.port()), "-U", server.superuser(), "-d", "postgres",
                "-S", "recv_slot", "--start", "--no-loop", "-f", "/dev/null",
                "-o", "proto_version=1", "-o", "publication_names=streamed_pub")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitSlotActive(server, true);
            assertThat(server.terminateWalSenders()).isEqualTo(1);
            assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).as("pg_recvlogical exits").isTrue();
            awaitSlotActive(server, false);
        } finally {
            receiver.destroyForcibly();
            server.execute("SELECT pg_drop_replication_slot('recv_slot')");
        }
    }

    @Test
    void startsAnotherMajorFromTheBinariesDirectory() {
        assertThat(PostgresExtension.availableMajors()).contains(10, 18);
        PostgresServer pg10 = pg.forMajor(10);

        assertThat(pg10.serverVersionNum()).isBetween(100000, 109999);
        assertThat(pg10.port()).isNotEqualTo(pg.server().port());
        assertThat(pg.forMajor(10)).isSameAs(pg10);
        pg10.execute("SELECT pg_create_logical_replication_slot('old_slot', 'pgoutput')");
        List<ReplicationSlot> slots = pg10.replicationSlots();
        assertThat(slots).singleElement().satisfies(slot -> {
            assertThat(slot.plugin()).isEqualTo("pgoutput");
            assertThat(slot.walStatus()).as("PostgreSQL 10 has no wal_status").isNull();
        });
    }

    private static void awaitSlotActive(PostgresServer server, boolean active) throws InterruptedException {
        Await.until("slot active=" + active, Duration.ofSeconds(30),
                () -> server.replicationSlots().stream().anyMatch(slot -> slot.active() == active));
    }
}
