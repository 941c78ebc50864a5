package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.pgcdc.pg.TableName;

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
            return new MariaDbDialect(connection.getCatalog());
        }
        throw new SQLException("pgcdc-sink writes to PostgreSQL and MariaDB/MySQL, not to " + product);
    }

    abstract String quote(String identifier);

    /**
     * The schema of tables the options give none (no targetSchema, an unqualified tableMapping target): null where
     * they keep the source's schema.
     */
    String defaultSchema() {
        return null;
    }

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

    /**
     * The types of the table's columns from the target's catalog, by column name, or null where the dialect reads
     * none. PostgreSQL reads them: its deletes of many keys bind arrays of the key columns' types
     * ({@link #keyDeletes}), and its append stages ({@link #copyAppends}) are made with them.
     */
    Map<String, TargetTable.ColumnType> columnTypes(Connection connection, TableName table) throws SQLException {
        return null;
    }

    /**
     * How the deletes of a run of one table's rows by one key go as one statement ({@link SqlBuilder#deleteAll}):
     * the key columns, their array types where the keys are bound as one array per column (else empty), and the
     * most keys one statement takes.
     */
    record KeyDeletes(TableName table, List<String> key, List<String> arrayTypes, int maxKeys) {
    }

    /**
     * How consecutive deletes of {@code table}'s rows by {@code key} go as one statement, or null where each is a
     * statement of its own: the one place that decides whether the target deletes many keys at once. Asked once per
     * table and key ({@link TargetTable#keyDeletes}).
     */
    abstract KeyDeletes keyDeletes(TargetTable table, List<String> key);

    /**
     * Whether one row's key {@code values}, bound among others' by {@link #bindKeys}, match the rows {@link #bind} of
     * each value would; if not, that row's delete is a statement of its own. A NULL matches no row either way.
     */
    abstract boolean keysHold(KeyDeletes deletes, List<?> values);

    /**
     * Whether a delete by {@code key} may go in one statement with a run of them whose first key is {@code first}
     * (both of keys {@link #keysHold} accepts).
     */
    abstract boolean keysTogether(List<?> first, List<?> key);

    /**
     * How many keys the statement of a run of {@code keys} (2 or more) is written for ({@link #keysIn}): few counts,
     * so that few statement texts serve every run; 0 where one text takes any number.
     */
    abstract int keySlots(int keys);

    /** The condition of {@link SqlBuilder#deleteAll}: the key among {@code slots} keys, bound by {@link #bindKeys}. */
    abstract String keysIn(KeyDeletes deletes, int slots);

    /** Binds a run's {@code keys} (each a key's values) as {@link #keysIn} takes them. */
    abstract void bindKeys(PreparedStatement statement, KeyDeletes deletes, List<List<?>> keys) throws SQLException;

    /** How append mode's rows are loaded in bulk on the connection, or null: one INSERT statement each. */
    CopyAppends copyAppends(Connection connection) throws SQLException {
        return null;
    }

    /**
     * Ends the statement the connection is running, from another thread, before {@link Connection#abort} closes it:
     * a server waiting for a lock may not notice its client has gone. MariaDB's driver kills the session itself.
     */
    void cancel(Connection connection) throws SQLException {
    }

    /** Session settings the dialect's binding relies on, run once per new connection. */
    void prepare(Connection connection) throws SQLException {
    }

    /** The table's columns as {@link DatabaseMetaData#getColumns} lists them. */
    abstract ResultSet columns(DatabaseMetaData metadata, TableName table) throws SQLException;

    /**
     * The table's unique indexes that can serve as the key of an upsert, one row per key column, with the
     * {@code INDEX_NAME} and {@code COLUMN_NAME} columns of {@link DatabaseMetaData#getIndexInfo} (PostgreSQL reads
     * its catalog instead).
     */
    abstract ResultSet uniqueIndexes(DatabaseMetaData metadata, TableName table) throws SQLException;

    /**
     * The target type for a source column of a table being created, or null after adding to {@code problems} why
     * the target cannot hold its values as {@link #bind} writes them (each problem names the column and the fix).
     *
     * @param key whether the column is part of the created table's primary key
     */
    abstract String columnType(Connection target, SourceTable.Column column, boolean key, List<String> problems)
            throws SQLException;

    /** The type of append mode's commit timestamp column. */
    abstract String timestampType();

    /** Whether the target keeps the identifier as given (longer ones are truncated or refused). */
    abstract boolean fits(String identifier);

    /** The identifier length limit, for messages: "63 bytes". */
    abstract String identifierLimit();

    /** What follows {@code CREATE TABLE t (...)}: table options, or nothing. */
    String tableOptions(Connection target) throws SQLException {
        return "";
    }

    /**
     * A name as a {@link DatabaseMetaData} search pattern that matches only itself: {@code _} and {@code %} are
     * wildcards there, and names may contain them (a table {@code a_b} must not also find {@code axb}'s columns).
     */
    static String exactPattern(DatabaseMetaData metadata, String name) throws SQLException {
        String escape = metadata.getSearchStringEscape();
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /**
     * A string column's type and collation as the target's catalog names them, e.g. varchar, utf8mb4_general_ci; its
     * full type for a fix's DDL, e.g. {@code varchar(20) NOT NULL}; the binary NO PAD collation of its character set,
     * or null where the server has none.
     */
    record Collated(String type, String collation, String columnType, String noPadBinary) {
    }

    /**
     * The table's string columns with their collations, by {@link #columnKey}; empty where the dialect reads none
     * (PostgreSQL: its default collations compare keys as the source does).
     */
    Map<String, Collated> collatedColumns(Connection connection, TableName table) throws SQLException {
        return Map.of();
    }

    /**
     * Why this target would hold keys distinct at the source as one in key column {@code column} of {@code table},
     * with the fix; null when it tells them apart.
     */
    String keyCollationProblem(TableName table, String column, Collated collated) {
        return null;
    }

    /**
     * Why a change whose value of key column {@code column} ends in a space cannot be applied, with the fix; null
     * when the column tells such keys apart from those without the spaces.
     */
    String paddedKeyProblem(TableName table, String column, Collated collated) {
        return null;
    }

    /**
     * Whether an insert-or-update ({@link #onConflict}) updates the row any unique index matches, not only the key's:
     * then a table with another unique index is written by update and insert ({@link TargetTable#upsertsByUpdate}).
     */
    boolean upsertsMatchEveryUniqueIndex() {
        return false;
    }

    /** A column name as the target compares it (MariaDB's column names ignore case). */
    String columnKey(String column) {
        return column;
    }
}
