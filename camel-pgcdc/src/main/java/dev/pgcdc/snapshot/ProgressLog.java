package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one table's snapshot: rows done, the estimated total, rate and remaining time. Logs them every so often
 * and answers {@link #progress()} from any thread.
 */
final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final TableName table;
    private final long estimatedRows;
    private final long startRows;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private volatile long rowsDone;
    private final AtomicLong chunksReadAgain = new AtomicLong();
    /** Written before {@link #done}, read after it. */
    private long finishedNanos;
    private volatile boolean done;

    ProgressLog(TableName table, long estimatedRows, long startRows) {
        this.table = table;
        this.estimatedRows = estimatedRows;
        this.startRows = startRows;
        this.rowsDone = startRows;
        LOG.info("Snapshot of {} {} (about {} rows)", table, startRows > 0 ? "resumes after " + startRows + " rows"
                : "starts", estimatedRows);
    }

    /** A table whose snapshot has not started yet (waiting for a worker). */
    static SnapshotProgress queued(TableLayout table) {
        return new SnapshotProgress(display(table.id()), 0, table.estimatedRows(), 0, null, false, 0);
    }

    void chunkDone(long rowsDone) {
        this.rowsDone = rowsDone;
        long now = System.nanoTime();
        if (now - lastLogNanos < INTERVAL_NANOS) {
            return;
        }
        lastLogNanos = now;
        SnapshotProgress progress = progress(now);
        StringBuilder line = new StringBuilder().append(rowsDone).append(" rows");
        if (progress.percent() != null) {
            line.append(" of about ").append(estimatedRows).append(" (").append(progress.percent()).append("%)");
        }
        line.append(", ").append(Math.round(progress.rowsPerSecond())).append(" rows/s");
        if (progress.eta() != null) {
            line.append(", ETA ").append(progress.eta());
        }
        LOG.info("Snapshot of {}: {}", table, line);
    }

    /** A chunk of a table without a key changed in its window and is read again. */
    void chunkReadAgain() {
        LOG.debug("Snapshot of {}: the table changed while a chunk was read; reading it again", table);
        chunksReadAgain.incrementAndGet();
    }

    void finished(long rowsDone) {
        this.rowsDone = rowsDone;
        finishedNanos = System.nanoTime();
        done = true;
        SnapshotProgress progress = progress();
        LOG.info("Snapshot of {} complete: {} rows in {} s ({} rows/s)", table, rowsDone,
                String.format("%.1f", (finishedNanos - startNanos) / 1e9), Math.round(progress.rowsPerSecond()));
    }

    SnapshotProgress progress() {
        return progress(System.nanoTime());
    }

    private SnapshotProgress progress(long now) {
        boolean finished = done;
        long rows = rowsDone;
        long end = finished ? finishedNanos : now;
        double perSecond = Math.max(0, rows - startRows) / Math.max(1e-9, (end - startNanos) / 1e9);
        Duration eta = !finished && estimatedRows > rows && perSecond > 0
                ? Duration.ofSeconds(Math.round((estimatedRows - rows) / perSecond)) : null;
        return new SnapshotProgress(display(table), rows, estimatedRows, perSecond, eta, finished,
                chunksReadAgain.get());
    }

    /** {@code schema.table} unquoted, as the stream's per-table counters name it. */
    private static String display(TableName table) {
        return table.schema() + "." + table.name();
    }
}
