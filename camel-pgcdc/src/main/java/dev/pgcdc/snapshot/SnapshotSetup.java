package dev.pgcdc.snapshot;

import dev.pgcdc.setup.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.pgcdc.sql.Identifiers;

/**
 * Makes sure the snapshot's tables exist: the signal table, which must also be in the publication (the watermarks
 * and snapshot requests travel through the stream), and the state table when progress is kept in the database.
 * Creates what is missing when the user may; otherwise fails with the SQL to run.
 */
public final class SnapshotSetup {

    private final Connection connection;
    private final SnapshotOptions options;

    public SnapshotSetup(Connection connection, SnapshotOptions options) {
        this.connection = connection;
        this.options = options;
    }

    /** The SQL the snapshot needs, for setup plans and messages. */
    public static String requiredSql(SnapshotOptions options, boolean stateTable) {
        return SignalTable.ddl(options.signalTable()) + ";\n" + addToPublication(options) + ";"
                + (stateTable ? "\n" + TableStateStore.ddl(options.stateTable()) + ";" : "");
    }

    /**
     * @param stateTable whether progress is kept in the state table (not in a StateRepository)
     * @param required   whether failing is an error; if not, returns false instead (snapshots are then unavailable)
     */
    public boolean ensure(boolean stateTable, boolean required) throws SQLException {
        try {
            create(options.signalTable(), SignalTable.ddl(options.signalTable()));
            if (!isPublished(options.signalTable())) {
                execute(addToPublication(options));
            }
            if (stateTable) {
                create(options.stateTable(), TableStateStore.ddl(options.stateTable()));
            }
            return true;
        } catch (SQLException e) {
            if (!required) {
                return false;
            }
            throw new IllegalStateException("The snapshot needs its signal table in publication "
                    + options.publication() + (stateTable ? " and its state table" : "") + ", which could not be set"
                    + " up (" + e.getMessage() + "). Ask an administrator to run:\n"
                    + requiredSql(options, stateTable), e);
        }
    }

    private static String addToPublication(SnapshotOptions options) {
        return "ALTER PUBLICATION " + Identifiers.quote(options.publication()) + " ADD TABLE "
                + options.signalTable().quoted();
    }

    private void create(TableName table, String ddl) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return; // no CREATE privilege is needed for a table that is there
                }
            }
        }
        execute(ddl);
    }

    private boolean isPublished(TableName table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication_tables"
                + " WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            ps.setString(1, options.publication());
            ps.setString(2, table.schema());
            ps.setString(3, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
