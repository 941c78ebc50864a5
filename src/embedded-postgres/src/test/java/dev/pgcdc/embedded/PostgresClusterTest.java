package dev.pgcdc.embedded;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class PostgresClusterTest {

    private static boolean jvmIsRoot() throws Exception {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    @Test
    void startsALogicalClusterAndLeavesNothingBehind() throws Exception {
        Path dataDir;
        ProcessHandle postmaster;
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            dataDir = pg.dataDir();
            postmaster = ProcessHandle.of(pg.postmasterPid().orElseThrow()).orElseThrow();

            assertThat(pg.queryForObject("SHOW wal_level", String.class)).isEqualTo("logical");
            assertThat(pg.major()).isEqualTo(pg.installation().major());
            pg.execute("SELECT pg_create_logical_replication_slot('harness_slot', 'pgoutput')");
            assertThat(pg.replicationSlots()).singleElement().satisfies(slot -> {
                assertThat(slot.slotName()).isEqualTo("harness_slot");
                assertThat(slot.plugin()).isEqualTo("pgoutput");
                assertThat(slot.active()).isFalse();
                assertThat(slot.confirmedFlushLsnValue()).isPositive();
                if (pg.serverVersionNum() >= 130000) { // wal_status is new in PostgreSQL 13
                    assertThat(slot.walStatus()).isEqualTo("reserved");
                }
            });
        }
        assertThat(dataDir).doesNotExist();
        assertThat(dataDir.getParent()).doesNotExist();
        Await.until("postmaster " + postmaster.pid() + " to exit", Duration.ofSeconds(10), () -> !postmaster.isAlive());
    }

    @Test
    void runsAsAnUnprivilegedUserWhenTheJvmIsRoot() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            ProcessHandle postmaster = ProcessHandle.of(pg.postmasterPid().orElseThrow()).orElseThrow();
            if (jvmIsRoot()) {
                assertThat(pg.osUser()).isEqualTo("postgres");
                assertThat(postmaster.info().user()).contains("postgres");
                assertThat(Files.getOwner(pg.dataDir(), LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("postgres");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.dataDir()))).isEqualTo("rwx------");
            } else {
                assertThat(postmaster.info().user()).contains(System.getProperty("user.name"));
            }
        }
    }
}
