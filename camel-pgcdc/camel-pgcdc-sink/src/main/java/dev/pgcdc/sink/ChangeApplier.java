package dev.pgcdc.sink;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.Operation;
import dev.pgcdc.event.RowMap;
import dev.pgcdc.pg.SourceTables;
import dev.pgcdc.pg.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one change into the statements that apply it to its target table, per the table's {@link SinkMode}.
 *
 * <p>Why a redelivery converges. After a crash the consumer redelivers, in commit order, every change from the end of
 * the last confirmed transaction; some of them were applied already. Every statement here is a write that does not
 * depend on the row's current content ("blind"): an upsert sets the columns the change carries, a delete removes the
 * row, an append is ignored when its (commit LSN, position) row exists. Replaying a suffix of blind writes in order
 * ends in the state the last write to each row and column dictates, whatever prefix of the suffix had been applied.
 * Two kinds of statement depend on the target: columns listed in {@code unchanged} keep their target value, and a
 * key change carries those columns over from the old row. A kept column's right value is the one the latest earlier
 * change of the row that carried the column wrote. If that change is in the replayed suffix, the replay writes it
 * again before it is needed; if it is older, the target already holds it, since no later change touched the column.
 * A key change copies from the old row only when the new row is absent; when the new row is present, the move had
 * been applied before the crash and its columns are already the moved ones (or newer, which later replayed changes
 * settle as above). The kill -9 test exercises exactly this with key changes of rows whose TOASTed column did not
 * change.
 *
 * <p>What this does not cover: a replayed change that removes or moves the new or old key's row before the key
 * change is replayed (a delete of the new key, a swap of keys). The old key's row then holds another row's values or
 * none, and the key change copies those; nothing in the target tells this replay from a first apply. Under REPLICA
 * IDENTITY FULL the consumer fills the unchanged columns from the old row, so nothing is copied and replays converge
 * (the component docs say so).
 */
final class ChangeApplier {

    static final String OP = "_pgcdc_op";
    static final String COMMIT_LSN = "_pgcdc_commit_lsn";
    static final String SEQ = "_pgcdc_seq";
    static final String LSN = "_pgcdc_lsn";
    static final String COMMIT_TS = "_pgcdc_commit_ts";
    static final String DELETED = "_pgcdc_deleted";
    /** Append mode's optional record of the columns a change did not carry (unchanged TOASTed values). */
    static final String UNCHANGED = "_pgcdc_unchanged";
    private static final Logger LOG = LoggerFactory.getLogger(ChangeApplier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> APPEND_KEY = List.of(COMMIT_LSN, SEQ);
    private static final List<String> APPEND_COLUMNS = List.of(OP, COMMIT_LSN, SEQ, LSN, COMMIT_TS);
    /**
     * Image shapes remembered at most per cache, least recently used forgotten first: a relation announced again
     * (after a reconnect) brings a new shape, and so does each row image with unchanged TOASTed columns, which must
     * not push out the shapes in use.
     */
    private static final int SHAPES = 64;

    private final Dialect dialect;
    private final SinkRules rules;
    private final SqlBuilder sql;
    private final Map<TableName, TargetTable> tables = new HashMap<>();
    /** Null unless createTables is set. */
    private final TableCreator creator;
    private SinkRules.TableRule lastRule;
    private Instant lastCommitTimestamp;
    private OffsetDateTime lastCommitTime;
    private Long lastCommitLsn;
    /**
     * The columns written from the images of one shape, worked out once per shape: the rows of a relation share one
     * {@link ColumnNames}, so per change only values are copied, and every change of the shape gets the same column
     * list, which the checks and statement caches recognise by identity without hashing or comparing it. Keyed by
     * the image's names ({@link ColumnNames} compares by identity; a relation's tables have one mode, so one list of
     * added columns: append mode's, or softDelete's).
     */
    private final Map<ColumnNames, Shape> mirrorShapes = recentlyUsed();
    private final Map<ColumnNames, Shape> appendShapes = recentlyUsed();
    /** The key columns of a change's key image, by its names; key columns the rule excludes fail. */
    private final Map<ColumnNames, List<String>> keyShapes = recentlyUsed();
    /** Append tables without {@link #UNCHANGED} whose history rows were said to lose unchanged values. */
    private final Set<TableName> warnedUnchanged = new HashSet<>();

    /** Which image columns are written and their names; compared by identity, as the caches need no more. */
    private static final class Shape {
        final int[] positions;
        final List<String> columns;

        Shape(int[] positions, List<String> columns) {
            this.positions = positions;
            this.columns = columns;
        }
    }

    /** A cache of at most {@link #SHAPES} entries that forgets the least recently used first. */
    static <V> Map<ColumnNames, V> recentlyUsed() {
        return new LinkedHashMap<>(SHAPES * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ColumnNames, V> eldest) {
                return size() > SHAPES;
            }
        };
    }

