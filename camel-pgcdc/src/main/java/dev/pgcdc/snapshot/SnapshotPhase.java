package dev.pgcdc.snapshot;

/** Where the snapshot stands, for health checks. */
public enum SnapshotPhase {
    /** The consumer has not started the snapshot yet. */
    PENDING,
    /** At least one table is being snapshotted (or waits for a free worker). */
    RUNNING,
    /** No table is left to snapshot (also when there was none). */
    COMPLETED,
    /** The snapshot of at least one table failed and was not redone since. */
    FAILED
}
