package dev.pgcdc.stream;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableShape;
import dev.pgcdc.decode.ColumnFilter;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.filter.NamePattern;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.setup.ReplicaIdentity;
import dev.pgcdc.pg.TableName;

/**
 * Checks at start what the change model options need, so that a mistake fails the start with a clear message
 * instead of looping on reconnects: binary mode and messages need PostgreSQL 14; binary mode needs a binary decoder
 * for the type of every published column that is not excluded; no key column may be excluded. Also sets REPLICA
 * IDENTITY FULL on the tables named in {@code replicaIdentityFull} (or says what to run if not allowed).
 */
public final class ChangeModelPreflight {

    private final Connection connection;
    private final String publication;
    private final DecodingOptions decoding;
    private final List<TableName> replicaIdentityFull;

    /**
     * @param publication the publication pgoutput streams, or null for wal2json: it reads no publication, and sends
     *                    messages on every version (its per-column checks happen when a table is first seen)
     */
    public ChangeModelPreflight(Connection connection, String publication, DecodingOptions decoding,
                                List<TableName> replicaIdentityFull) {
        this.connection = connection;
        this.publication = publication;
        this.decoding = decoding;
        this.replicaIdentityFull = replicaIdentityFull;
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
        setReplicaIdentityFull();
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
        if (version < 140000 && (decoding.binary() || decoding.emitMessages())) {
            throw new IllegalArgumentException((decoding.binary() ? "binary=true" : "emitMessages=true")
                    + " needs PostgreSQL 14 or later (pgoutput options binary and messages); the server runs "
                    + version / 10000 + ". Remove the option.");
        }
    }

    private void setReplicaIdentityFull() throws SQLException {
        for (TableName table : replicaIdentityFull) {
            String name = table.quoted();
            String alter = ReplicaIdentity.alterToFull(table);
            TableShape shape = new PgCatalog(connection).shape(table, null);
            if (shape == null) {
                throw new IllegalArgumentException("replicaIdentityFull names " + name + ", which does not exist");
            }
            if (shape.replicaIdentity() == TableShape.IDENTITY_FULL) {
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(alter);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not set REPLICA IDENTITY FULL on " + name + " ("
                        + e.getMessage() + "); the table's owner must run: " + alter + ";", e);
            }
        }
    }

    private void checkPublishedColumns() throws SQLException {
        ColumnFilter columns = decoding.columns();
        List<String> problems = new ArrayList<>();
        PgCatalog catalog = new PgCatalog(connection);
        TypeRegistry types = TypeRegistry.natural(catalog);
        for (TableName table : catalog.publishedTables(publication)) {
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
                } else if (decoding.binary() && !types.hasBinary(column.typeOid())) {
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
