package dev.pgcdc.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.pgcdc.event.PgJsonWriter;
import dev.pgcdc.pg.TableName;

/**
 * MariaDB and MySQL targets. A schema is a database there. Values without a MariaDB counterpart are stored in
 * documented forms: timestamptz as DATETIME in UTC (the session's time zone is set to UTC so TIMESTAMP columns agree),
 * timetz and uuid as text, json/jsonb, arrays and composite values as JSON text written as PostgreSQL's
 * {@code to_jsonb} writes them, time 24:00:00 as 24:00:00. NaN and infinite numbers have no MariaDB form: a change
 * carrying one fails with an error that says so. {@link #columnType} maps source types to columns that hold exactly
 * these forms (the table is in the component doc).
 */
final class MariaDbDialect extends Dialect {

    /** 0001-01-01 and 10000-01-01 in UTC, as epoch seconds: the range of MariaDB's DATETIME. */
    private static final long FIRST_DATETIME = LocalDate.of(1, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    private static final long AFTER_LAST_DATETIME = LocalDate.of(10000, 1, 1).atStartOfDay()
            .toEpochSecond(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Strings no longer than this become VARCHAR(n); longer ones LONGTEXT (VARCHARs share a 64 KB row limit). */
    private static final int MAX_VARCHAR = 1024;
    /**
     * Parameters at most in one delete of many keys ({@link #keyDeletes}): far below MariaDB's 65,535, and so few keys
     * that the server keeps their list a range over the key instead of turning it into a subquery
     * (in_predicate_conversion_threshold, 1,000 by default).
     */
    private static final int KEY_PARAMETERS = 512;
    /** Types MariaDB cannot index without a prefix length, so not a primary key column. */
    private static final Set<String> UNINDEXABLE = Set.of("LONGTEXT", "LONGBLOB", "JSON");

    /** The string types whose key columns {@link #keyCollationProblem} checks (ENUM and SET hold fixed labels). */
    private static final Set<String> TEXT_TYPES = Set.of("char", "varchar", "tinytext", "text", "mediumtext",
            "longtext");

    /** The connection's database (the one named in jdbcUrl), or null if it names none. */
    private final String database;

    MariaDbDialect(String database) {
        this.database = database;
    }

    /** A source schema is not a MariaDB database: tables go into the connection's. */
    @Override
    String defaultSchema() {
        return database;
    }

    @Override
    String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("An identifier cannot contain the NUL character");
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    String onConflict(List<String> key, List<String> update) {
        // "k = k" is MariaDB's way to say "do nothing" without INSERT IGNORE, which would also hide real errors
        List<String> set = update.isEmpty() ? key.subList(0, 1) : update;
        return " ON DUPLICATE KEY UPDATE " + set.stream()
                .map(c -> quote(c) + " = " + (update.isEmpty() ? quote(c) : "VALUES(" + quote(c) + ")"))
                .collect(Collectors.joining(", "));
    }

    @Override
    void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())
                || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
            // the driver would send them as bare words, which MariaDB reads as column names
            throw new SinkException("MariaDB and MySQL cannot store a NaN or infinite " + value.getClass().getSimpleName()
                    + " (parameter " + index + "): they have no NaN or infinite numbers");
        } else if (outOfDateRange(value)) {
            // strict mode would refuse it less clearly; a lenient server would store a zero date
            // the kind of value, not the value: row values are not for logs
            throw new SinkException("MariaDB and MySQL cannot store the " + value.getClass().getSimpleName()
                    + " of parameter " + index + ": their dates hold the years 1 to 9999, without infinity or BC"
                    + " dates");
        } else if (LocalTime.MAX.equals(value)) {
            statement.setString(index, "24:00:00"); // PostgreSQL's 24:00:00, which pgcdc decodes as LocalTime.MAX
        } else if (value instanceof OffsetDateTime) {
            statement.setObject(index, ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else if (value instanceof OffsetTime) {
            statement.setString(index, PgJsonWriter.formatTimeTz((OffsetTime) value));
        } else if (value instanceof UUID || value instanceof JsonNode) {
            statement.setString(index, value.toString());
        } else if (value instanceof List || value instanceof Map) {
            statement.setString(index, json(value));
        } else if (value instanceof byte[]) {
            statement.setBytes(index, (byte[]) value);
        } else {
            statement.setObject(index, value);
        }
    }

    /**
     * {@code (k1, k2) IN ((?, ?), (?, ?), ...)}, or {@code k IN (?, ?, ...)} for a key of one column, each value bound
     * as {@link #bind} binds it for one row's {@code k = ?}. Statements take a power of two of keys
     * ({@link #keySlots}), up to {@link #KEY_PARAMETERS} values.
     */
    @Override
    KeyDeletes keyDeletes(TargetTable table, List<String> key) {
        int maxKeys = Integer.highestOneBit(KEY_PARAMETERS / key.size());
        return maxKeys < 2 ? null : new KeyDeletes(table.name(), List.copyOf(key), List.of(), maxKeys);
    }

    /**
     * IN compares a row's key with each listed key's values, bound as for one row, as = does (a NULL matching
     * nothing). Left out are values whose text may be long (JSON text, strings and bytes longer than
     * {@link #MAX_VARCHAR}): a statement of many such keys could pass the server's max_allowed_packet, which a
     * statement of one would not.
     */
    @Override
    boolean keysHold(KeyDeletes deletes, List<?> values) {
        for (Object value : values) {
            if (value instanceof String text && text.length() > MAX_VARCHAR
                    || value instanceof byte[] bytes && bytes.length > MAX_VARCHAR
                    || value instanceof List || value instanceof Map || value instanceof JsonNode) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keys whose values are of one class column by column, a NULL being a class of its own: where a column of a list
     * of row values mixes strings and numbers, MariaDB compares all of it as numbers (a list of {@code (1, 1)} and
     * {@code (1, 'x')} matches a row {@code (1, 'y')}, both strings reading as 0), whereas {@code =} compares each
     * pair by its own types.
     */
    @Override
    boolean keysTogether(List<?> first, List<?> key) {
        for (int i = 0; i < key.size(); i++) {
            Object a = first.get(i);
            Object b = key.get(i);
            if (a == null ? b != null : b == null || a.getClass() != b.getClass()) {
                return false;
            }
        }
        return true;
    }

    /** The next power of two: a run's last key is bound again to fill the statement ({@link #bindKeys}). */
    @Override
    int keySlots(int keys) {
        return Integer.highestOneBit(keys - 1) << 1;
    }

    @Override
    String keysIn(KeyDeletes deletes, int slots) {
        List<String> key = deletes.key();
        if (key.size() == 1) {
            return quote(key.get(0)) + " IN (" + "?, ".repeat(slots - 1) + "?)";
        }
        String row = "(" + "?, ".repeat(key.size() - 1) + "?)";
        return "(" + key.stream().map(this::quote).collect(Collectors.joining(", ")) + ") IN ("
                + String.join(", ", Collections.nCopies(slots, row)) + ")";
    }

    @Override
    void bindKeys(PreparedStatement statement, KeyDeletes deletes, List<List<?>> keys) throws SQLException {
        int index = 1;
        int slots = keySlots(keys.size());
        for (int i = 0; i < slots; i++) {
            for (Object value : keys.get(Math.min(i, keys.size() - 1))) {
                bind(statement, index++, value);
            }
        }
    }

    /** Dates and timestamps outside 0001-9999 (in UTC for timestamptz), as pgcdc decodes BC dates and ±infinity. */
    private static boolean outOfDateRange(Object value) {
        if (value instanceof OffsetDateTime timestamp) { // by instant: converting ±infinity to UTC would overflow
            long seconds = timestamp.toEpochSecond();
            return seconds < FIRST_DATETIME || seconds >= AFTER_LAST_DATETIME;
        }
        int year = value instanceof LocalDate date ? date.getYear()
                : value instanceof LocalDateTime timestamp ? timestamp.getYear() : 1;
        return year < 1 || year > 9999;
    }

    @Override
    String columnType(Connection target, SourceTable.Column column, boolean key, List<String> problems) {
        String type = mapped(column, problems);
        if (type != null && key && UNINDEXABLE.contains(type)) {
            problems.add("key column " + quote(column.name()) + " " + column.declaredType() + " would be " + type
                    + ", which MariaDB cannot use in a primary key: give the source column a length (e.g."
                    + " varchar(200)), or create the target table yourself with a VARCHAR(n) key");
            return null;
        }
        return type;
    }

    /** The documented mapping; must agree with {@link #bind}. */
    private String mapped(SourceTable.Column column, List<String> problems) {
        if (column.isArray() || column.holdsComposite()) {
            return "JSON";
        }
        if (column.kind() == 'e') {
            return "VARCHAR(64)"; // enum labels are at most 63 bytes
        }
        return switch (column.baseType()) {
            case "bool" -> "BOOLEAN";
            case "int2" -> "SMALLINT";
            case "int4" -> "INT";
            case "int8", "oid" -> "BIGINT";
            case "float4" -> "FLOAT";
            case "float8" -> "DOUBLE";
            case "numeric" -> decimal(column, problems);
            case "varchar" -> text("VARCHAR", column.length());
            case "bpchar" -> column.length() >= 1 && column.length() <= 255 ? "CHAR(" + column.length() + ")"
                    : text("VARCHAR", column.length());
            case "bit", "varbit" -> text("VARCHAR", column.typmod()); // bit(n)'s typmod is n itself
            case "name" -> "VARCHAR(64)";
            case "char" -> "VARCHAR(4)"; // "char": one byte, printed as \ooo when not ASCII
            case "bytea" -> "LONGBLOB";
            case "date" -> "DATE";
            case "timestamp", "timestamptz" -> "DATETIME(" + fraction(column) + ")";
            case "time" -> "TIME(" + fraction(column) + ")";
            case "timetz" -> "VARCHAR(32)";
            case "uuid" -> "CHAR(36)";
            case "inet", "cidr" -> "VARCHAR(43)";
            case "macaddr" -> "VARCHAR(17)";
            case "macaddr8" -> "VARCHAR(23)";
            case "interval", "money" -> "VARCHAR(100)";
            case "json", "jsonb", "hstore" -> "JSON";
            default -> "LONGTEXT"; // text, xml, citext, ranges, geometry, tsvector...: pgcdc delivers their text
        };
    }

    private String decimal(SourceTable.Column column, List<String> problems) {
        int precision = column.numericPrecision();
        int scale = column.numericScale();
        if (precision < 0) {
            problems.add("column " + quote(column.name()) + " is numeric without a precision, which MariaDB's DECIMAL"
                    + " cannot hold without rounding: give the column a precision, e.g. numeric(20,4), or create the"
                    + " target table yourself");
            return null;
        }
        if (precision > 65 || scale < 0 || scale > 38 || scale > precision) {
            problems.add("column " + quote(column.name()) + " is " + column.declaredType() + ", but MariaDB's DECIMAL"
                    + " holds at most 65 digits with a scale from 0 to 38 and not above the precision: narrow the"
                    + " column, leave it out with excludeColumns, or create the target table yourself");
            return null;
        }
        return "DECIMAL(" + precision + "," + scale + ")";
    }

    private static String text(String type, int length) {
        return length >= 1 && length <= MAX_VARCHAR ? type + "(" + length + ")" : "LONGTEXT";
    }

    /** Fractional second digits: the source's, else microseconds (all PostgreSQL keeps). */
    private static int fraction(SourceTable.Column column) {
        return column.typmod() >= 0 && column.typmod() <= 6 ? column.typmod() : 6;
    }

    @Override
    String timestampType() {
        return "DATETIME(6)";
    }

    @Override
    boolean fits(String identifier) {
        return identifier.codePointCount(0, identifier.length()) <= 64;
    }

    @Override
    String identifierLimit() {
        return "64 characters";
    }

    /**
     * utf8mb4 for any text, and a binary NO PAD collation so that keys compare as PostgreSQL compares them: the
     * default collations ignore case and trailing spaces, which would merge distinct source keys into one row.
     */
    @Override
    String tableOptions(Connection target) throws SQLException {
        try (Statement statement = target.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT collation_name FROM information_schema.collations WHERE collation_name IN"
                        + " ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')")) {
            return " DEFAULT CHARSET=utf8mb4 COLLATE=" + (rows.next() ? rows.getString(1) : "utf8mb4_bin");
        }
    }

    private static String json(Object value) throws SQLException {
        try {
            return JSON.writeValueAsString(new PgJson(value));
        } catch (IOException e) {
            throw new SQLException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    void prepare(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            // a value that does not fit is an error, never silently truncated or zeroed, whatever the server default
            statement.execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''),"
                    + " 'STRICT_ALL_TABLES')");
        }
    }

    @Override
    Map<String, Collated> collatedColumns(Connection connection, TableName table) throws SQLException {
        Map<String, Collated> columns = new HashMap<>();
        // with the binary NO PAD collation of the column's character set, where the server has one, for the fix
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.COLUMN_NAME, c.DATA_TYPE,"
                + " c.COLLATION_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, MIN(n.COLLATION_NAME)"
                + " FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS n"
                + " ON n.CHARACTER_SET_NAME = c.CHARACTER_SET_NAME AND n.COLLATION_NAME IN"
                + " (CONCAT(c.CHARACTER_SET_NAME, '_nopad_bin'), 'utf8mb4_0900_bin')"
                + " WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.COLLATION_NAME IS NOT NULL"
                + " GROUP BY c.COLUMN_NAME, c.DATA_TYPE, c.COLLATION_NAME, c.COLUMN_TYPE, c.IS_NULLABLE")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String noPadBinary = rows.getString(6);
                    columns.put(columnKey(rows.getString(1)), new Collated(rows.getString(2).toLowerCase(Locale.ROOT),
                            rows.getString(3).toLowerCase(Locale.ROOT), rows.getString(4)
                            + ("NO".equals(rows.getString(5)) ? " NOT NULL" : ""),
                            noPadBinary == null ? null : noPadBinary.toLowerCase(Locale.ROOT)));
                }
            }
        }
        return columns;
    }

    /**
     * A key column must compare as PostgreSQL compares the source's keys: byte for byte (a {@code _bin} collation:
     * the default ones ignore case and accents, so 'A' and 'a' would be one row). A binary PAD SPACE collation
     * merges only keys that differ in trailing spaces: {@link #paddedKeyProblem} fails the changes of such keys
     * instead. MariaDB names its NO PAD collations {@code _nopad_}, MySQL 8 its {@code _0900_} ones.
     */
    @Override
    String keyCollationProblem(TableName table, String column, Collated collated) {
        if (!TEXT_TYPES.contains(collated.type()) || collated.collation().endsWith("_bin")) {
            return null;
        }
        return "Target table " + table + " key column " + quote(column) + " (" + collated.type() + ") has collation "
                + collated.collation() + ", which compares ignoring case or accents, so keys distinct at the source"
                + " (such as 'A' and 'a') would be one row here: give the column a binary collation, "
                + alter(table, column, collated);
    }

    /**
     * A VARCHAR or TEXT key column under a binary PAD SPACE collation (utf8mb4_bin, the only binary one MySQL 5.7
     * has) holds 'a' and 'a ' as one key. A CHAR(n) column drops trailing spaces, as char(n) compares at the source,
     * under either ({@link TargetTable.KeyForm} finds rows by the key without them).
     */
    @Override
    String paddedKeyProblem(TableName table, String column, Collated collated) {
        String collation = collated.collation();
        if (!TEXT_TYPES.contains(collated.type()) || collated.type().equals("char") || !collation.endsWith("_bin")
                || collation.contains("_nopad_") || collation.contains("_0900_")) {
            return null;
        }
        return "Target table " + table + " key column " + quote(column) + " (" + collated.type() + ") has collation "
                + collation + ", which ignores trailing spaces, and this change's key ends in a space: applied, it"
                + " would be written over the row of the key without them, so it is not; give the column a binary NO"
                + " PAD collation, " + alter(table, column, collated);
    }

    /** The statement that gives a string column the binary NO PAD collation of its character set, if there is one. */
    private String alter(TableName table, String column, Collated collated) {
        if (collated.noPadBinary() == null) {
            return "but this server has none for the column's character set (MariaDB has <charset>_nopad_bin, MySQL"
                    + " 8 utf8mb4_0900_bin): convert the column to utf8mb4 on such a server, or keep such keys out of"
                    + " the route";
        }
        return "e.g. ALTER TABLE " + quote(table) + " MODIFY " + quote(column) + " " + collated.columnType()
                .replace(" NOT NULL", "") + " COLLATE " + collated.noPadBinary()
                + (collated.columnType().endsWith(" NOT NULL") ? " NOT NULL" : "")
                + " (add the column's DEFAULT and COMMENT, if any, which MODIFY would drop; a foreign key referencing"
                + " the column must be dropped first and made again after)";
    }

    /** ON DUPLICATE KEY UPDATE updates the row whichever unique index found it. */
    @Override
    boolean upsertsMatchEveryUniqueIndex() {
        return true;
    }

    @Override
    ResultSet columns(DatabaseMetaData metadata, TableName table) throws SQLException {
        return metadata.getColumns(table.schema(), null, exactPattern(metadata, table.name()), null);
    }

    @Override
    ResultSet uniqueIndexes(DatabaseMetaData metadata, TableName table) throws SQLException {
        return metadata.getIndexInfo(table.schema(), null, table.name(), true, false);
    }

    @Override
    String columnKey(String column) {
        return column.toLowerCase(Locale.ROOT);
    }

    /** A value written as pgcdc's JSON form writes column values. */
    @JsonSerialize(using = PgJsonSerializer.class)
    private record PgJson(Object value) {
    }

    private static final class PgJsonSerializer extends StdSerializer<PgJson> {
        PgJsonSerializer() {
            super(PgJson.class);
        }

        @Override
        public void serialize(PgJson json, JsonGenerator gen, SerializerProvider provider) throws IOException {
            PgJsonWriter.writeValue(json.value(), gen, provider);
        }
    }
}
