package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a table's snapshot progress every so often: rows done, the estimated total, rate and remaining time. */
final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final TableName table;
    private final long estimatedRows;
    private final long startRows;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;

    ProgressLog(TableName table, long estimatedRows, long startRows) {
        this.table = table;
        this.estimatedRows = estimatedRows;
        this.startRows = startRows;
        LOG.info("Snapshot of {} {} (about {} rows)", table, startRows > 0 ? "resumes after " + startRows + " rows"
                : "starts", estimatedRows > 0 ? estimatedRows : "unknown");
    }

    void chunkDone(long rowsDone) {
        long now = System.nanoTime();
        if (now - lastLogNanos < INTERVAL_NANOS) {
            return;
        }
        lastLogNanos = now;
        double perSecond = (rowsDone - startRows) / Math.max(1e-9, (now - startNanos) / 1e9);
        StringBuilder line = new StringBuilder().append(rowsDone).append(" rows");
        if (estimatedRows > 0) {
            line.append(" of about ").append(estimatedRows).append(" (")
                    .append(Math.min(100, rowsDone * 100 / estimatedRows)).append("%)");
        }
        line.append(", ").append(Math.round(perSecond)).append(" rows/s");
        if (estimatedRows > rowsDone && perSecond > 0) {
            line.append(", ETA ").append(Duration.ofSeconds(Math.round((estimatedRows - rowsDone) / perSecond)));
        }
        LOG.info("Snapshot of {}: {}", table, line);
    }

    void finished(long rowsDone) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        LOG.info("Snapshot of {} complete: {} rows in {} s ({} rows/s)", table, rowsDone,
                String.format("%.1f", seconds), Math.round((rowsDone - startRows) / Math.max(seconds, 1e-9)));
    }
}