    ChangeApplier(Dialect dialect, SqlBuilder sql, SinkRules rules, boolean createTables) {
        this.dialect = dialect;
        this.rules = rules;
        this.sql = sql;
        this.creator = createTables ? new TableCreator(dialect) : null;
    }

    /** The rule of the change's source table, its target in this target database. */
    SinkRules.TableRule rule(ChangeEvent change) {
        // consecutive changes mostly share a table: spares the shared rule map's lock and key per change
        SinkRules.TableRule last = lastRule;
        if (last != null && last.source().name().equals(change.getTable())
                && last.source().schema().equals(change.getSchema())) {
            return last;
        }
        return lastRule = rules.rule(change.getSchema(), change.getTable(), dialect.defaultSchema());
    }

    /** Forgets what was read about target tables, e.g. after a failure a DBA may fix. */
    void forgetTables() {
        tables.clear();
    }

    /**
     * Adds the change's statements to the batch.
     *
     * @param position the change's position in its transaction (append mode's unique key), or null if unknown
     * @param source   the change's source tables, asked only when a target table or column is to be created
     */
    void apply(ChangeEvent change, Long position, Supplier<SourceTables> source, StatementBatch batch)
            throws SQLException {
        if (change.getOp() == Operation.MESSAGE || change.getOp() == Operation.TRUNCATE && !rules.applyTruncate()) {
            return;
        }
        SinkRules.TableRule rule = rule(change);
        TargetTable table = table(batch, rule, change, source);
        if (creator != null) {
            table = withSourceColumns(batch, rule, table, change, source);
        }
        switch (rule.mode()) {
            case APPEND -> append(change, position, rule, table, batch);
            case UPSERT, SOFT_DELETE -> mirror(change, rule, table, batch);
        }
    }

    private TargetTable table(StatementBatch batch, SinkRules.TableRule rule, ChangeEvent change,
                              Supplier<SourceTables> source) throws SQLException {
        TargetTable table = tables.get(rule.target());
        if (table == null) {
            table = TargetTable.readIfExists(batch.connection(), dialect, rule.target());
            if (table == null && creator != null) {
                create(batch, rule, change, source);
            }
            if (table == null) {
                table = TargetTable.read(batch.connection(), dialect, rule.target()); // missing: a clear error
            }
            if (rule.mode() == SinkMode.APPEND) {
                table.requireColumns(APPEND_COLUMNS, "(append mode records each change's operation and position)");
                table.requireUniqueKey(APPEND_KEY, "(append mode relies on it to ignore redelivered changes)");
            } else if (rule.mode() == SinkMode.SOFT_DELETE) {
                table.requireColumns(List.of(DELETED), "(softDelete mode marks deleted rows in it)");
            }
            tables.put(rule.target(), table);
        }
        return table;
    }

    /**
     * createTables: columns the change writes that the target table lacks (added at the source since the table was
     * made) are added first, so the change is written whole.
     */
    private TargetTable withSourceColumns(StatementBatch batch, SinkRules.TableRule rule, TargetTable table,
                                          ChangeEvent change, Supplier<SourceTables> source) throws SQLException {
        Map<String, Object> image = change.getAfter() != null ? change.getAfter() : change.getBefore();
        if (image == null) {
            return table;
        }
        List<String> missing = table.missingOf(image, rule::writes);
        if (missing.isEmpty()) {
            return table;
        }
        batch.flush(); // MariaDB commits at DDL: what is pending goes first, in order
        creator.addColumns(batch.connection(), SourceTable.describe(source.get(), rule.source()), rule, missing);
        tables.remove(rule.target());
        return table(batch, rule, change, source);
    }

    /** Creates the missing target table, keyed by the change's key (a truncate has none: the source's key). */
    private void create(StatementBatch batch, SinkRules.TableRule rule, ChangeEvent change,
                        Supplier<SourceTables> source) throws SQLException {
        batch.flush(); // MariaDB commits at DDL: what is pending goes first, in order
        SourceTable described = SourceTable.describe(source.get(), rule.source());
        List<String> key = change.getKey() == null || change.getKey().isEmpty() ? described.identityKey()
                : List.copyOf(change.getKey().keySet());
        creator.create(batch.connection(), described, rule, key);
    }

