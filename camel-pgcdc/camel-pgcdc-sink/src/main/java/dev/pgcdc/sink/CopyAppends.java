package dev.pgcdc.sink;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.pgcdc.pg.TableName;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.ServerVersion;
import org.postgresql.core.TransactionState;

/**
 * Append mode's inserts on a PostgreSQL target: the rows of a batch go by {@code COPY} into a staging table, and one
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} per staging table moves them into the target, so a batch costs
 * two statements instead of one per change, and a redelivered change is ignored as before.
 *
 * <p>The common batch, appends to one table and nothing else, goes faster: by one {@code COPY} straight into the
 * target, which is its own transaction (two round trips instead of four, and the server neither stages the rows nor
 * checks each for a conflict before inserting it). A redelivered change makes that COPY fail on the target's unique
 * key, without effect, and the batch then goes through the staging table, which ignores it. Only a redelivery after a
 * crash or a failure does that, and it leaves a unique-violation error in the server's log; the batches after it go
 * staged until one inserts every row it stages (the redelivered window is over), so a redelivery of many batches
 * does not send each twice. The direct COPY is only an optimisation, and in autocommit a failed one leaves nothing:
 * after any other failure but a lost connection the stage is made again from the catalog (a target column's type
 * may have changed since it was made, which a binary COPY refuses) and the batch, encoded again for it, goes staged;
 * when the column types are still those the stage had, its later batches on this connection go staged too, since to
 * the target a COPY is not an INSERT (row-level security refuses it, a trigger may). Rules,
 * which COPY would ignore, never meet it: a table with INSERT rules refuses the staged insert's ON CONFLICT, so the
 * batch that makes a stage, always staged, fails on it.
 *
 * <p>Staging tables are temporary (the session's own, nothing to clean up after a crash), one per target table and
 * column list, made with the target columns' own types, so COPY reads each value exactly as an insert into the target
 * would; made again after a failed batch (whose cause may be a DBA's change to the target) and after a refused direct
 * COPY. They are emptied at every commit ({@code ON COMMIT DELETE ROWS}, a truncation).
 *
 * <p>A batch goes in COPY's binary format when every column's type has a binary form here and every value is its
 * type's exact counterpart ({@link CopyBinaryWriter}), else in the text format; the rows are kept as values until the
 * batch is sent, so either can be chosen for the whole batch.
 */
final class CopyAppends {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Connection connection;
    /** What tells the transaction's state; null where a wrapper hides it (then batches always go staged). */
    private final BaseConnection driver;
    private final Dialect dialect;
    private final CopyManager copy;
    private final Map<Shape, Stage> stages = new HashMap<>();
    /** Stages holding rows not yet moved, in the order of their first row. */
    private final Map<Shape, Stage> pending = new LinkedHashMap<>();
    private final CopyBinaryWriter binaryRows = new CopyBinaryWriter();
    private final StringBuilder textRows = new StringBuilder(1 << 16);
    private int created;
    /** The staging table of each shape: one a shape, replaced when its stage is made again. */
    private final Map<Shape, String> stageNames = new HashMap<>();
    /** The stage of the last row added and what it was found by, by identity: consecutive rows mostly share them. */
    private Stage last;
    private TableName lastTarget;
    private List<String> lastColumns;

    private record Shape(TableName target, List<String> columns, List<String> key) {
    }

    /** How a stage's batch of appends only is moved into the target. */
    private enum Path {
        /** By one COPY straight into the target. */
        DIRECT,
        /** Staged, until a staged insert inserts every row staged: a redelivery is under way. */
        REDELIVERY,
        /** Staged always: the target refused a direct COPY for another reason than a redelivered row. */
        STAGED
    }

