package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot in a consumer process of its own: killed in the middle, and with a small fixed heap. */
class SnapshotChildJvmTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @TempDir
    Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void resumesAfterTheConsumerIsKilledInTheMiddleOfTheSnapshot() throws Exception {
        String slot = uniqueSlot("killed");
        String table = slot + "_t";
        int rows = 100_000;
        createTable(table, rows);
        String options = "tables=" + table + "&snapshotChunkSize=1000";
        try (RandomWriter writer = new RandomWriter(pg(), table, rows, 1).start()) {
            Path firstRun = dir.resolve("first-run.jsonl");
            Process child = SnapshotChild.start(dir, uri(slot, options), firstRun.toString(), "256m");
            try {
                Await.until("a third of the table snapshotted", Duration.ofSeconds(120), () -> savedRows(slot) >= rows / 3);
            } finally {
                SnapshotChild.kill(child);
            }
            long savedAtKill = savedRows(slot);
            assertThat(savedAtKill).isLessThan(rows);

            Resumed resumed = resumeAfterKill(slot, options, firstRun);
            writer.close();
            assertThat(writer.writes()).as("writes while the consumer was killed and resumed").isPositive();
            awaitCaughtUp(slot);

            assertThat(resumed.rereads().get()).as("rows read after the restart").isPositive()
                    .isLessThanOrEqualTo((int) (rows - savedAtKill + 1000 + 5000));
            assertThat(resumed.applied().differencesFromSource(pg(), table, List.of("id"))).isEmpty();
        }
    }

    @Test
    void snapshotsAMillionRowsWithA128MegabyteHeap() throws Exception {
        String slot = uniqueSlot("memory");
        String table = slot + "_t";
        int rows = 1_000_000;
        pg().execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, amount numeric(12,2), note text, at timestamptz)",
                "INSERT INTO " + table + " SELECT g, g / 100.0, 'note ' || g, now() FROM generate_series(1, " + rows + ") g",
                "ANALYZE " + table);
        long started = System.nanoTime();
        Process child = SnapshotChild.start(dir, uri(slot, "tables=" + table + "&snapshotMode=initial_only"), "-", "128m");
        String output;
        try {
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
        } finally {
            child.destroyForcibly();
        }
        output = Files.readString(dir.resolve("child.out"));
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("READS " + rows);
        System.out.printf("1M-row snapshot in a 128 MB JVM: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** The progress the consumer saved; 0 until it has created its state table. */
    private long savedRows(String slot) {
        if (pg().queryForObject("SELECT to_regclass('pgcdc_snapshot_state') IS NULL", Boolean.class)) {
            return 0;
        }
        return pg().queryForObject("SELECT coalesce(sum(rows_done), 0)::bigint FROM pgcdc_snapshot_state"
                + " WHERE slot_name = ?", Long.class, slot);
    }
}
