package dev.pgcdc.snapshot;

import java.util.List;

/**
 * How far the snapshot of one table got: persisted after each chunk whose exchanges all completed.
 *
 * @param lastKey the primary key of the last row of the last completed chunk, each column as PostgreSQL's text;
 *                null before the first chunk
 */
public record TableProgress(boolean done, List<String> lastKey, long rowsDone) {

    public TableProgress {
        lastKey = lastKey == null ? null : List.copyOf(lastKey);
    }

    /** A snapshot that has not read anything yet. */
    public static TableProgress start() {
        return new TableProgress(false, null, 0);
    }
}
