package dev.pgcdc.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Build machines carry Debian's postgresql-15 package; its absence is a failure, not a skip. */
class LocalInstallationTest {

    private static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15");

    @Test
    void runsALocalInstallationGivenByPath() {
        assertThat(DEBIAN_15).as("Debian package postgresql-15 must be installed").isDirectory();
        try (PostgresCluster pg = PostgresCluster.builder().binaries(DEBIAN_15.toString()).start()) {
            assertThat(pg.installation().major()).isEqualTo(15);
            assertThat(pg.serverVersionNum()).isBetween(150000, 159999);
            assertThat(pg.queryForObject("SHOW wal_level", String.class)).isEqualTo("logical");
            pg.execute("SELECT pg_create_logical_replication_slot('local_slot', 'pgoutput')");
            assertThat(pg.replicationSlots()).extracting(ReplicationSlot::slotName).containsExactly("local_slot");
        }
    }
}