    private void mirror(ChangeEvent change, SinkRules.TableRule rule, TargetTable table, StatementBatch batch)
            throws SQLException {
        boolean soft = rule.mode() == SinkMode.SOFT_DELETE;
        TableName target = table.name();
        switch (change.getOp()) {
            case TRUNCATE -> {
                if (soft) {
                    batch.add(sql.update(target, List.of(DELETED), List.of()), List.of(true));
                } else {
                    batch.add(sql.delete(target, List.of()), List.of());
                }
            }
            case DELETE -> {
                Row key = keyOf(change, change.getKey(), rule, table);
                if (soft) {
                    table.requireNoOtherUniqueIndex(key.columns, key.columns);
                }
                remove(key, soft, table, batch);
            }
            default -> {
                Row key = keyOf(change, change.getKey(), rule, table);
                Row row = written(change.getAfter(), rule, mirrorShapes, soft ? List.of(DELETED) : List.of());
                if (soft) {
                    row.values.add(false);
                    table.requireNoOtherUniqueIndex(key.columns, row.columns);
                }
                Row oldKey = change.getBefore() == null ? null : keyOf(change, change.getBefore(), rule, table);
                if (oldKey != null && !oldKey.sameValues(key)) {
                    // the old row goes first: keys distinct here may be one key to the target (1.0 and 1.00 in an
                    // unconstrained numeric, 'abc' and 'ABC' under a case-insensitive collation), whose row the
                    // upsert would otherwise write and the delete then remove
                    carryUnchanged(change, rule, key, oldKey, row, table, batch);
                    remove(oldKey, soft, table, batch);
                    upsert(row, key, table, batch);
                } else {
                    upsert(row, key, table, batch);
                }
            }
        }
    }

    private void upsert(Row row, Row key, TargetTable table, StatementBatch batch) throws SQLException {
        table.requireColumns(row.columns, "(written by the change)");
        table.requireUniqueKey(key.columns, "(the source table's key, which upserts match rows by)");
        if (table.upsertsByUpdate(key.columns, row.columns)) {
            updateElseInsert(table, row, key.columns, key.values, true, batch);
        } else {
            batch.addUpsert(sql.upsert(table.name(), row.columns, key.columns), row.values, key.values);
        }
    }

