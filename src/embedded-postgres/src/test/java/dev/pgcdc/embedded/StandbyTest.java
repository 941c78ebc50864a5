package dev.pgcdc.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.pgcdc.embedded.junit.Await;
import org.junit.jupiter.api.Test;

class StandbyTest {

    @Test
    void aStandbyFollowsItsPrimaryKeepsAFailoverSlotAndTakesOverWhenPromoted() {
        try (PostgresCluster primary = PostgresCluster.builder().binaries("18").start();
             PostgresCluster standby = primary.startStandby("standby_slot")) {
            primary.execute("ALTER SYSTEM SET synchronized_standby_slots = 'standby_slot'", "SELECT pg_reload_conf()",
                    "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION p FOR TABLE t", "INSERT INTO t VALUES (1)",
                    "SELECT pg_create_logical_replication_slot('failover_slot', 'pgoutput', false, false, true)");

            assertThat(standby.queryForObject("SELECT pg_is_in_recovery()", Boolean.class)).isTrue();
            // the table itself is created by replay: wait for the replay to pass the primary's position, then look
            String written = primary.queryForObject("SELECT pg_current_wal_lsn()::text", String.class);
            Await.until("the standby to replay up to " + written, Duration.ofSeconds(30),
                    () -> standby.queryForObject("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", Boolean.class, written));
            assertThat(standby.queryForObject("SELECT count(*)::int FROM t", Integer.class)).isEqualTo(1);
            Await.until("the failover slot to be synced", Duration.ofSeconds(30),
                    () -> standby.queryForObject("SELECT count(*)::int FROM pg_replication_slots"
                            + " WHERE slot_name = 'failover_slot' AND synced", Integer.class) == 1);

            primary.kill();
            assertThat(primary.postmasterPid()).isEmpty();
            standby.promote();
            standby.execute("INSERT INTO t VALUES (2)");
            assertThat(standby.queryForObject("SELECT count(*)::int FROM t", Integer.class)).isEqualTo(2);
            // the insert is decoded once flushed (synchronous_commit is off in the harness)
            Await.until("the change to be decoded from the synced slot", Duration.ofSeconds(30),
                    () -> standby.queryForObject("SELECT count(*)::int FROM pg_logical_slot_peek_binary_changes("
                            + "'failover_slot', NULL, NULL, 'proto_version', '1', 'publication_names', 'p')",
                            Integer.class) > 0);
        }
    }
}
