package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.embedded.junit.Await;

/** Small JDBC helpers for a target database in tests (PostgreSQL or MariaDB). */
final class SqlDatabase {

    interface Connector {
        Connection connect() throws SQLException;
    }

    /** The MariaDB server of the build machines and CI (root, empty password). */
    private static final String MARIADB_SERVER = "jdbc:mariadb://127.0.0.1:3306/";

    private final Connector connector;

    SqlDatabase(Connector connector) {
        this.connector = connector;
    }

    static String mariaDbUrl(String database) {
        return MARIADB_SERVER + database;
    }

    /** A database of the MariaDB server. */
    static SqlDatabase mariaDb(String database) {
        return new SqlDatabase(() -> DriverManager.getConnection(mariaDbUrl(database), "root", ""));
    }

    /** A MariaDB database name of its own for a test class: with this JVM's pid, so concurrent builds do not meet. */
    static String mariaDbName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid();
    }

    static void createMariaDb(String database) {
        mariaDb("test").execute("DROP DATABASE IF EXISTS " + database, "CREATE DATABASE " + database);
    }

    static void dropMariaDb(String database) {
        mariaDb("test").execute("DROP DATABASE IF EXISTS " + database);
    }

    void execute(String... sql) {
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until this PostgreSQL database's {@code table} holds exactly the rows of {@code sourceTable} in
     * {@code source} (compared as to_jsonb, so value for value).
     */
    void awaitRowsEqual(String table, SqlDatabase source, String sourceTable) {
        String query = "SELECT to_jsonb(t)::text FROM %s t ORDER BY to_jsonb(t)::text";
        List<String> expected = source.strings(String.format(query, sourceTable));
        Await.until(table + " equal to " + sourceTable, Duration.ofSeconds(30),
                () -> stringsOnceCreated(String.format(query, table)), expected::equals);
    }

    /** As {@link #strings}, but none while the query fails, e.g. before the sink created its table. */
    List<String> stringsOnceCreated(String sql) {
        try {
            return strings(sql);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** The first column of every row, as strings. */
    List<String> strings(String sql) {
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> result = new ArrayList<>();
            while (rows.next()) {
                result.add(rows.getString(1));
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + sql + ": " + e.getMessage(), e);
        }
    }
}