    private static final class Stage {
        final String copySql;
        final String insertSql;
        final PreparedStatement insert;
        final Shape shape;
        /** The target table as read, whose column types the stage was made with. */
        final TargetTable table;
        final String empty;
        /** COPY straight into the target. */
        final String directCopySql;
        /**
         * What a binary COPY straight into the target adds: a WHERE clause failing the COPY unless the target's
         * columns still have the types the rows were written for. Binary fields carry no type, and a column whose
         * type a DBA changed since the stage was made (bigint to double precision, text to integer) would read them
         * as its own without a word; the staging table keeps its types, so the COPY into it needs no such check.
         * Each column is checked when the server reads the statement, not per row: {@code array_larger} is declared
         * {@code (anyarray, anyarray)}, whose two arrays must have one type exactly (no implicit cast), so
         * {@code array_larger(ARRAY[column], NULL::type[])} does not resolve unless the column has that type; were it
         * {@code anycompatiblearray}, bigint would be promoted and pass for double precision. {@code ... OR true}
         * then folds the whole clause away before the first row. A failed guard (or binary data the new type
         * refuses) fails the COPY, and the stage is made again from the catalog, with the new type, so the batch is
         * encoded for it.
         */
        final String directBinaryGuard;
        /** The field writers of the columns in COPY's binary format; null when a column's type has none. */
        final CopyBinaryWriter.Field[] binary;
        /** The target columns' types ({@code format_type}) the stage was made with. */
        final List<String> types;
        /** The values of the rows not yet moved. */
        final List<List<?>> rows = new ArrayList<>();
        Path path = Path.DIRECT;
        /**
         * The last java.time value of each column and its field text: formatting one costs more than the rest of a
         * row, and a transaction's rows mostly share them (its commit time, a now() default).
         */
        final Object[] lastTimes;
        final String[] lastTimeFields;
        /** Rows moved in the open transaction are still in it (emptied at commit): empty it before moving more. */
        boolean movedInTransaction;

        Stage(Shape shape, TargetTable table, String copySql, String insertSql, PreparedStatement insert, String empty,
              String directCopySql, String directBinaryGuard, CopyBinaryWriter.Field[] binary, List<String> types) {
            this.shape = shape;
            this.table = table;
            this.types = types;
            this.directBinaryGuard = directBinaryGuard;
            this.binary = binary;
            this.copySql = copySql;
            this.insertSql = insertSql;
            this.insert = insert;
            this.empty = empty;
            this.directCopySql = directCopySql;
            this.lastTimes = new Object[shape.columns().size()];
            this.lastTimeFields = new String[shape.columns().size()];
        }

        void appendTime(int column, Object value, StringBuilder text) {
            if (!value.equals(lastTimes[column])) {
                StringBuilder field = new StringBuilder(40);
                PostgresDialect.copyField(value, field);
                lastTimes[column] = value;
                lastTimeFields[column] = field.toString();
            }
            text.append(lastTimeFields[column]);
        }
    }

    /** The rows of a COPY: the first {@code length} bytes (of the encoder's buffer, until the next), their format. */
    private record Encoded(byte[] bytes, int length, boolean binary) {
    }

    private CopyAppends(Connection connection, Dialect dialect, CopyManager copy) throws SQLException {
        this.connection = connection;
        this.driver = connection.isWrapperFor(BaseConnection.class) ? connection.unwrap(BaseConnection.class) : null;
        this.dialect = dialect;
        this.copy = copy;
    }

    /** Appends through COPY on a pgjdbc connection; null for another driver (appends are then plain inserts). */
    static CopyAppends of(Connection connection, Dialect dialect) throws SQLException {
        if (!connection.isWrapperFor(PGConnection.class)) {
            return null;
        }
        return new CopyAppends(connection, dialect, connection.unwrap(PGConnection.class).getCopyAPI());
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Stages one row for {@code table}, whose unique {@code key} ignores a row appended before; a stage is made on a
     * shape's first row, with the column types the target table was read with.
     */
    void add(TargetTable table, List<String> columns, List<String> key, List<?> values) throws SQLException {
        Stage stage = last;
        TableName target = table.name();
        if (stage == null || target != lastTarget || columns != lastColumns || !key.equals(stage.shape.key())) {
            Shape shape = new Shape(target, columns, key);
            stage = stages.get(shape);
            if (stage == null) {
                shape = new Shape(target, List.copyOf(columns), List.copyOf(key));
                stage = make(shape, table, table.columnTypes());
                stages.put(shape, stage);
            }
            last = stage;
            lastTarget = target;
            lastColumns = columns;
        }
        if (stage.rows.isEmpty()) { // its first row since it was last moved
            pending.put(stage.shape, stage);
        }
        stage.rows.add(values);
    }

    /** The stage's rows for COPY, binary where {@link CopyBinaryWriter} can write them all. */
    private Encoded encode(Stage stage) {
        if (stage.binary != null && binaryRows.encode(stage.rows, stage.binary)) {
            return new Encoded(binaryRows.buffer(), binaryRows.length(), true);
        }
        StringBuilder text = textRows;
        text.setLength(0);
        for (List<?> values : stage.rows) {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    text.append('\t');
                }
                Object value = values.get(i);
                if (value instanceof Temporal) {
                    stage.appendTime(i, value, text);
                } else {
                    PostgresDialect.copyField(value, text);
                }
            }
            text.append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return new Encoded(bytes, bytes.length, false);
    }

