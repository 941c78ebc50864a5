package dev.pgcdc.sink;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.event.PgJsonWriter;
import dev.pgcdc.event.RowMap;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.Identifiers;
import org.postgresql.PGConnection;

/**
 * PostgreSQL targets. Values without an exact JDBC type (json, jsonb, arrays, and the String fallback for types such
 * as interval, inet or enums) are bound as untyped text ({@link Types#OTHER}): the server then reads the text as the
 * target column's type, exactly as it would read a literal, so no cast per column type is needed.
 */
final class PostgresDialect extends Dialect {

    @Override
    void cancel(Connection connection) throws SQLException {
        if (connection.isWrapperFor(PGConnection.class)) {
            connection.unwrap(PGConnection.class).cancelQuery();
        }
    }

    @Override
    String quote(String identifier) {
        return Identifiers.quote(identifier);
    }

    @Override
    String onConflict(List<String> key, List<String> update) {
        String conflict = " ON CONFLICT (" + key.stream().map(this::quote).collect(Collectors.joining(", ")) + ")";
        if (update.isEmpty()) {
            return conflict + " DO NOTHING";
        }
        return conflict + " DO UPDATE SET "
                + update.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
    }

    @Override
    void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.OTHER);
        } else if (value instanceof String) {
            statement.setObject(index, value, Types.OTHER);
        } else if (value instanceof byte[]) {
            statement.setBytes(index, (byte[]) value);
        } else if (value instanceof JsonNode) {
            statement.setObject(index, value.toString(), Types.OTHER);
        } else if (value instanceof List || value instanceof Map) {
            statement.setObject(index, literal(value), Types.OTHER);
        } else {
            // numbers, booleans, java.time values and UUIDs: pgjdbc binds them with their exact types
            statement.setObject(index, value);
        }
    }

    /**
     * The columns' types from the target's catalog, so no privilege beyond the table's is needed: format_type's text
     * as the session resolves it, the OID, and the type of arrays of the column's values. An array-typed column has
     * no array type that {@code = ANY} or {@code unnest} could use (both would take its elements, not its values),
     * nor does a type without an array type. Array types are format_type's with typmod -1: with NULL it writes
     * {@code character[]} and {@code bit[]}, which a cast reads as arrays of char(1) and bit(1), truncating every
     * value.
     */
    @Override
    Map<String, TargetTable.ColumnType> columnTypes(Connection connection, TableName table) throws SQLException {
        Map<String, TargetTable.ColumnType> types = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname, format_type(a.atttypid,"
                + " a.atttypmod), a.atttypid::int, CASE WHEN t.typarray <> 0 AND t.typcategory <> 'A' THEN"
                + " format_type(t.typarray, -1) END FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t"
                + " ON t.oid = a.atttypid WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
            statement.setString(1, quote(table));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    types.put(rows.getString(1), new TargetTable.ColumnType(rows.getString(2), rows.getInt(3),
                            rows.getString(4)));
                }
            }
        }
        return types;
    }

    /**
     * One array per key column, of the column's array type ({@link TargetTable.ColumnType#arrayType}): none where a
     * key column has none (an array-typed column, whose values {@code = ANY} or {@code unnest} would take apart). An
     * array holds any number of keys.
     */
    @Override
    KeyDeletes keyDeletes(TargetTable table, List<String> key) {
        List<String> arrayTypes = new ArrayList<>(key.size());
        for (String column : key) {
            TargetTable.ColumnType type = table.columnTypes().get(column);
            if (type == null || type.arrayType() == null) {
                return null;
            }
            arrayTypes.add(type.arrayType());
        }
        return new KeyDeletes(table.name(), List.copyOf(key), List.copyOf(arrayTypes), Integer.MAX_VALUE);
    }

    /**
     * Whether each value's text in an array of its column's array type means what {@link #bind} compares for one
     * row: the array path is chosen by the target's column type, but a value keeps its source's Java form. A List or
     * Map (a RowMap too) in a column that is not an array (array columns have no array type here) would nest into the
     * array, and {@code = ANY} would match its elements. A value with an offset going to a column other than
     * timestamptz is converted in the session's time zone when bound alone, but array text drops its offset. A
     * LocalDateTime going to timestamptz is left out too: the array path is kept to values whose text reads as the
     * column's own type.
     */
    @Override
    boolean keysHold(KeyDeletes deletes, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            boolean timestamptz = deletes.arrayTypes().get(i).equals("timestamp with time zone[]");
            if (value instanceof List || value instanceof Map
                    || (value instanceof OffsetDateTime || value instanceof Instant || value instanceof ZonedDateTime)
                    && !timestamptz
                    || value instanceof LocalDateTime && timestamptz) {
                return false;
            }
        }
        return true;
    }

    /** Always: the casts read every value of an array as the column's type. */
    @Override
    boolean keysTogether(List<?> first, List<?> key) {
        return true;
    }

    @Override
    int keySlots(int keys) {
        return 0;
    }

    @Override
    String keysIn(KeyDeletes deletes, int slots) {
        List<String> key = deletes.key();
        if (key.size() == 1) {
            return quote(key.get(0)) + " = ANY(?::" + deletes.arrayTypes().get(0) + ")";
        }
        return "(" + key.stream().map(this::quote).collect(Collectors.joining(", ")) + ") IN (SELECT * FROM unnest("
                + deletes.arrayTypes().stream().map(type -> "?::" + type).collect(Collectors.joining(", ")) + "))";
    }

    /** Each key column's values as one array, as {@link #literal} writes it: the text {@link #bind} would send. */
    @Override
    void bindKeys(PreparedStatement statement, KeyDeletes deletes, List<List<?>> keys) throws SQLException {
        for (int column = 0; column < deletes.key().size(); column++) {
            List<Object> values = new ArrayList<>(keys.size());
            for (List<?> key : keys) {
                values.add(key.get(column));
            }
            statement.setObject(column + 1, literal(values), Types.OTHER);
        }
    }

    @Override
    CopyAppends copyAppends(Connection connection) throws SQLException {
        return CopyAppends.of(connection, this);
    }

    /**
     * Appends a value as a field of COPY's text format: what {@link #bind} would send as text ({@link #literal}), with
     * COPY's escapes for backslash, tab, line feed and carriage return; NULL as {@code \N}.
     */
    static void copyField(Object value, StringBuilder out) {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            out.append(((Number) value).longValue());
        } else {
            String text = value instanceof String string ? string : value instanceof JsonNode ? value.toString()
                    : literal(value);
            // most text needs no escape, and a bulk append of it costs far less than one per char
            int plain = 0;
            while (plain < text.length() && copyEscape(text.charAt(plain)) == null) {
                plain++;
            }
            if (plain == text.length()) {
                out.append(text);
                return;
            }
            out.append(text, 0, plain);
            for (int i = plain; i < text.length(); i++) {
                char c = text.charAt(i);
                String escape = copyEscape(c);
                if (escape == null) {
                    out.append(c);
                } else {
                    out.append(escape);
                }
            }
        }
    }

    /** COPY's text-format escape of a char, or null if it goes as it is. */
    private static String copyEscape(char c) {
        return switch (c) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
        };
    }

    /**
     * A value as PostgreSQL's input functions read it: arrays as {@code {"1","a \"b\"",NULL}}, nested per
     * dimension; composite values (a {@link RowMap} of attributes in order) as {@code ("1",,"x")}, an empty field
     * being NULL; hstore values (any other map) as {@code "k"=>"v", "n"=>NULL}. Elements, fields, keys and values are
     * always quoted, so any text survives, including nested arrays and records.
     */
    static String literal(Object value) {
        if (value instanceof List<?> elements) {
            StringBuilder text = new StringBuilder("{");
            for (int i = 0; i < elements.size(); i++) {
                Object element = elements.get(i);
                text.append(i > 0 ? "," : "").append(element == null ? "NULL"
                        : element instanceof List ? literal(element) : quoted(literal(element)));
            }
            return text.append('}').toString();
        }
        if (value instanceof RowMap record) {
            StringBuilder text = new StringBuilder("(");
            int i = 0;
            for (Object field : record.values()) {
                text.append(i++ > 0 ? "," : "").append(field == null ? "" : quoted(literal(field)));
            }
            return text.append(')').toString();
        }
        if (value instanceof Map<?, ?> hstore) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<?, ?> pair : hstore.entrySet()) {
                text.append(text.length() > 0 ? ", " : "").append(quoted(String.valueOf(pair.getKey()))).append("=>")
                        .append(pair.getValue() == null ? "NULL" : quoted(String.valueOf(pair.getValue())));
            }
            return text.toString();
        }
        return elementText(value);
    }

    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String elementText(Object element) {
        if (element instanceof BigDecimal) {
            return ((BigDecimal) element).toPlainString();
        } else if (element instanceof Boolean) {
            return (Boolean) element ? "t" : "f";
        } else if (element instanceof byte[]) {
            return PgJsonWriter.formatBytea((byte[]) element);
        } else if (element instanceof OffsetDateTime) {
            return PgJsonWriter.formatTimestampTz((OffsetDateTime) element);
        } else if (element instanceof LocalDateTime) {
            return PgJsonWriter.formatTimestamp((LocalDateTime) element);
        } else if (element instanceof LocalDate) {
            return PgJsonWriter.formatDate((LocalDate) element);
        } else if (element instanceof LocalTime) {
            return PgJsonWriter.formatTime((LocalTime) element);
        } else if (element instanceof OffsetTime) {
            return PgJsonWriter.formatTimeTz((OffsetTime) element);
        }
        return element.toString(); // numbers, UUID, JsonNode, and String
    }

    /**
     * The source's own type: format_type's text, qualified and quoted. It must exist in the target; types are not
     * created here, since copying an enum's labels or a domain's constraints is a schema decision of its own.
     */
    @Override
    String columnType(Connection target, SourceTable.Column column, boolean key, List<String> problems)
            throws SQLException {
        try (PreparedStatement statement = target.prepareStatement("SELECT to_regtype(?) IS NOT NULL")) {
            statement.setString(1, column.declaredType());
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next() && !rows.getBoolean(1)) {
                    problems.add("type " + column.declaredType() + " of column " + quote(column.name())
                            + " does not exist in the target database: create it there first, as in the source");
                    return null;
                }
            }
        }
        return column.declaredType();
    }

    @Override
    String timestampType() {
        return "timestamptz";
    }

    @Override
    boolean fits(String identifier) {
        return identifier.getBytes(StandardCharsets.UTF_8).length <= 63;
    }

    @Override
    String identifierLimit() {
        return "63 bytes";
    }

    @Override
    ResultSet columns(DatabaseMetaData metadata, TableName table) throws SQLException {
        return metadata.getColumns(null, exactPattern(metadata, table.schema()),
                exactPattern(metadata, table.name()), null);
    }

    /**
     * From the catalog, not {@link DatabaseMetaData#getIndexInfo}: pgjdbc names an index column by
     * {@code pg_get_indexdef}, which quotes a name such as {@code Id col}, so it would match no column. Left out, as
     * {@code ON CONFLICT} by column names cannot use them: indexes with an expression or a predicate, invalid ones
     * (a failed CREATE INDEX CONCURRENTLY) and deferrable constraints; also an index's INCLUDE columns, which exist
     * from PostgreSQL 11 ({@code indnkeyatts}; before, every column is a key column).
     */
    @Override
    ResultSet uniqueIndexes(DatabaseMetaData metadata, TableName table) throws SQLException {
        String keyColumns = metadata.getDatabaseMajorVersion() >= 11 ? "i.indnkeyatts" : "i.indnatts";
        PreparedStatement statement = metadata.getConnection().prepareStatement("SELECT c.relname AS \"INDEX_NAME\","
                + " a.attname AS \"COLUMN_NAME\" FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid ="
                + " i.indexrelid JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY ((i.indkey::int2[])[0:" + keyColumns + " - 1])"
                + " WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indisvalid AND i.indimmediate"
                + " AND i.indpred IS NULL AND i.indexprs IS NULL");
        try {
            statement.setString(1, quote(table));
            statement.closeOnCompletion();
            return statement.executeQuery();
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
