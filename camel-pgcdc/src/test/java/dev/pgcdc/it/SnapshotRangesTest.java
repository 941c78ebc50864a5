package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table read by several workers at once ({@code snapshotParallelism} splits its key space into ranges): the
 * result still converges on the source while it is written, ranges are even for skewed and sparse keys, each range
 * resumes after its own saved key when the consumer's JVM is killed, and progress saved as one range still resumes.
 *
 * <p>The table written meanwhile has 200,000 rows by default (the killed consumer's 100,000), enough for four ranges
 * of many chunks each and fast enough on a loaded 2-core CI machine; {@code -Dpgcdc.snapshot.rows=1000000} runs both
 * at a million.
 */
class SnapshotRangesTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int ROWS = Integer.getInteger("pgcdc.snapshot.rows", 200_000);
    /** The killed consumer's table: the child JVM writes every event as JSON, which costs more per row. */
    private static final int KILLED_ROWS = Integer.getInteger("pgcdc.snapshot.rows", 100_000);
    private static final int WORKERS = 4;

    @TempDir
    Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void fourWorkersReadOneTableWrittenMeanwhileAndConvergeOnTheSource() throws Exception {
        String slot = uniqueSlot("ranges");
        String table = slot + "_t";
        createTable(table, ROWS);
        AppliedTables applied = new AppliedTables();
        AtomicInteger reads = new AtomicInteger();
        RandomWriter writer = new RandomWriter(pg(), table, ROWS, 0);
        AtomicInteger mostRangesReading = new AtomicInteger();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotChunkSize=2000&snapshotParallelism=" + WORKERS
                        + "&concurrentConsumers=4")).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.getOp() == Operation.READ) {
                        writer.keepPace(reads.incrementAndGet(), ROWS);
                    }
                    applied.apply(event);
                });
            }
        });
        try (writer) {
            writer.start();
            Await.until("snapshot complete", Duration.ofMinutes(4), () -> {
                mostRangesReading.accumulateAndGet(rangesReading(slot, table), Math::max);
                return consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED;
            });
        }
        awaitCaughtUp(slot);

        assertThat(ranges(slot, table)).as("ranges saved").hasSize(WORKERS).allMatch(r -> r.done);
        assertThat(mostRangesReading.get()).as("ranges seen reading at the same time").isGreaterThanOrEqualTo(2);
        assertThat(writer.writes()).as("writes during the snapshot").isGreaterThan(1000);
        assertThat(applied.differencesFromSource(pg(), table, List.of("id"))).isEmpty();
    }

    /**
     * The readers share one read-ahead bound: behind a slow route, four readers together never hold more than
     * max(3, 4) = 4 chunks read and not completed (each reading three ahead on its own, they held up to 12, and rows
     * held that long cost GC more than the extra readers gain), and more than one chunk is held at a time.
     */
    @Test
    void fourReadersShareOneReadAheadBound() throws Exception {
        String slot = uniqueSlot("shared");
        String table = slot + "_t";
        int rows = 40_000;
        createTable(table, rows);
        AtomicReference<PgCdcConsumer> consumer = new AtomicReference<>();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotChunkSize=500&snapshotParallelism=" + WORKERS))
                        .process(e -> {
                            LockSupport.parkNanos(20_000); // a slow route: the readers run as far ahead as they may
                            PgCdcConsumer started = consumer.get();
                            if (started != null) {
                                mostHeld.accumulateAndGet(started.snapshotChunksHeld(), Math::max);
                            }
                            if (e.getIn().getBody(ChangeEvent.class).getOp() == Operation.READ) {
                                reads.incrementAndGet();
                            }
                        });
            }
        });
        consumer.set(consumer(context));
        Await.until("snapshot complete", Duration.ofMinutes(2), () -> {
            mostHeld.accumulateAndGet(consumer.get().snapshotChunksHeld(), Math::max);
            return consumer.get().snapshotPhase() == SnapshotPhase.COMPLETED;
        });

        assertThat(reads.get()).as("rows read").isEqualTo(rows);
        assertThat(ranges(slot, table)).as("ranges saved").hasSize(WORKERS).allMatch(r -> r.done);
        assertThat(mostHeld.get()).as("most chunks held at once by all readers").isBetween(2, 4);
        assertThat(consumer.get().snapshotChunksHeld()).as("chunks held once complete").isZero();
    }

    /**
     * Random UUIDs, integers with a gap of 10^12 in the middle, and a composite key whose first column has one value
     * for 90% of the rows: the sample's quantiles give ranges within a factor of 2 of each other (min/max arithmetic
     * would put nearly every row of the last two into one range).
     */
    @Test
    void rangesAreEvenForUuidsGappedAndCompositeKeys() throws Exception {
        String slot = uniqueSlot("even");
        String uuids = slot + "_uuid";
        String gapped = slot + "_gap";
        String composite = slot + "_composite";
        int rows = 60_000;
        pg().execute("CREATE TABLE " + uuids + " (id uuid PRIMARY KEY, v int)",
                "INSERT INTO " + uuids + " SELECT gen_random_uuid(), g FROM generate_series(1, " + rows + ") g",
                "CREATE TABLE " + gapped + " (id bigint PRIMARY KEY, v int)",
                "INSERT INTO " + gapped + " SELECT CASE WHEN g <= " + rows / 2 + " THEN g ELSE 1000000000000 + g END, g"
                        + " FROM generate_series(1, " + rows + ") g",
                "CREATE TABLE " + composite + " (tenant text, id int, v int, PRIMARY KEY (tenant, id))",
                "INSERT INTO " + composite + " SELECT CASE WHEN g % 10 = 0 THEN 'small' || g % 7 ELSE 'big' END, g, g"
                        + " FROM generate_series(1, " + rows + ") g",
                "ANALYZE " + uuids, "ANALYZE " + gapped, "ANALYZE " + composite);
        AtomicInteger reads = new AtomicInteger();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + uuids + "," + gapped + "," + composite
                        + "&snapshotChunkSize=1000&snapshotParallelism=" + WORKERS)).process(e -> {
                    if (e.getIn().getBody(ChangeEvent.class).getOp() == Operation.READ) {
                        reads.incrementAndGet();
                    }
                });
            }
        });
        Await.until("snapshot complete", Duration.ofMinutes(2),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);

        assertThat(reads.get()).as("rows read").isEqualTo(3 * rows);
        for (String table : List.of(uuids, gapped, composite)) {
            List<Range> ranges = ranges(slot, table);
            long largest = ranges.stream().mapToLong(r -> r.rows).max().orElseThrow();
            long smallest = ranges.stream().mapToLong(r -> r.rows).min().orElseThrow();
            assertThat(ranges).as(table + " ranges").hasSize(WORKERS);
            assertThat(ranges.stream().mapToLong(r -> r.rows).sum()).as(table + " rows").isEqualTo(rows);
            assertThat(largest).as(table + " largest range against the smallest " + ranges)
                    .isLessThanOrEqualTo(2 * smallest);
        }
    }

    /**
     * The consumer's JVM is killed (SIGKILL) while four ranges are being read and written to: on restart every range
     * continues after its own saved key, so far fewer rows are read again than the table holds, and the result
     * converges on the source.
     */
    @Test
    void eachRangeResumesAfterItsOwnKeyWhenTheConsumerIsKilled() throws Exception {
        String slot = uniqueSlot("ranges_killed");
        String table = slot + "_t";
        int rows = KILLED_ROWS;
        int chunk = 1000;
        createTable(table, rows);
        String options = "tables=" + table + "&snapshotChunkSize=" + chunk + "&snapshotParallelism=" + WORKERS;
        try (RandomWriter writer = new RandomWriter(pg(), table, rows, 1).start()) {
            Path firstRun = dir.resolve("first-run.jsonl");
            Process child = SnapshotChild.start(dir, uri(slot, options), firstRun.toString(), "256m");
            try {
                Await.until("every range under way and a third of the table snapshotted", Duration.ofMinutes(2),
                        () -> ranges(slot, table).stream().filter(r -> r.rows > 0).count() == WORKERS
                                && savedRows(slot, table) >= rows / 3);
            } finally {
                SnapshotChild.kill(child);
            }
            List<Range> atKill = ranges(slot, table);
            long savedAtKill = savedRows(slot, table);
            assertThat(atKill).as("ranges at the kill").hasSize(WORKERS).anyMatch(r -> !r.done);

            Resumed resumed = resumeAfterKill(slot, options, firstRun);
            writer.close();
            assertThat(writer.writes()).as("writes while the consumer was killed and resumed").isPositive();
            awaitCaughtUp(slot);

            // each range reads again at most the chunks it had read ahead (3) and the one being read
            long slack = (long) WORKERS * 4 * chunk + writer.writes();
            assertThat((long) resumed.rereads().get())
                    .as("rows read after the restart (%d saved at the kill of %d)", savedAtKill, rows)
                    .isPositive().isLessThanOrEqualTo(rows - savedAtKill + slack).isLessThan(rows * 3L / 4);
            assertThat(resumed.applied().differencesFromSource(pg(), table, List.of("id"))).isEmpty();
        }
    }

    /**
     * Progress saved as one last key (before tables were split into ranges) resumes after that key, and what is left
     * is split into ranges.
     */
    @Test
    void progressSavedAsOneRangeResumesAfterItsKey() throws Exception {
        String slot = uniqueSlot("legacy");
        String table = slot + "_t";
        int rows = 20_000;
        createTable(table, rows);
        String options = "tables=" + table + "&snapshotChunkSize=1000&snapshotParallelism=" + WORKERS;
        AtomicInteger reads = new AtomicInteger();
        RouteBuilder counting = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> {
                    if (e.getIn().getBody(ChangeEvent.class).getOp() == Operation.READ) {
                        reads.incrementAndGet();
                    }
                });
            }
        };
        CamelContext first = start(counting);
        Await.until("first snapshot complete", Duration.ofMinutes(1),
                () -> consumer(first).snapshotPhase() == SnapshotPhase.COMPLETED);
        first.stop();
        pg().execute("UPDATE pgcdc_snapshot_state SET done = false, last_key = '{15000}', rows_done = 15000"
                + " WHERE slot_name = '" + slot + "' AND table_name = '" + table + "'");
        reads.set(0);

        CamelContext second = start(counting);
        Await.until("resumed snapshot complete", Duration.ofMinutes(1),
                () -> consumer(second).snapshotPhase() == SnapshotPhase.COMPLETED);

        assertThat(reads.get()).as("rows read after the saved key").isEqualTo(rows - 15000);
        List<Range> ranges = ranges(slot, table);
        assertThat(ranges).as("what was left, split").hasSizeGreaterThan(1).allMatch(r -> r.done);
        assertThat(ranges.stream().mapToLong(r -> r.rows).sum()).as("rows done").isEqualTo(rows);
        assertThat(ranges.get(0).rows).as("the first range, with the rows done before").isGreaterThan(15000);
    }

    private record Range(String after, boolean done, long rows) {
    }

    /** Each range's saved progress, from the state table's two-dimensional {@code last_key}. */
    private List<Range> ranges(String slot, String table) {
        if (pg().queryForObject("SELECT to_regclass('pgcdc_snapshot_state') IS NULL", Boolean.class)) {
            return List.of();
        }
        return pg().queryForList("SELECT last_key[i][1] AS after, last_key[i][3] = 't' AS done,"
                        + " last_key[i][4]::bigint AS rows FROM pgcdc_snapshot_state, generate_subscripts(last_key, 1) i"
                        + " WHERE slot_name = ? AND table_name = ? AND array_ndims(last_key) = 2 ORDER BY i", slot, table)
                .stream().map(r -> new Range((String) r.get("after"), (Boolean) r.get("done"), (Long) r.get("rows")))
                .toList();
    }

    /** Ranges with rows done and not done yet. */
    private int rangesReading(String slot, String table) {
        return (int) ranges(slot, table).stream().filter(r -> r.rows > 0 && !r.done).count();
    }

    private long savedRows(String slot, String table) {
        return ranges(slot, table).stream().mapToLong(r -> r.rows).sum();
    }
}
