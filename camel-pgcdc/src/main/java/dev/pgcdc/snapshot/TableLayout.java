package dev.pgcdc.snapshot;

import dev.pgcdc.decode.value.TextDecoder;
import dev.pgcdc.setup.TableName;
import java.util.List;
import java.util.Map;

import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.RowMap;

/**
 * The columns of a table as the stream publishes them (same names and order as pgoutput's Relation message, decoded by the
 * stream's decoders for their types), and its primary key, which orders and delimits the snapshot's chunks.
 */
final class TableLayout {

    private final TableName id;
    private final ColumnNames columns;
    private final TextDecoder[] decoders;
    private final ColumnNames keyColumns;
    private final int[] keyPositions;
    /** The SQL type of each key column ({@code format_type}), to cast the saved key text back. */
    private final List<String> keyTypes;
    private final long estimatedRows;

    TableLayout(TableName id, List<String> columns, TextDecoder[] decoders, List<String> keyColumns, int[] keyPositions,
                List<String> keyTypes, long estimatedRows) {
        this.id = id;
        this.columns = ColumnNames.of(columns);
        this.decoders = decoders;
        this.keyColumns = ColumnNames.of(keyColumns);
        this.keyPositions = keyPositions;
        this.keyTypes = List.copyOf(keyTypes);
        this.estimatedRows = estimatedRows;
    }

    TableName id() {
        return id;
    }

    ColumnNames columns() {
        return columns;
    }

    /** The stream's decoder for the column's type. */
    TextDecoder decoder(int column) {
        return decoders[column];
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

    /** {@code pg_class.reltuples}: rows at the last VACUUM/ANALYZE; 0 or less when unknown. */
    long estimatedRows() {
        return estimatedRows;
    }

    /** The key of a row read by the snapshot, as the event's key map. */
    RowMap keyOf(Object[] row) {
        return new RowMap(keyColumns, keyValues(row));
    }

    /** The primary key of a row read by the snapshot, comparable with {@link #keyOf(Map)}. */
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

    /** The primary key of a streamed row (new or old image), or null if the image lacks a key column. */
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
