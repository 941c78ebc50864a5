package dev.pgcdc.snapshot;

import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.decode.value.ValueCodec;
import dev.pgcdc.pg.Identifiers;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.TableShape;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.RowMap;

/**
 * The columns of a table as the stream publishes them (same names and order as pgoutput's Relation message, decoded by the
 * stream's decoders for their types), and its key as the stream sees it ({@link TableShape#key()}: the replica identity
 * index's columns, else the primary key's), which orders and delimits the snapshot's chunks and matches its rows with
 * the stream's changes. A replica identity index is unique, not null and not partial, so keyset chunks work on it.
 * A table with neither is read in ctid ranges, its whole row as the key.
 */
final class TableLayout {

    /** PostgreSQL's planner takes a table never vacuumed for at least this many pages (estimate_rel_size). */
    private static final int PLANNER_MINIMUM_BLOCKS = 10;

    private final TableName id;
    private final ColumnNames columns;
    private final ValueCodec[] codecs;
    /** Every column's type has a binary form the stream's decoders read: chunks are read with binary COPY. */
    private final boolean binary;
    private final ColumnNames keyColumns;
    private final int[] keyPositions;
    /** The SQL type of each key column ({@code format_type}), to cast the saved key text back. */
    private final List<String> keyTypes;
    private final long estimatedRows;
    /** The publication's row filter (PostgreSQL 15+), or null: the snapshot reads the rows the stream delivers. */
    private final String rowFilter;
    private final boolean keyless;

    TableLayout(TableName id, List<String> columns, ValueCodec[] codecs, List<String> keyColumns, int[] keyPositions,
                List<String> keyTypes, long estimatedRows, String rowFilter, boolean keyless) {
        this.id = id;
        this.columns = ColumnNames.of(columns);
        this.codecs = codecs;
        this.binary = Arrays.stream(codecs).allMatch(ValueCodec::hasBinary);
        this.keyColumns = ColumnNames.of(keyColumns);
        this.keyPositions = keyPositions;
        this.keyTypes = List.copyOf(keyTypes);
        this.estimatedRows = estimatedRows;
        this.rowFilter = rowFilter;
        this.keyless = keyless;
    }

    /**
     * The table as the catalog describes it, seen through the options' column filter; its codecs resolved now
     * through the catalog (arrays, domains, enums and composites), as the stream resolves them.
     *
     * @throws IllegalArgumentException if the table does not exist, is not in the publication or its key is not read
     */
    static TableLayout of(PgCatalog catalog, TableName table, SnapshotOptions options) throws SQLException {
        TableShape shape = catalog.shape(table, options.publication());
        if (shape == null) {
            throw new IllegalArgumentException("Table " + table + " does not exist");
        }
        if (!shape.publication().includes()) {
            throw new IllegalArgumentException("Table " + table + " is not in publication " + options.publication());
        }
        TypeRegistry types = options.rawText() ? TypeRegistry.rawText() : TypeRegistry.natural(catalog);
        List<String> names = new ArrayList<>();
        List<ValueCodec> codecs = new ArrayList<>();
        for (TableShape.Column column : shape.streamedColumns()) {
            if (options.columns().includes(table.schema(), table.name(), column.name())) {
                names.add(column.name());
                codecs.add(types.codec(column.typeOid()));
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " has no columns to snapshot");
        }
        if (!names.containsAll(shape.key())) {
            throw new IllegalArgumentException("Table " + table + " has key columns " + shape.key() + " that the"
                    + " snapshot does not read (a publication's column list or excludeColumns leaves them out), so"
                    + " its rows cannot be matched with the stream's changes. Publish the key columns, or list the"
                    + " table in skipSnapshotTables to only stream it.");
        }
        // without a key the whole row is the identity, as the stream's under REPLICA IDENTITY FULL
        List<String> key = shape.key().isEmpty() ? names : shape.key();
        int[] keyPositions = key.stream().mapToInt(names::indexOf).toArray();
        List<String> keyTypes = key.stream().map(name -> shape.column(name).declaredType()).toList();
        String rowFilter = shape.publication().rowFilter();
        // reltuples counts every row and is unknown before the first ANALYZE; the planner knows both cases better,
        // but takes a table never vacuumed for at least 10 pages (thousands of rows): a smaller one is counted
        long estimatedRows = shape.estimatedRows() > 0 && rowFilter == null ? shape.estimatedRows()
                : estimateWithoutReltuples(catalog, table, rowFilter);
        return new TableLayout(table, names, codecs.toArray(ValueCodec[]::new), key, keyPositions, keyTypes,
                estimatedRows, rowFilter, shape.key().isEmpty());
    }

