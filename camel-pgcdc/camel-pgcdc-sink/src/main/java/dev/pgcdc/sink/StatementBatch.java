package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs statements in the order given on one connection, sending consecutive runs of the same SQL as one JDBC batch.
 * Order is kept exactly: a different statement, or a query, first sends what is pending. Prepared statements are kept
 * for the connection's life, so the driver can use server-side prepared statements.
 */
final class StatementBatch implements AutoCloseable {

    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private PreparedStatement pending;
    private int pendingCount;

    StatementBatch(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    Connection connection() {
        return connection;
    }

    void add(String sql, List<?> values) throws SQLException {
        PreparedStatement statement = prepare(sql);
        if (statement != pending) {
            flush();
            pending = statement;
        }
        bind(statement, values);
        statement.addBatch();
        pendingCount++;
    }

    /** Runs a query after everything pending; returns the first row's values, or null when there is none. */
    List<Object> queryFirst(String sql, List<?> values) throws SQLException {
        flush();
        PreparedStatement statement = prepare(sql);
        bind(statement, values);
        try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                return null;
            }
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                row.add(rows.getObject(i));
            }
            return row;
        }
    }

    void flush() throws SQLException {
        if (pending != null && pendingCount > 0) {
            PreparedStatement statement = pending;
            pending = null;
            pendingCount = 0;
            statement.executeBatch();
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    private void bind(PreparedStatement statement, List<?> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            dialect.bind(statement, i + 1, values.get(i));
        }
    }

    /** Forgets pending work after a rollback. */
    void discard() throws SQLException {
        if (pending != null) {
            pending.clearBatch();
        }
        pending = null;
        pendingCount = 0;
    }

    @Override
    public void close() {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // closing after a failure: the connection is closed next anyway
            }
        }
        prepared.clear();
    }
}
