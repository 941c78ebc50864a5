package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.sql.SQLException;

/** Where snapshot progress survives restarts: a table in the source database or a Camel StateRepository. */
public interface SnapshotStateStore {

    /** The progress saved for {@code table}, or null if it was never snapshotted. */
    TableProgress load(TableName table) throws SQLException;

    void save(TableName table, TableProgress progress) throws SQLException;

    /**
     * Forgets the progress of every table: it belonged to a slot that is gone, and a new slot holds none of the
     * changes made before it was created, so every table must be snapshotted again.
     */
    void forgetAll() throws SQLException;
}
