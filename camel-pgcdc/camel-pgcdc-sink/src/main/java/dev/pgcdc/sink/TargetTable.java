package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.RowMap;
import dev.pgcdc.pg.TableName;

/**
 * A target table as the target describes it: its columns and unique keys, and on PostgreSQL its column types from the
 * catalog, read once and checked against (read again after a failure, see {@link ChangeApplier#forgetTables}).
 */
final class TargetTable {

    /**
     * A column's type in the target's catalog: its name as {@code format_type} writes it, its OID, and the type of
     * arrays of its values as a cast writes it (null when rows cannot be found by arrays of its values).
     */
    record ColumnType(String type, int oid, String arrayType) {
    }

    private final TableName name;
    private final Dialect dialect;
    private final Set<String> columns;
    /** Columns the target numbers itself (AUTO_INCREMENT). */
    private final Set<String> autoIncrement;
    /** The columns of each unique index (the primary key among them), by index name. */
    private final Map<String, Set<String>> uniqueKeys;
    /** String columns' collations, by column ({@link Dialect#collatedColumns}). */
    private final Map<String, Dialect.Collated> collated;
    /** By column name; null where the dialect reads none ({@link Dialect#columnTypes}). */
    private Map<String, ColumnType> types;
    /** Keys already found among {@link #uniqueKeys}: the check runs for every change, the search once. */
    private final Set<Collection<String>> verifiedKeys = new HashSet<>();
    /** Keys found to compare as the source's, with how their values are written ({@link #requireExactKey}). */
    private final Map<Collection<String>, KeyForm> exactKeys = new HashMap<>();
    private static final KeyForm NONE = new KeyForm(new boolean[0], new String[0]);
    private Collection<String> lastExactKey;
    private KeyForm lastForm;
    /** {@link #upsertsByUpdate} by key and written columns, and the last answer by identity. */
    private final Map<List<List<String>>, Boolean> upsertsByUpdate = new HashMap<>();
    private List<String> lastByUpdateKey;
    private List<String> lastByUpdateColumns;
    private boolean lastByUpdate;
    /** Keys and written columns {@link #requireNoOtherUniqueIndex} accepted, and the last by identity. */
    private final Set<List<List<String>>> softChecked = new HashSet<>();
    private List<String> lastSoftKey;
    private List<String> lastSoftColumns;
    /** Column lists already found in {@link #columns}: a table sees few distinct ones, so each is checked once. */
    private final Set<Collection<String>> verifiedColumns = new HashSet<>();
    /** The lists last found here, by identity: consecutive changes of a table mostly bring the same one. */
    private Collection<String> lastColumns;
    private Collection<String> lastKey;
    /** How each key's deletes go many in one statement ({@link #keyDeletes}), asked once per key; empty when not. */
    private final Map<List<String>, Optional<Dialect.KeyDeletes>> keyDeletes = new HashMap<>();
    /**
     * Column names of change images found complete here, by identity: the rows of a relation share one; the most
     * recently used only, as rows with unchanged TOASTed columns each bring names of their own.
     */
    private final Set<ColumnNames> completeImages = Collections.newSetFromMap(ChangeApplier.recentlyUsed());

    private TargetTable(TableName name, Dialect dialect, Set<String> columns, Set<String> autoIncrement,
                        Map<String, Set<String>> uniqueKeys, Map<String, Dialect.Collated> collated,
                        Map<String, ColumnType> types) {
        this.name = name;
        this.dialect = dialect;
        this.columns = columns;
        this.autoIncrement = autoIncrement;
        this.uniqueKeys = uniqueKeys;
        this.collated = collated;
        this.types = types;
    }

    /** Reads the table's metadata; a missing table is a {@link SinkException}. */
    static TargetTable read(Connection connection, Dialect dialect, TableName name) throws SQLException {
        TargetTable table = readIfExists(connection, dialect, name);
        if (table == null) {
            throw new SinkException("Target table " + name + " does not exist (or the target user cannot see it):"
                    + " create it, set createTables=true, or point tableMapping/targetSchema at an existing table");
        }
        return table;
    }

