package dev.pgcdc.snapshot;

/** When the consumer snapshots the published tables (option {@code snapshotMode}). */
public enum SnapshotMode {
    /** Snapshot each table that has not been snapshotted to the end yet (resuming an interrupted one), then stream. */
    INITIAL,
    /** Never snapshot on start; re-snapshots on demand still work. */
    NEVER,
    /** Snapshot every table again on every start, then stream. */
    ALWAYS,
    /** Like {@link #INITIAL}, then stop the route once the snapshot is complete. */
    INITIAL_ONLY
}
