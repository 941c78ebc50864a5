package dev.pgcdc.sink;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs statements in the order given on one connection, sending consecutive runs of the same SQL as one JDBC batch,
 * consecutive deletes by key from one table (where the dialect has a statement for many, {@link #addDelete}) as one
 * statement, and consecutive appends (where the target loads them in bulk, {@link CopyAppends}) as one load per table.
 * Order is kept exactly: a different statement, or a query, first sends what is pending. Prepared statements are kept
 * for the connection's life, so the driver can use server-side prepared statements.
 */
final class StatementBatch implements AutoCloseable {

    private final Connection connection;
    private final Dialect dialect;
    /** Writes the statement of a run of deletes, the applier's statements' builder. */
    private final SqlBuilder statements;
    /** Null where appends are INSERT statements. */
    private final CopyAppends appends;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private PreparedStatement pending;
    private int pendingCount;
    /** The keys of the rows the pending batch upserts. */
    private final Set<List<Object>> pendingKeys = new HashSet<>();
    /** The pending run of deletes ({@link #addDelete}): how it goes, its one-key statement, its keys (none: no run). */
    private Dialect.KeyDeletes deleteRun;
    private String deleteOneSql;
    private final List<List<?>> deleteKeys = new ArrayList<>();

    StatementBatch(Connection connection, Dialect dialect, SqlBuilder statements) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.statements = statements;
        this.appends = dialect.copyAppends(connection);
    }

    Connection connection() {
        return connection;
    }

    /** Whether {@link #append} loads rows in bulk; otherwise appends are {@link #add}ed as INSERT statements. */
    boolean loadsAppends() {
        return appends != null;
    }

    /** Appends a row to {@code table} unless a row with the same {@code key} values exists (see {@link CopyAppends}). */
    void append(TargetTable table, List<String> columns, List<String> key, List<?> values) throws SQLException {
        sendStatements();
        appends.add(table, columns, key, values);
    }

    void add(String sql, List<?> values) throws SQLException {
        sendDeletes();
        if (appends != null && appends.hasPending()) {
            appends.flush();
        }
        PreparedStatement statement = prepare(sql);
        if (statement != pending) {
            flush();
            pending = statement;
        }
        bind(statement, values);
        statement.addBatch();
        pendingCount++;
    }

    /**
     * Adds an insert-or-update of the row with key values {@code key}. A driver may send a batch of them as multi-row
     * statements (pgjdbc's reWriteBatchedInserts, {@link TargetDatabase}), and one statement must not update a row
     * twice: a row already in the pending batch first sends the batch. (A repeat this check misses, such as keys equal
     * only under the target's collation, fails the batch, which is then applied change by change.)
     */
    void addUpsert(String sql, List<?> values, List<?> key) throws SQLException {
        List<Object> rowKey = new ArrayList<>(key.size());
        for (Object value : key) {
            rowKey.add(value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value);
        }
        if (pendingKeys.contains(rowKey) && pending == prepared.get(sql)) {
            sendStatements();
        }
        add(sql, values); // sends another pending statement first, forgetting its keys
        pendingKeys.add(rowKey);
    }

    /**
     * Adds a delete by key: {@code sql} deletes the row with these {@code key} values; {@code deletes} (null where the
     * target has none for it, {@link Dialect#keyDeletes}) how the rows of many keys go in one statement. Consecutive
     * deletes with equal {@code deletes} go as one statement ({@link SqlBuilder#deleteAll}), a new one after each
     * {@link Dialect.KeyDeletes#maxKeys} keys and at a key the dialect does not take with the run's first
     * ({@link Dialect#keysTogether}): deletes by key from one table commute, and deleting a key twice deletes
     * it once. Target-side triggers see one statement: a statement trigger fires once per run, row triggers in the
     * order the rows are found, not the order of the changes. A run of one goes as {@code sql}, so a batch applied
     * change by change sends what it always did.
     */
    void addDelete(String sql, Dialect.KeyDeletes deletes, List<?> key) throws SQLException {
        if (deletes == null) {
            add(sql, key);
            return;
        }
        if (!deleteKeys.isEmpty() && (deleteKeys.size() == deletes.maxKeys() || !deletes.equals(deleteRun)
                || !dialect.keysTogether(deleteKeys.get(0), key))) {
            sendDeletes();
        }
        if (deleteKeys.isEmpty()) {
            flush();
            deleteRun = deletes;
            deleteOneSql = sql;
        }
        deleteKeys.add(key);
    }

    /**
     * After everything pending, runs {@code update} (an update by key) and, when it matched no row, {@code insert}: an
     * insert-or-update that meets no row but the key's, a conflict on another unique index failing the statement.
     * Relies on the update counting the rows it matched, as MariaDB's and MySQL's drivers report by default (not
     * with useAffectedRows=true, where an update that changes nothing counts 0 and the insert then fails on the key:
     * {@link TargetDatabase} refuses a jdbcUrl that sets it; a DataSource must not).
     */
    void updateElseInsert(String update, List<?> updateValues, String insert, List<?> insertValues)
            throws SQLException {
        flush();
        PreparedStatement statement = prepare(update);
        bind(statement, updateValues);
        if (statement.executeUpdate() == 0) {
            statement = prepare(insert);
            bind(statement, insertValues);
            statement.executeUpdate();
        }
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

    /** Sends everything pending. */
    void flush() throws SQLException {
        sendStatements();
        if (appends != null) {
            appends.flush();
        }
    }

    /** Sends everything pending and commits. */
    void commit() throws SQLException {
        sendStatements();
        if (appends != null && appends.hasPending()) {
            appends.flushCommitting();
        }
        connection.commit(); // nothing to send when the last load committed
    }

    private void sendStatements() throws SQLException {
        sendDeletes();
        if (pending != null && pendingCount > 0) {
            PreparedStatement statement = pending;
            pending = null;
            pendingCount = 0;
            pendingKeys.clear();
            statement.executeBatch();
        }
    }

    private void sendDeletes() throws SQLException {
        if (deleteKeys.isEmpty()) {
            return;
        }
        try {
            if (deleteKeys.size() == 1) {
                PreparedStatement statement = prepare(deleteOneSql);
                bind(statement, deleteKeys.get(0));
                statement.executeUpdate();
                return;
            }
            PreparedStatement statement = prepare(statements.deleteAll(deleteRun, deleteKeys.size()));
            dialect.bindKeys(statement, deleteRun, deleteKeys);
            statement.executeUpdate();
        } finally {
            deleteKeys.clear();
        }
    }

    /** After the transaction committed. */
    void committed() {
        if (appends != null) {
            appends.committed();
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
        pendingKeys.clear();
        deleteKeys.clear();
        if (appends != null) {
            appends.discard();
        }
    }

    @Override
    public void close() {
        if (appends != null) {
            appends.close();
        }
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