    /** Moves the staged rows into their targets. */
    void flush() throws SQLException {
        move(false);
    }

    /**
     * Moves the staged rows into their targets and commits the transaction in the same round trip as the last move
     * (or copies them straight into their target, see the class comment). Each round trip is a wait for the target's
     * backend to be scheduled, which on a busy host costs more than the work; pgjdbc sees the transaction ended, so
     * its {@code commit()} afterwards sends nothing. A failed move skips the COMMIT (the server ignores the rest of
     * the round trip), and the transaction is rolled back as usual.
     */
    void flushCommitting() throws SQLException {
        move(true);
    }

    private void move(boolean commit) throws SQLException {
        int left = pending.size();
        for (Stage next : pending.values()) {
            Stage stage = next;
            int staged = stage.rows.size();
            Encoded rows = encode(stage);
            // the transaction would hold nothing but these rows (pgjdbc has not even begun it): they may be a COPY
            // of their own into the target, which fails whole on a row appended before
            if (commit && left == 1 && stage.path == Path.DIRECT && driver != null
                    && driver.getTransactionState() == TransactionState.IDLE) {
                Path refused = copyDirectly(stage, rows);
                if (refused == null) {
                    stage.rows.clear();
                    break;
                }
                if (refused == Path.STAGED) {
                    stage = remake(stage);
                    rows = encode(stage);
                } else {
                    stage.path = refused;
                }
            }
            stage.rows.clear();
            if (stage.movedInTransaction) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(stage.empty);
                }
            }
            copy(stage.copySql, "", rows);
            int inserted;
            if (commit && --left == 0) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(stage.insertSql + "; COMMIT");
                    inserted = statement.getUpdateCount();
                }
            } else {
                inserted = stage.insert.executeUpdate();
            }
            if (stage.path == Path.REDELIVERY && inserted == staged) {
                stage.path = Path.DIRECT;
            }
            stage.movedInTransaction = true;
        }
        pending.clear();
    }

    /**
     * Copies the rows straight into the target as a transaction of their own; null when done, else, having done
     * nothing, the path the target's refusal calls for: {@link Path#REDELIVERY} for a redelivered change,
     * {@link Path#STAGED} for anything else (a column type changed, a target COPY cannot write into). A lost
     * connection is thrown: the staged path would fail too.
     */
    private Path copyDirectly(Stage stage, Encoded rows) throws SQLException {
        connection.setAutoCommit(true); // no transaction open: sends nothing
        try {
            copy(stage.directCopySql, stage.directBinaryGuard, rows);
            return null;
        } catch (SQLException e) {
            if (TargetDatabase.lost(connection, e)) {
                throw e;
            }
            return UNIQUE_VIOLATION.equals(e.getSQLState()) ? Path.REDELIVERY : Path.STAGED;
        } finally {
            connection.setAutoCommit(false);
        }
    }

    /**
     * The stage made again from the catalog, holding the old one's rows, after the target refused a direct COPY: a
     * column's type may have changed since the stage was made (the guard tripped, or binary data the new type
     * refuses), which the staged insert would convert only by an assignment cast. The new stage copies straight
     * into the target again when the types changed; else the refusal was the target's (row-level security, a
     * trigger), and it stays staged. The types read are the table's from then on, so the stages of its other shapes
     * are made with them too.
     */
    private Stage remake(Stage old) throws SQLException {
        forget(old);
        Map<String, TargetTable.ColumnType> types = dialect.columnTypes(connection, old.shape.target());
        old.table.retype(types);
        Stage stage = make(old.shape, old.table, types);
        stage.rows.addAll(old.rows);
        stage.path = stage.types.equals(old.types) ? Path.STAGED : Path.DIRECT;
        stages.put(old.shape, stage);
        pending.put(old.shape, stage);
        return stage;
    }

    /** Closes the stage's insert; it is no longer the last used. */
    private void forget(Stage stage) {
        close(stage.insert);
        if (last == stage) {
            last = null;
        }
    }

    private void copy(String sql, String binaryGuard, Encoded rows) throws SQLException {
        CopyIn in = copy.copyIn(rows.binary() ? sql + " (FORMAT binary)" + binaryGuard : sql);
        try {
            in.writeToCopy(rows.bytes(), 0, rows.length());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** After a commit: the stages made so far stay, empty. */
    void committed() {
        for (Stage stage : stages.values()) {
            stage.movedInTransaction = false;
        }
    }

    /**
     * After a rollback: staged rows are dropped, and every stage is forgotten, to be made again with the target
     * tables as read again (the sink forgets them after a failure, {@link ChangeApplier#forgetTables}): the failure
     * may be a target a DBA changed (a column's type), and stages made in the transaction are gone with it.
     */
    void discard() {
        pending.clear();
        stages.values().forEach(this::forget);
        stages.clear();
    }

    void close() {
        discard();
        stageNames.clear(); // temporary tables end with the session
    }

    private static void close(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // closing after a failure: the connection is closed or rolled back anyway
        }
    }

    /**
     * Makes the staging table of a shape: its columns have the target's {@code types} ({@link Dialect#columnTypes},
     * as the session resolves them). The session may come from a pool and hold a staging table of an earlier user:
     * it is replaced.
     */
    private Stage make(Shape shape, TargetTable table, Map<String, TargetTable.ColumnType> types)
            throws SQLException {
        List<String> definitions = new ArrayList<>();
        List<String> columnTypes = new ArrayList<>();
        List<String> typeChecks = new ArrayList<>();
        CopyBinaryWriter.Field[] binary = new CopyBinaryWriter.Field[shape.columns().size()];
        for (int i = 0; i < binary.length; i++) {
            String column = shape.columns().get(i);
            TargetTable.ColumnType columnType = types.get(column);
            if (columnType == null) { // checked against the metadata before: dropped since
                throw new SinkException("Target table " + shape.target() + " has no column " + column
                        + " (written by the change): add it, or leave it out with excludeColumns");
            }
            String type = columnType.type();
            definitions.add(dialect.quote(column) + " " + type);
            columnTypes.add(type);
            binary[i] = CopyBinaryWriter.writerOf(columnType.oid());
            typeChecks.add("pg_catalog.array_larger(ARRAY[" + dialect.quote(column) + "], NULL::" + type
                    + "[]) IS NULL");
        }
        // COPY ... WHERE, which the guard needs, is PostgreSQL 12's
        boolean binaryCopies = !Arrays.asList(binary).contains(null) && driver != null
                && driver.haveMinimumServerVersion(ServerVersion.v12);
        String name = dialect.quote(stageNames.computeIfAbsent(shape, s -> "pgcdc_stage_" + ++created));
        String stage = "pg_temp." + name;
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + stage + "; CREATE TEMPORARY TABLE " + name + " ("
                    + String.join(", ", definitions) + ") ON COMMIT DELETE ROWS");
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new SinkException("Append mode loads each batch through a temporary staging table, which the"
                        + " target user may not create (" + SinkException.describe(e) + "): GRANT TEMPORARY ON"
                        + " DATABASE " + dialect.quote(connection.getCatalog()) + " TO " + dialect.quote(
                        connection.getMetaData().getUserName()), null, e.getSQLState());
            }
            throw e;
        }
        String columns = shape.columns().stream().map(dialect::quote).collect(Collectors.joining(", "));
        String insert = "INSERT INTO " + dialect.quote(shape.target()) + " (" + columns + ") SELECT " + columns
                + " FROM " + stage + dialect.onConflict(shape.key(), List.of());
        return new Stage(shape, table, "COPY " + stage + " (" + columns + ") FROM STDIN", insert,
                connection.prepareStatement(insert), "DELETE FROM " + stage,
                "COPY " + dialect.quote(shape.target()) + " (" + columns + ") FROM STDIN",
                " WHERE (" + String.join(" AND ", typeChecks) + ") OR true", binaryCopies ? binary : null,
                List.copyOf(columnTypes));
    }
}