    private static long estimateWithoutReltuples(PgCatalog catalog, TableName table, String rowFilter)
            throws SQLException {
        long counted = catalog.countedRowsIfSmall(table, rowFilter, PLANNER_MINIMUM_BLOCKS);
        return counted >= 0 ? counted : catalog.plannedRows(table, rowFilter);
    }

    TableName id() {
        return id;
    }

    ColumnNames columns() {
        return columns;
    }

    /** The stream's codec for the column's type. */
    ValueCodec codec(int column) {
        return codecs[column];
    }

    /**
     * Whether chunks are read in COPY's binary format: every column's type has a binary form that decodes to the same
     * value as its text (the server's send function is cheaper than its output function, and the values need no
     * parsing). With {@code valueFormat=text} no type has.
     */
    boolean binary() {
        return binary;
    }

    ColumnNames keyColumns() {
        return keyColumns;
    }

    int[] keyPositions() {
        return keyPositions;
    }

    List<String> keyTypes() {
        return keyTypes;
    }

    /** SQL: the key columns, {@code "a", "b"}, to order by. */
    String keyList() {
        return keyColumns.asList().stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }

    /** SQL: the key columns as a row, {@code ("a", "b")}, to compare with {@link #keyLiteral}. */
    String keyRow() {
        return "(" + keyList() + ")";
    }

    /**
     * SQL: a key's text as a row of literals cast to the key columns' types (COPY takes no parameters, so saved keys
     * go in as literals).
     */
    String keyLiteral(List<String> key) {
        List<String> literals = new ArrayList<>();
        for (int k = 0; k < key.size(); k++) {
            literals.add(Identifiers.quoteLiteral(key.get(k)) + "::" + keyTypes.get(k));
        }
        return "(" + String.join(", ", literals) + ")";
    }

    /**
     * No primary key or replica identity index: chunks are ctid ranges ({@link BlockCursor}) and the key is the
     * whole row.
     */
    boolean keyless() {
        return keyless;
    }

    /** The publication's row filter as the server deparses it (column names unqualified), or null. */
    String rowFilter() {
        return rowFilter;
    }

    /**
     * The rows the snapshot will read, estimated when it was planned: {@code pg_class.reltuples}, else (never
     * analysed, or a row filter) the planner's estimate.
     */
    long estimatedRows() {
        return estimatedRows;
    }

    /** The key of a row read by the snapshot, as the event's key map. */
    RowMap keyOf(Object[] row) {
        return new RowMap(keyColumns, keyValues(row));
    }

    /** The key of a row read by the snapshot, comparable with {@link #keyOf(Map)}. */
    Object rowKey(Object[] row) {
        return RowKey.of(keyValues(row));
    }

    private Object[] keyValues(Object[] row) {
        Object[] values = new Object[keyPositions.length];
        for (int k = 0; k < keyPositions.length; k++) {
            values[k] = row[keyPositions[k]];
        }
        return values;
    }

    /** The key of a streamed row (new or old image), or null if the image lacks a key column. */
    Object keyOf(Map<String, Object> image) {
        Object[] values = new Object[keyColumns.size()];
        for (int k = 0; k < values.length; k++) {
            String name = keyColumns.get(k);
            if (!image.containsKey(name)) {
                return null;
            }
            values[k] = image.get(name);
        }
        return RowKey.of(values);
    }
}
