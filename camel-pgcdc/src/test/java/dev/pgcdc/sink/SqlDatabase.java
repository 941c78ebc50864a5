package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers for a target database in tests (PostgreSQL or MariaDB). */
final class SqlDatabase {

    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;

    SqlDatabase(Connector connector) {
        this.connector = connector;
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
