package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.decode.ColumnFilter;
import dev.pgcdc.setup.TableName;

/**
 * Describes source tables from the source's pg_catalog, over an ordinary JDBC session opened like the consumer's own
 * (same TLS and SSH settings), lazily, and kept for later tables. Used only on the sink's writer thread.
 */
final class SourceCatalog implements AutoCloseable {

    /**
     * Columns in attnum order with the type under any domains (a domain's typmod is on its pg_type row). The session's
     * search_path is pg_catalog only, so format_type qualifies every other type with its schema.
     */
    private static final String COLUMNS = """
            WITH RECURSIVE cols AS (
              SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS declared, a.attnotnull,
                     a.atttypid AS typid, a.atttypmod AS typmod
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped%s
            ), base AS (
              SELECT attnum, typid, typmod FROM cols
              UNION ALL
              SELECT b.attnum, t.typbasetype, t.typtypmod FROM base b JOIN pg_type t ON t.oid = b.typid
              WHERE t.typtype = 'd'
            )
            SELECT c.attname, c.declared, c.attnotnull, t.typname, t.typtype, t.typcategory,
                   coalesce(e.typtype, ''), b.typmod
            FROM cols c JOIN base b ON b.attnum = c.attnum JOIN pg_type t ON t.oid = b.typid AND t.typtype <> 'd'
            LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
            ORDER BY c.attnum""";

    /** The replica identity index when the table names one, else the primary key, in index column order. */
    private static final String IDENTITY_KEY = """
            SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE n.nspname = ? AND c.relname = ?
              AND CASE WHEN c.relreplident = 'i' THEN i.indisreplident ELSE i.indisprimary END
            ORDER BY k.position""";

    private final ConnectionSettings settings;
    private final ColumnFilter streamed;
    private final String applicationName;
    private PgConnector connector;
    private Connection connection;

    /** @param streamed the columns the consumer sends (its excludeColumns) */
    SourceCatalog(ConnectionSettings settings, ColumnFilter streamed, String applicationName) {
        this.settings = settings;
        this.streamed = streamed;
        this.applicationName = applicationName;
    }

    /** The table's columns; a kept session that fails is replaced once, since it may just have gone stale. */
    SourceTable describe(TableName table) throws SQLException {
        boolean reused = connection != null;
        try {
            return read(connection(), table);
        } catch (SQLException e) {
            close();
            if (!reused) {
                throw e;
            }
            try {
                return read(connection(), table);
            } catch (SQLException again) {
                close();
                throw again;
            }
        }
    }

    /**
     * The columns the stream carries: not generated ones (pgoutput does not send them) nor those the consumer's
     * excludeColumns leaves out.
     */
    private SourceTable read(Connection connection, TableName table) throws SQLException {
        List<SourceTable.Column> columns = new ArrayList<>();
        boolean generatedColumns = connection.getMetaData().getDatabaseMajorVersion() >= 12;
        String notGenerated = generatedColumns ? " AND a.attgenerated = ''" : "";
        try (PreparedStatement statement = connection.prepareStatement(String.format(COLUMNS, notGenerated))) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (!streamed.includes(table.schema(), table.name(), rows.getString(1))) {
                        continue;
                    }
                    columns.add(new SourceTable.Column(rows.getString(1), rows.getString(2), rows.getBoolean(3),
                            rows.getString(4), letter(rows.getString(5)), letter(rows.getString(6)),
                            letter(rows.getString(7)), rows.getInt(8)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SinkException("Source table " + table + " was not found in the source catalog (dropped or"
                    + " renamed since the change was written?): its target table cannot be created");
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(IDENTITY_KEY)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        return new SourceTable(table, List.copyOf(columns), List.copyOf(key));
    }

    private static char letter(String text) {
        return text == null || text.isEmpty() ? 0 : text.charAt(0);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            if (connector == null) {
                connector = new PgConnector(settings);
            }
            Connection opened = connector.openJdbc(applicationName);
            try (Statement statement = opened.createStatement()) {
                statement.execute("SET search_path = pg_catalog");
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // the session is being dropped anyway
        } finally {
            connection = null;
            if (connector != null) {
                connector.close();
                connector = null;
            }
        }
    }
}
