package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.time.Duration;

import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;
import java.util.Set;

/**
 * What the snapshot needs to know, independent of Camel.
 *
 * @param skipTables  published tables that are only streamed, never snapshotted
 * @param chunkSize   rows per chunk, the size of each read; the readers hold up to {@code max(3, parallelism)}
 *                    chunks in memory together
 * @param parallelism how many chunk readers run at the same time in total (one connection each), over the ranges
 *                    of one table or of several
 * @param retryDelay  the first pause before a snapshot continues after a lost connection
 */
public record SnapshotOptions(String slotName, String publication, SnapshotMode mode, Set<TableName> skipTables,
                              int chunkSize, int parallelism, TableName signalTable, TableName stateTable,
                              Duration retryDelay, TableFilter tables, ColumnFilter columns, boolean rawText) {

    public SnapshotOptions {
        skipTables = Set.copyOf(skipTables);
        if (chunkSize < 1) {
            throw new IllegalArgumentException("snapshotChunkSize must be at least 1, was " + chunkSize);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("snapshotParallelism must be at least 1, was " + parallelism);
        }
    }

    /** The tables that hold the snapshot's own bookkeeping, never snapshotted or delivered. */
    boolean isInternal(TableName table) {
        return table.equals(signalTable) || table.equals(stateTable);
    }
}
