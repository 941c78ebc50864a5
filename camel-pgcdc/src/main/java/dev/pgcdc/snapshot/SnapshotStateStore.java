package dev.pgcdc.snapshot;

import dev.pgcdc.setup.TableName;
import java.sql.SQLException;

/** Where snapshot progress survives restarts: a table in the source database or a Camel StateRepository. */
public interface SnapshotStateStore {

    /** The progress saved for {@code table}, or null if it was never snapshotted. */
    TableProgress load(TableName table) throws SQLException;

    void save(TableName table, TableProgress progress) throws SQLException;
}
