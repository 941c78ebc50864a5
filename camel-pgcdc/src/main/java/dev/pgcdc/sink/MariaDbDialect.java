package dev.pgcdc.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.pgcdc.event.PgJsonWriter;
import dev.pgcdc.setup.TableName;

/**
 * MariaDB and MySQL targets. A schema is a database there. Values without a MariaDB counterpart are stored in
 * documented forms: timestamptz as DATETIME in UTC (the session's time zone is set to UTC so TIMESTAMP columns agree),
 * timetz and uuid as text, json/jsonb and arrays as JSON text written as PostgreSQL's {@code to_jsonb} writes them,
 * time 24:00:00 as 24:00:00. NaN and infinite numbers have no MariaDB form: a change carrying one fails with an error
 * that says so.
 */
final class MariaDbDialect extends Dialect {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            throw new SinkException("MariaDB and MySQL cannot store " + value + " (parameter " + index
                    + "): they have no NaN or infinite numbers");
        } else if (LocalTime.MAX.equals(value)) {
            statement.setString(index, "24:00:00"); // PostgreSQL's 24:00:00, which pgcdc decodes as LocalTime.MAX
        } else if (value instanceof OffsetDateTime) {
            statement.setObject(index, ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else if (value instanceof OffsetTime) {
            statement.setString(index, PgJsonWriter.formatTimeTz((OffsetTime) value));
        } else if (value instanceof UUID || value instanceof JsonNode) {
            statement.setString(index, value.toString());
        } else if (value instanceof List) {
            statement.setString(index, json(value));
        } else if (value instanceof byte[]) {
            statement.setBytes(index, (byte[]) value);
        } else {
            statement.setObject(index, value);
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
        }
    }

    @Override
    ResultSet columns(DatabaseMetaData metadata, TableName table) throws SQLException {
        return metadata.getColumns(table.schema(), null, table.name(), null);
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
