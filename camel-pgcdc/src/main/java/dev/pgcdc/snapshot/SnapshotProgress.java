package dev.pgcdc.snapshot;

import java.time.Duration;

/**
 * Where one table's snapshot stands: for the dev console, the live page and the progress log.
 *
 * @param table         {@code schema.table}
 * @param rowsDone      rows whose exchanges completed (the saved progress)
 * @param estimatedRows the rows estimated when the table was planned: {@code pg_class.reltuples}, else (never
 *                      analysed, or a publication's row filter) the planner's estimate
 * @param rowsPerSecond rows completed per second since this table's snapshot (or its resumption) started
 * @param eta           the time left at that rate; null when done or unknown
 * @param done          whether every row was read and completed
 * @param chunksReadAgain chunks of a table without a key read again because the table changed in their window
 */
public record SnapshotProgress(String table, long rowsDone, long estimatedRows, double rowsPerSecond, Duration eta,
                               boolean done, long chunksReadAgain) {

    public SnapshotProgress {
        estimatedRows = Math.max(0, estimatedRows); // reltuples is -1 for a table never analysed (PostgreSQL 14+)
    }

    /**
     * How far, 0 to 100: 100 once done, at most 99 before (the estimate may be low); null when nothing tells (no
     * estimate and not done).
     */
    public Integer percent() {
        if (done) {
            return 100;
        }
        return estimatedRows > 0 ? (int) Math.min(99, rowsDone * 100 / estimatedRows) : null;
    }
}
