package dev.pgcdc.snapshot;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.decode.ColumnFilter;
import dev.pgcdc.decode.value.TextDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.filter.TableFilter;

import dev.pgcdc.setup.TableName;
import dev.pgcdc.stream.JdbcCatalog;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads from the catalog which tables a publication holds and how the snapshot reads each of them. */
final class TableCatalog {

    private final PgConnector connector;
    private final Connection connection;
    private final boolean rawText;
    private final String publication;
    private final TableFilter tables;
    private final ColumnFilter columns;

    /** Only what the route would see: tables the filter includes, columns not excluded. */
    TableCatalog(PgConnector connector, Connection connection, SnapshotOptions options) {
        this.connector = connector;
        this.connection = connection;
        this.rawText = options.rawText();
        this.publication = options.publication();
        this.tables = options.tables();
        this.columns = options.columns();
    }

    /** The tables the publication publishes (partitions or their root, as the publication reports them). */
    Set<TableName> publishedTables() throws SQLException {
        Set<TableName> tables = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT schemaname::text, tablename::text FROM pg_catalog.pg_publication_tables WHERE pubname = ?"
                        + " ORDER BY 1, 2")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (this.tables.includes(rs.getString(1), rs.getString(2))) {
                        tables.add(new TableName(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return tables;
    }

    /**
     * The published columns in attribute order (what pgoutput sends: no dropped or generated columns, and only the
     * publication's column list on PostgreSQL 15+) and the primary key.
     *
     * @throws IllegalArgumentException if the table does not exist or has no primary key
     */
    TableLayout layout(TableName table) throws SQLException {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        Set<String> published = version >= 15 ? publishedColumns(table) : null;
        List<String> names = new ArrayList<>();
        List<Integer> oids = new ArrayList<>();
        List<KeyColumn> key = new ArrayList<>();
        long estimate = 0;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT a.attname::text, a.atttypid::int, format_type(a.atttypid, a.atttypmod),"
                        + " array_position(i.indkey::int2[], a.attnum), c.reltuples::bigint"
                        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                        + " LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary"
                        + " WHERE c.oid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                        + (version >= 12 ? " AND a.attgenerated = ''" : "") + " ORDER BY a.attnum")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    estimate = rs.getLong(5);
                    if ((published != null && !published.contains(name))
                            || !columns.includes(table.schema(), table.name(), name)) {
                        continue;
                    }
                    Object indexPosition = rs.getObject(4);
                    if (indexPosition != null) {
                        key.add(new KeyColumn(((Number) indexPosition).intValue(), name, names.size(), rs.getString(3)));
                    }
                    names.add(name);
                    oids.add(rs.getInt(2));
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " does not exist or has no columns to snapshot");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " has no primary key (or its key is not published),"
                    + " so it cannot be snapshotted: the snapshot reads in primary key order and matches rows with"
                    + " the stream by key. Add a primary key, or list the table in skipSnapshotTables to only"
                    + " stream it.");
        }
        // chunks are read in the order of the primary key index, so the key columns are kept in that order
        key.sort(Comparator.comparingInt(KeyColumn::indexPosition));
        return new TableLayout(table, names, decoders(oids),
                key.stream().map(KeyColumn::name).toList(),
                key.stream().mapToInt(KeyColumn::position).toArray(),
                key.stream().map(KeyColumn::sqlType).toList(), estimate);
    }

    /**
     * The stream's decoder for each column type, resolved now: arrays, domains, enums and composites through the
     * catalog (on a connection of its own, opened only if such a type occurs), as the stream resolves them.
     */
    private TextDecoder[] decoders(List<Integer> oids) {
        try (JdbcCatalog catalog = new JdbcCatalog(connector, "pgcdc snapshot types")) {
            TypeRegistry types = rawText ? TypeRegistry.rawText() : TypeRegistry.natural(catalog);
            return oids.stream().map(types::textDecoder).toArray(TextDecoder[]::new);
        }
    }

    private record KeyColumn(int indexPosition, String name, int position, String sqlType) {
    }

    /** The columns of the publication's column list (all columns when it has none). */
    private Set<String> publishedColumns(TableName table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT attnames::text[] FROM"
                + " pg_catalog.pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            ps.setString(1, publication);
            ps.setString(2, table.schema());
            ps.setString(3, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("Table " + table + " is not in publication " + publication);
                }
                Array names = rs.getArray(1);
                return names == null ? null : new HashSet<>(Arrays.asList((String[]) names.getArray()));
            }
        }
    }
}
