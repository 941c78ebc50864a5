package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

import dev.pgcdc.setup.TableName;

/**
 * What differs between target databases: identifier quoting, the insert-or-update clause, how a Java value of a
 * change is bound, and where JDBC metadata keeps a schema. Everything else the sink writes is standard SQL.
 */
abstract class Dialect {

    /** The dialect of a connection, from its JDBC metadata. */
    static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return new PostgresDialect();
        }
        if (product.contains("mariadb") || product.contains("mysql")) {
            return new MariaDbDialect();
        }
        throw new SQLException("pgcdc-sink writes to PostgreSQL and MariaDB/MySQL, not to " + product);
    }

    abstract String quote(String identifier);

    String quote(TableName table) {
        return quote(table.schema()) + '.' + quote(table.name());
    }

    /**
     * The clause after {@code INSERT ... VALUES (...)} that turns a key conflict into an update of
     * {@code update} (none: leave the existing row alone).
     */
    abstract String onConflict(List<String> key, List<String> update);

    /** Binds one change value (a natural Java value as pgcdc decodes it) as statement parameter {@code index}. */
    abstract void bind(PreparedStatement statement, int index, Object value) throws SQLException;

    /** Session settings the dialect's binding relies on, run once per new connection. */
    void prepare(Connection connection) throws SQLException {
    }

    /** The table's columns as {@link DatabaseMetaData#getColumns} lists them. */
    abstract ResultSet columns(DatabaseMetaData metadata, TableName table) throws SQLException;

    /** The table's indexes as {@link DatabaseMetaData#getIndexInfo} lists them, unique ones only. */
    abstract ResultSet uniqueIndexes(DatabaseMetaData metadata, TableName table) throws SQLException;

    /** A column name as the target compares it (MariaDB's column names ignore case). */
    String columnKey(String column) {
        return column;
    }
}