    /**
     * Writes {@code row} as an update by its key, {@code set}ting its other columns (else none: an existing row is
     * kept), or, if no row has the key, as a plain insert: where another unique index would turn an insert-or-update
     * into an update of another row ({@link TargetTable#upsertsByUpdate}), a conflict on it fails the change instead,
     * naming the index, as a unique violation does on PostgreSQL.
     */
    private void updateElseInsert(TargetTable table, Row row, List<String> key, List<?> keyValues, boolean set,
                                  StatementBatch batch) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (set) {
            for (int i = 0; i < row.columns.size(); i++) {
                if (!key.contains(row.columns.get(i))) {
                    columns.add(row.columns.get(i));
                    values.add(row.values.get(i));
                }
            }
        }
        if (columns.isEmpty()) { // the key set to itself: the update then only tells whether the row exists
            columns.add(key.get(0));
            values.add(keyValues.get(0));
        }
        values.addAll(keyValues);
        batch.updateElseInsert(sql.update(table.name(), columns, key), values, sql.insert(table.name(), row.columns),
                row.values);
    }

    private void remove(Row key, boolean soft, TargetTable table, StatementBatch batch) throws SQLException {
        TableName target = table.name();
        if (soft) {
            List<Object> values = new ArrayList<>(key.values.size() + 1);
            values.add(true);
            values.addAll(key.values);
            batch.add(sql.update(target, List.of(DELETED), key.columns), values);
        } else {
            Dialect.KeyDeletes deletes = table.keyDeletes(key.columns);
            batch.addDelete(sql.delete(target, key.columns),
                    deletes != null && dialect.keysHold(deletes, key.values) ? deletes : null, key.values);
        }
    }

    /**
     * A key change whose TOASTed columns did not change does not carry them: take them from the old row, unless the
     * new row exists already (the move was applied before a crash, see the class comment). A row the target matches
     * by the old key too is the old row itself (the keys are equal to the target), and a softDelete tombstone is no
     * row: neither counts as the new row.
     */
    private void carryUnchanged(ChangeEvent change, SinkRules.TableRule rule, Row key, Row oldKey, Row row,
                                TargetTable table, StatementBatch batch) throws SQLException {
        List<String> unchanged = change.getUnchanged().stream().filter(rule::writes).toList();
        if (unchanged.isEmpty()) {
            return;
        }
        List<Object> keys = new ArrayList<>(key.values.size() * 2);
        keys.addAll(key.values);
        keys.addAll(oldKey.values);
        String live = rule.mode() == SinkMode.SOFT_DELETE ? DELETED : null;
        if (batch.queryFirst(sql.selectOtherRow(table.name(), key.columns, live), keys) != null) {
            return;
        }
        table.requireColumns(unchanged, "(kept from the row before its key changed)");
        List<Object> carried = batch.queryFirst(sql.select(table.name(), unchanged, oldKey.columns), oldKey.values);
        if (carried != null) {
            for (int i = 0; i < unchanged.size(); i++) {
                row.put(unchanged.get(i), carried.get(i));
            }
        }
    }

    private void append(ChangeEvent change, Long position, SinkRules.TableRule rule, TargetTable table,
                        StatementBatch batch) throws SQLException {
        if (position == null) {
            throw new SinkException("Append mode needs each change's position in its transaction (the "
                    + "CamelPgCdcPosition header the pgcdc consumer sets); the exchange of " + describe(change)
                    + " has none");
        }
        Map<String, Object> image = change.getAfter() != null ? change.getAfter()
                : change.getBefore() != null ? change.getBefore() : change.getKey();
        Row row = written(image, rule, appendShapes, APPEND_COLUMNS);
        // the values of APPEND_COLUMNS, in their order
        row.values.add(change.getOp().code());
        row.values.add(commitLsn(change.getCommitLsn().value()));
        row.values.add(position);
        row.values.add(change.getLsn().value());
        row.values.add(commitTime(change.getCommitTimestamp()));
        if (!change.getUnchanged().isEmpty()) {
            recordUnchanged(change, rule, table, row);
        }
        table.requireColumns(row.columns, "(written by the change)");
        if (table.upsertsByUpdate(APPEND_KEY, row.columns)) {
            updateElseInsert(table, row, APPEND_KEY, List.of(commitLsn(change.getCommitLsn().value()), position),
                    false, batch);
        } else if (batch.loadsAppends()) {
            batch.append(table, row.columns, APPEND_KEY, row.values);
        } else {
            batch.add(sql.insert(table.name(), row.columns, APPEND_KEY, List.of()), row.values);
        }
    }

    /**
     * An update that left TOASTed values unchanged does not carry them (REPLICA IDENTITY DEFAULT), so its history row
     * holds NULL in those columns: {@link #UNCHANGED}, where the table has it, says which (a JSON array of their
     * names), so that such a NULL is not taken for the value. Without it, a warning per table says so.
     */
    private void recordUnchanged(ChangeEvent change, SinkRules.TableRule rule, TargetTable table, Row row)
            throws SQLException {
        List<String> unchanged = change.getUnchanged().stream().filter(rule::writes).toList();
        if (unchanged.isEmpty()) {
            return;
        }
        if (table.missing(List.of(UNCHANGED)).isEmpty()) {
            try {
                row.put(UNCHANGED, JSON.writeValueAsString(unchanged));
            } catch (JsonProcessingException e) {
                throw new SQLException("Cannot write column names as JSON", e);
            }
        } else if (warnedUnchanged.add(table.name())) {
            LOG.warn("Append mode: {} left TOASTed column(s) {} unchanged, which the source did not send; the history"
                    + " row in {} holds NULL in them. Add a text column {} to record which columns a row lacks, or set"
                    + " REPLICA IDENTITY FULL on the source table to receive their values", describe(change),
                    unchanged, table.name(), UNCHANGED);
        }
    }

    /** The commit LSN, boxed once for a transaction's changes. */
    private Long commitLsn(long lsn) {
        Long last = lastCommitLsn;
        if (last == null || last != lsn) {
            lastCommitLsn = last = lsn;
        }
        return last;
    }

    /** The commit timestamp in UTC; a transaction's changes share one, converted once. */
    private OffsetDateTime commitTime(Instant commitTimestamp) {
        if (commitTimestamp == null) {
            return null;
        }
        if (!commitTimestamp.equals(lastCommitTimestamp)) {
            lastCommitTimestamp = commitTimestamp;
            lastCommitTime = commitTimestamp.atOffset(ZoneOffset.UTC);
        }
        return lastCommitTime;
    }

    /**
     * The written columns of a row image, all but the excluded ones, and their values; its columns end in
     * {@code extra}, whose values the caller adds.
     */
    private static Row written(Map<String, Object> image, SinkRules.TableRule rule, Map<ColumnNames, Shape> shapes,
                               List<String> extra) {
        if (image instanceof RowMap row) {
            Shape shape = shapes.get(row.columns());
            if (shape == null) {
                shape = shape(row.columns(), rule, extra);
                shapes.put(row.columns(), shape);
            }
            List<Object> values = new ArrayList<>(shape.columns.size());
            for (int position : shape.positions) {
                values.add(row.valueAt(position));
            }
            return new Row(shape.columns, values);
        }
        Row row = new Row(new ArrayList<>(), new ArrayList<>());
        if (image != null) {
            image.forEach((column, value) -> {
                if (rule.writes(column)) {
                    row.put(column, value);
                }
            });
        }
        row.columns.addAll(extra);
        return row;
    }

    private static Shape shape(ColumnNames names, SinkRules.TableRule rule, List<String> extra) {
        List<String> columns = new ArrayList<>(names.size() + extra.size());
        int[] positions = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            if (rule.writes(names.get(i))) {
                positions[columns.size()] = i;
                columns.add(names.get(i));
            }
        }
        positions = Arrays.copyOf(positions, columns.size());
        columns.addAll(extra);
        return new Shape(positions, List.copyOf(columns));
    }

    /** The key columns' values in {@code image} (the change's key for the new row, its before image for the old). */
    private Row keyOf(ChangeEvent change, Map<String, Object> image, SinkRules.TableRule rule, TargetTable table) {
        if (change.getKey() == null) {
            throw new SinkException(named(change) + " does not know its key: the key the source table had when"
                    + " the change was made could not be established (the table was dropped, or its key columns"
                    + " renamed, before the change was decoded), so upsert and softDelete cannot find its row; use"
                    + " append mode, or filter such changes out before the sink");
        }
        if (change.getKey().isEmpty()) {
            throw new SinkException(named(change) + " has no key: upsert and softDelete need a primary key"
                    + " (or replica identity) on the source table; use append mode for tables without one");
        }
        Map<String, Object> key = change.getKey();
        ColumnNames names = key instanceof RowMap row ? row.columns() : null;
        List<String> columns = names == null ? null : keyShapes.get(names);
        if (columns == null) {
            for (String column : key.keySet()) {
                if (!rule.writes(column)) {
                    throw new SinkException("excludeColumns leaves out key column " + column + " of " + rule.source()
                            + ", which " + table.name() + " needs to find rows");
                }
            }
            columns = List.copyOf(key.keySet());
            if (names != null) {
                keyShapes.put(names, columns);
            }
        }
        TargetTable.KeyForm form = table.requireExactKey(columns);
        List<Object> values = new ArrayList<>(columns.size());
        if (image == key && key instanceof RowMap row) {
            for (int i = 0; i < columns.size(); i++) {
                values.add(row.valueAt(i));
            }
        } else {
            for (String column : columns) {
                values.add(image.get(column));
            }
        }
        if (form != null) {
            form.adapt(values);
        }
        return new Row(columns, values);
    }

    static String describe(ChangeEvent change) {
        // the key's columns, not its values: row values are not for logs
        Map<String, Object> key = change.getKey();
        return named(change) + (key == null ? " (key unknown)" : key.isEmpty() ? " (no key)"
                : " (key " + String.join(", ", key.keySet()) + ")");
    }

    /** The change by operation, source table and LSN. */
    private static String named(ChangeEvent change) {
        return "change " + change.getOp().code() + " of " + change.getSchema() + "." + change.getTable() + " at LSN "
                + change.getLsn();
    }

    /**
     * Column names and values in matching order, as statements bind them. The names may be a shape's shared list:
     * adding a column copies them first.
     */
    private static final class Row {
        List<String> columns;
        final List<Object> values;

        Row(List<String> columns, List<Object> values) {
            this.columns = columns;
            this.values = values;
        }

        void put(String column, Object value) {
            if (!(columns instanceof ArrayList)) {
                columns = new ArrayList<>(columns);
            }
            columns.add(column);
            values.add(value);
        }

        boolean sameValues(Row other) {
            for (int i = 0; i < values.size(); i++) {
                if (!Objects.deepEquals(values.get(i), other.values.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
