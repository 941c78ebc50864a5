package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.pgcdc.filter.NamePattern;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.TableShape;

/**
 * Checks at start what the change model options need, so that a mistake fails the start with a clear message
 * instead of looping on reconnects: binary mode and messages need PostgreSQL 14; binary mode needs a binary decoder
 * for the type of every published column that is not excluded; no key column may be excluded. The decoder's
 * knowledge comes in through {@link Columns} and {@link Types}, so setup needs nothing of the stream.
 */
public final class ChangeModelPreflight {

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
     * What the tables option selects on the server.
     *
     * @param tables            the tables to capture and publish
     * @param unmatchedPatterns the wildcard patterns that match no existing table
     * @param nothingSelected   why the option selects no table although it names some; null when it selects any,
     *                          or asks for every table
     */
    public record TableSelection(List<TableName> tables, List<String> unmatchedPatterns, String nothingSelected) {
    }

    /**
     * The tables a new publication is created for: the exact names configured, plus the existing tables that match
     * the include patterns (a publication cannot hold a pattern; tables created later must be added to it). An exact
     * name is selected whether it exists or not, so that setup reports a missing one the same way with patterns as
     * without. Without a publication (wal2json) and without includes, every table the filter keeps: an excluded table
     * is not captured, so setup must not ask anything of it.
     *
     * @param viaPublication whether the plugin streams a publication (pgoutput), which without includes is created
     *                       for all tables
     * Include patterns that select no table are said in {@link TableSelection#nothingSelected}: the empty list
     * would mean every table, which only {@code *.*} (or no includes) asks for.
     */
    public static TableSelection tablesToPublish(Connection connection, TableFilter filter, boolean viaPublication)
            throws SQLException {
        if (filter.includePatterns().stream().allMatch(NamePattern::isExact)
                && (viaPublication || !filter.includePatterns().isEmpty())) {
            return new TableSelection(filter.includePatterns().stream().map(NamePattern::table).toList(), List.of(),
                    null);
        }
        List<TableName> tables = new ArrayList<>();
        List<NamePattern> unmatched = new ArrayList<>(filter.includePatterns());
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT schemaname, tablename FROM pg_catalog.pg_tables"
                     + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                if (filter.includes(schema, table)) {
                    tables.add(TableName.of(schema, table));
                }
                unmatched.removeIf(pattern -> pattern.matches(schema, table));
            }
        }
        unmatched.stream().filter(NamePattern::isExact).map(NamePattern::table)
                .filter(table -> filter.includes(table.schema(), table.name())).forEach(tables::add);
        String nothingSelected = null;
        if (tables.isEmpty() && !filter.includePatterns().isEmpty()
                && filter.includePatterns().stream().noneMatch(NamePattern::matchesEverything)) {
            nothingSelected = "The tables option (" + String.join(", ",
                    filter.includePatterns().stream().map(NamePattern::toString).toList()) + ") selects no table: "
                    + (unmatched.isEmpty() ? "excludeTables leaves out every table it matches"
                            : "nothing matched " + String.join(", ", unmatched.stream().map(NamePattern::toString)
                                    .toList())) + ".";
        }
        return new TableSelection(List.copyOf(tables), unmatched.stream().filter(pattern -> !pattern.isExact())
                .map(NamePattern::toString).toList(), nothingSelected);
    }

    /**
     * @param toPublish the tables setup is about to publish, checked with those the publication holds: setup checks
     *                  before it creates or changes the publication
     */
    public void run(Collection<TableName> toPublish) throws SQLException {
        if (publication != null) {
            checkServerVersion();
            checkPublishedColumns(toPublish);
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

    private void checkPublishedColumns(Collection<TableName> toPublish) throws SQLException {
        List<String> problems = new ArrayList<>();
        PgCatalog catalog = new PgCatalog(connection);
        Set<TableName> tables = new LinkedHashSet<>(catalog.publishedTables(publication));
        tables.addAll(toPublish);
        for (TableName table : tables) {
            TableShape shape = catalog.shape(table, publication);
            if (shape == null) {
                continue; // dropped since the publication was read
            }
            for (TableShape.Column column : shape.streamedColumns()) {
                String name = table.schema() + '.' + table.name() + '.' + column.name();
                if (!columns.includes(table.schema(), table.name(), column.name())) {
                    if (shape.key().contains(column.name())) {
                        problems.add("excludeColumns: " + name + " is a key column and cannot be excluded");
                    }
                } else if (binary && !types.hasBinary(column.typeOid())) {
                    problems.add("binary=true: " + name + " has type " + types.typeName(column.typeOid())
                            + ", whose binary form pgcdc cannot decode; use binary=false (or exclude the column)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Publication " + publication + ": " + String.join("; ", problems));
        }
    }
}
