package dev.pgcdc.snapshot;

import java.time.Duration;

/**
 * Where one table's snapshot stands: for the dev console, the live page and the progress log.
 *
 * @param table         {@code schema.table}
 * @param rowsDone      rows whose exchanges completed (the saved progress)
 * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}) when the table was planned; 0 if
 *                      unknown (a table never analysed)
 * @param rowsPerSecond rows completed per second since this table's snapshot (or its resumption) started
 * @param eta           the time left at that rate; null when done or unknown
 * @param done          whether every row was read and completed
 */
public record SnapshotProgress(String table, long rowsDone, long estimatedRows, double rowsPerSecond, Duration eta,
                               boolean done) {

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
