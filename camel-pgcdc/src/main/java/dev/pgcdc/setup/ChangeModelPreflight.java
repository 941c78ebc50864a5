package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.filter.NamePattern;
import dev.pgcdc.filter.TableFilter;

/**
 * Checks at start what the change model options need, so that a mistake fails the start with a clear message
 * instead of looping on reconnects: binary mode and messages need PostgreSQL 14; binary mode needs a binary decoder
 * for the type of every published column that is not excluded; no key column may be excluded. The decoder's
 * knowledge comes in through {@link Columns} and {@link Types}, so setup needs nothing of the stream.
 */
public final class ChangeModelPreflight {

    /** Every published column with whether it belongs to the primary key (or replica identity index). */
    private static final String PUBLISHED_COLUMNS = "SELECT n.nspname, c.relname, a.attname, a.atttypid,"
            + " EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid"
            + "   AND (i.indisprimary OR i.indisreplident) AND a.attnum = ANY (i.indkey))"
            + " FROM pg_catalog.pg_publication_tables pt"
            + " JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname"
            + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " WHERE pt.pubname = ? ORDER BY 1, 2, a.attnum";

    /** Which columns the change model keeps (option excludeColumns). */
    @FunctionalInterface
    public interface Columns {
        boolean includes(String schema, String table, String column);
    }

    /** What the decoder knows of a type. */
    public interface Types {
        /** Whether binary mode can decode values of the type. */
        boolean hasBinary(int oid);

        String typeName(int oid);
    }

    private final Connection connection;
    private final String publication;
    private final boolean binary;
    private final boolean emitMessages;
    private final Columns columns;
    private final Types types;

    /**
     * @param publication the publication pgoutput streams, or null for wal2json: it reads no publication, and sends
     *                    messages on every version (its per-column checks happen when a table is first seen)
     * @param types       asked only in binary mode
     */
    public ChangeModelPreflight(Connection connection, String publication, boolean binary, boolean emitMessages,
                                Columns columns, Types types) {
        this.connection = connection;
        this.publication = publication;
        this.binary = binary;
        this.emitMessages = emitMessages;
        this.columns = columns;
        this.types = types;
    }

    /**
     * The tables a new publication is created for: the exact names configured, plus the existing tables that match
     * the include patterns (a publication cannot hold a pattern; tables created later must be added to it). Without
     * a publication (wal2json) and without includes, every table the filter keeps: an excluded table is not captured,
     * so setup must not ask anything of it.
     *
     * @param viaPublication whether the plugin streams a publication (pgoutput), which without includes is created
     *                       for all tables
     */
    public static List<TableName> tablesToPublish(Connection connection, TableFilter filter, boolean viaPublication)
            throws SQLException {
        if (filter.includePatterns().stream().allMatch(NamePattern::isExact)
                && (viaPublication || !filter.includePatterns().isEmpty())) {
            return filter.includePatterns().stream().map(NamePattern::table).toList();
        }
        List<TableName> tables = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT schemaname, tablename FROM pg_catalog.pg_tables"
                     + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
            while (rs.next()) {
                if (filter.includes(rs.getString(1), rs.getString(2))) {
                    tables.add(TableName.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return tables;
    }

    public void run() throws SQLException {
        if (publication != null) {
            checkServerVersion();
            checkPublishedColumns();
        }
    }

    private void checkServerVersion() throws SQLException {
        int version;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            version = rs.getInt(1);
        }
        if (version < 140000 && (binary || emitMessages)) {
            throw new IllegalArgumentException((binary ? "binary=true" : "emitMessages=true")
                    + " needs PostgreSQL 14 or later (pgoutput options binary and messages); the server runs "
                    + version / 10000 + ". Remove the option.");
        }
    }

    private void checkPublishedColumns() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PUBLISHED_COLUMNS)) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(1);
                    String table = rs.getString(2);
                    String column = rs.getString(3);
                    int typeOid = (int) rs.getLong(4);
                    String name = schema + '.' + table + '.' + column;
                    if (!columns.includes(schema, table, column)) {
                        if (rs.getBoolean(5)) {
                            problems.add("excludeColumns: " + name + " is a key column and cannot be excluded");
                        }
                    } else if (binary && !types.hasBinary(typeOid)) {
                        problems.add("binary=true: " + name + " has type " + types.typeName(typeOid)
                                + ", whose binary form pgcdc cannot decode; use binary=false (or exclude the column)");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Publication " + publication + ": " + String.join("; ", problems));
        }
    }
}