    /** Reads the table's metadata, or returns null when the table does not exist. */
    static TargetTable readIfExists(Connection connection, Dialect dialect, TableName name) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        Set<String> columns = new HashSet<>();
        Set<String> autoIncrement = new HashSet<>();
        try (ResultSet rows = dialect.columns(metadata, name)) {
            while (rows.next()) {
                String column = dialect.columnKey(rows.getString("COLUMN_NAME"));
                columns.add(column);
                if ("YES".equals(rows.getString("IS_AUTOINCREMENT"))) {
                    autoIncrement.add(column);
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        Map<String, Set<String>> indexes = new HashMap<>();
        try (ResultSet rows = dialect.uniqueIndexes(metadata, name)) {
            while (rows.next()) {
                String index = rows.getString("INDEX_NAME");
                String column = rows.getString("COLUMN_NAME");
                if (index != null && column != null) {
                    indexes.computeIfAbsent(index, i -> new HashSet<>()).add(dialect.columnKey(column));
                }
            }
        }
        return new TargetTable(name, dialect, columns, autoIncrement, Map.copyOf(indexes),
                dialect.collatedColumns(connection, name), dialect.columnTypes(connection, name));
    }

    TableName name() {
        return name;
    }

    /** The columns' types by name, or null where the dialect reads none ({@link Dialect#columnTypes}). */
    Map<String, ColumnType> columnTypes() {
        return types;
    }

    /** The column types as read again, found changed since the table was read ({@link CopyAppends}). */
    void retype(Map<String, ColumnType> types) {
        this.types = types;
        keyDeletes.clear();
    }

    /**
     * The columns of a change's image, among those {@code written}, that the table lacks; an image shape found
     * complete is not searched again (this runs for every change when createTables is set).
     */
    List<String> missingOf(Map<String, Object> image, Predicate<String> written) {
        ColumnNames shape = image instanceof RowMap row ? row.columns() : null;
        if (shape != null && completeImages.contains(shape)) {
            return List.of();
        }
        List<String> missing = missing(image.keySet().stream().filter(written).toList());
        if (missing.isEmpty() && shape != null) {
            completeImages.add(shape);
        }
        return missing;
    }

    /** The columns among {@code wanted} that the table lacks. */
    List<String> missing(Collection<String> wanted) {
        return wanted.stream().filter(c -> !columns.contains(dialect.columnKey(c))).toList();
    }

    /** Fails unless every column exists in the table. */
    void requireColumns(Collection<String> wanted, String why) {
        if (wanted == lastColumns) {
            return;
        }
        if (verifiedColumns.contains(wanted)) {
            lastColumns = wanted;
            return;
        }
        List<String> missing = missing(wanted);
        if (!missing.isEmpty()) {
            throw new SinkException("Target table " + name + " has no column(s) " + missing + " " + why
                    + ": add them, or leave them out with excludeColumns");
        }
        verifiedColumns.add(List.copyOf(wanted));
        lastColumns = wanted;
    }

    /**
     * How rows of this table are deleted by many {@code key}s in one statement ({@link Dialect#keyDeletes}), or null
     * when each delete is a statement of its own.
     */
    Dialect.KeyDeletes keyDeletes(List<String> key) {
        Optional<Dialect.KeyDeletes> deletes = keyDeletes.get(key);
        if (deletes == null) {
            deletes = Optional.ofNullable(dialect.keyDeletes(this, key));
            keyDeletes.put(List.copyOf(key), deletes);
        }
        return deletes.orElse(null);
    }

    /**
     * How a key's values are written, column by column: those of a CHAR column ({@code fixedLength}) without trailing
     * spaces; those of a column that ignores trailing spaces ({@code padded}: the error, else null) refused when they
     * end in a space.
     */
    record KeyForm(boolean[] fixedLength, String[] padded) {

        /**
         * A char(n) key comes padded, and the source ignores its trailing spaces; a CHAR column stores it without
         * them, and under a NO PAD collation would not find it by the padded value. A key ending in a space in a
         * column that ignores trailing spaces would find the row of the key without them: the change fails instead.
         */
        void adapt(List<Object> values) {
            for (int i = 0; i < fixedLength.length; i++) {
                if (values.get(i) instanceof String text && text.endsWith(" ")) {
                    if (fixedLength[i]) {
                        values.set(i, unpadded(text));
                    } else if (padded[i] != null) {
                        throw new SinkException(padded[i]);
                    }
                }
            }
        }

        private static String unpadded(String text) {
            int end = text.length();
            while (end > 0 && text.charAt(end - 1) == ' ') {
                end--;
            }
            return text.substring(0, end);
        }
    }

    /**
     * Fails unless the target tells the {@code key}'s values apart as the source does ({@link
     * Dialect#keyCollationProblem}), but for trailing spaces ({@link Dialect#paddedKeyProblem}): otherwise changes of
     * distinct source rows would be written over one another. Returns how the key's values are written, or null when
     * as they come.
     */
    KeyForm requireExactKey(List<String> key) {
        if (collated.isEmpty()) {
            return null;
        }
        if (key == lastExactKey) {
            return lastForm;
        }
        KeyForm form = exactKeys.get(key);
        if (form == null) {
            boolean[] fixedLength = new boolean[key.size()];
            String[] padded = new String[key.size()];
            boolean any = false;
            for (int i = 0; i < key.size(); i++) {
                Dialect.Collated collation = collated.get(dialect.columnKey(key.get(i)));
                if (collation == null) {
                    continue;
                }
                String problem = dialect.keyCollationProblem(name, key.get(i), collation);
                if (problem != null) {
                    throw new SinkException(problem);
                }
                fixedLength[i] = collation.type().equals("char");
                padded[i] = dialect.paddedKeyProblem(name, key.get(i), collation);
                any |= fixedLength[i] || padded[i] != null;
            }
            form = any ? new KeyForm(fixedLength, padded) : NONE;
            exactKeys.put(List.copyOf(key), form);
        }
        lastExactKey = key;
        lastForm = form == NONE ? null : form;
        return lastForm;
    }

    /**
     * Whether an insert-or-update of {@code columns} by {@code key} could meet another row than the key's, so must be
     * an update by the key and, if it matched no row, a plain insert ({@link StatementBatch#updateElseInsert}): where
     * the dialect's insert-or-update updates the row any unique index matches ({@link
     * Dialect#upsertsMatchEveryUniqueIndex}) and the table has a unique index without every key column. An index of
     * {@code AUTO_INCREMENT} columns the change does not write (a surrogate key) matches no other row: the target
     * numbers the new row itself.
     */
    boolean upsertsByUpdate(List<String> key, List<String> columns) {
        if (!dialect.upsertsMatchEveryUniqueIndex()) {
            return false;
        }
        if (key == lastByUpdateKey && columns == lastByUpdateColumns) {
            return lastByUpdate;
        }
        Boolean byUpdate = upsertsByUpdate.get(List.of(key, columns));
        if (byUpdate == null) {
            byUpdate = otherUniqueIndex(key, columns) != null;
            upsertsByUpdate.put(List.of(List.copyOf(key), List.copyOf(columns)), byUpdate);
        }
        lastByUpdateKey = key;
        lastByUpdateColumns = columns;
        lastByUpdate = byUpdate;
        return byUpdate;
    }

    /**
     * The name of a unique index that could match another row than the {@code key}'s when {@code columns} are written:
     * one without every key column, unless it is of {@code AUTO_INCREMENT} columns not written (a surrogate key, which
     * the target numbers itself); null when there is none.
     */
    private String otherUniqueIndex(List<String> key, List<String> columns) {
        Set<String> wanted = key.stream().map(dialect::columnKey).collect(Collectors.toSet());
        Set<String> written = columns.stream().map(dialect::columnKey).collect(Collectors.toSet());
        return uniqueKeys.entrySet().stream().filter(index -> !index.getValue().containsAll(wanted)
                && !(autoIncrement.containsAll(index.getValue()) && Collections.disjoint(index.getValue(), written)))
                .map(Map.Entry::getKey).sorted().findFirst().orElse(null);
    }

    /**
     * softDelete mode: fails if a unique index besides the {@code key} could match another row than the key's
     * ({@link #otherUniqueIndex}). A deleted row stays, holding its values, so a legitimate source sequence (delete
     * the row of id 1 with email x, insert id 2 with email x) would fail on such an index in mid-stream; the table is
     * refused on its first change instead. PostgreSQL's partial and expression indexes are not read (see
     * {@link Dialect#uniqueIndexes}), so a unique index {@code WHERE NOT _pgcdc_deleted} is accepted.
     */
    void requireNoOtherUniqueIndex(List<String> key, List<String> columns) {
        if (key == lastSoftKey && columns == lastSoftColumns) {
            return;
        }
        List<List<String>> checked = List.of(key, columns);
        if (!softChecked.contains(checked)) {
            String index = otherUniqueIndex(key, columns);
            if (index != null) {
                throw new SinkException("Target table " + name + " has unique index " + index + " on "
                        + uniqueKeys.get(index).stream().sorted().toList() + " besides the key " + key
                        + ": softDelete mode keeps a deleted row with its values, so a source row that later takes"
                        + " them (delete the row of one key, insert another key with the same values) would fail on"
                        + " it. Drop the index, or on PostgreSQL make it partial (CREATE UNIQUE INDEX ... WHERE NOT "
                        + ChangeApplier.DELETED + "); adding " + ChangeApplier.DELETED + " to it would not do, as"
                        + " two deleted rows may share the values");
            }
            softChecked.add(List.of(List.copyOf(key), List.copyOf(columns)));
        }
        lastSoftKey = key;
        lastSoftColumns = columns;
    }

    /** Fails unless a primary key or unique index consists of exactly these columns (what an upsert relies on). */
    void requireUniqueKey(Collection<String> key, String why) {
        if (key == lastKey) {
            return;
        }
        if (verifiedKeys.contains(key)) {
            lastKey = key;
            return;
        }
        Set<String> wanted = key.stream().map(dialect::columnKey).collect(Collectors.toSet());
        if (!uniqueKeys.containsValue(wanted)) {
            throw new SinkException("Target table " + name + " needs a primary key or unique index on exactly "
                    + key + " " + why);
        }
        verifiedKeys.add(List.copyOf(key));
        lastKey = key;
    }
}
