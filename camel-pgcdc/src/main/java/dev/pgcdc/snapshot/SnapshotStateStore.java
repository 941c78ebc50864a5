package dev.pgcdc.snapshot;

import java.sql.SQLException;

/** Where snapshot progress survives restarts: a table in the source database or a Camel StateRepository. */
public interface SnapshotStateStore {

    /** The progress saved for {@code table}, or null if it was never snapshotted. */
    TableProgress load(TableId table) throws SQLException;

    void save(TableId table, TableProgress progress) throws SQLException;
}
