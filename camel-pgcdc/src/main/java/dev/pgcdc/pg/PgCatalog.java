package dev.pgcdc.pg;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pgcdc.connect.PgConnector;

/**
 * The one place that asks the database what a table looks like: its columns, its key as the stream sees it, what a
 * publication publishes of it, and how a type is made. The decoder, the snapshot, setup, the preflight and (through
 * the change's table shape) the sink all ask it, so the key of a row is the same wherever it is computed.
 *
 * <p>Over an ordinary JDBC connection: either one it is given (and does not close), or one of its own opened on
 * first use (the replication connection is busy streaming), which {@link #close()} closes.
 */
public final class PgCatalog implements Catalog, AutoCloseable {

    private static final String TYPE = "SELECT t.typname, t.typtype, t.typelem, t.typdelim, t.typbasetype,"
            // the send function's bare name, whatever the search_path (regproc's text would qualify it off the path)
            + " coalesce((SELECT p.proname::text FROM pg_catalog.pg_proc p WHERE p.oid = t.typsend), '-'),"
            + " t.typcategory, t.typrelid"
            + " FROM pg_catalog.pg_type t WHERE t.oid = ?";
    private static final String ATTRIBUTES = "SELECT attname, atttypid FROM pg_catalog.pg_attribute"
            + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

    /** The column's type under any domains, with its element's kind for arrays. */
    private static final String BASE_TYPE = " CROSS JOIN LATERAL (WITH RECURSIVE base(typid, typmod) AS ("
            + "SELECT a.atttypid, a.atttypmod UNION ALL SELECT t.typbasetype, t.typtypmod FROM base"
            + " JOIN pg_catalog.pg_type t ON t.oid = base.typid WHERE t.typtype = 'd')"
            + " SELECT t.typname, t.typtype, t.typcategory, coalesce(e.typtype::text, '') AS elementkind, base.typmod"
            + " FROM base JOIN pg_catalog.pg_type t ON t.oid = base.typid AND t.typtype <> 'd'"
            + " LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A') b";

    private static final Pattern PLANNED_ROWS = Pattern.compile(" rows=(\\d+) ");

    private final PgConnector connector;
    private final String applicationName;
    private Connection connection;
    private int majorVersion;
    /** Its own connection was closed for good: none is opened again. */
    private boolean closed;

    /** A catalog on a connection of its own, opened on first use. */
    public PgCatalog(PgConnector connector, String applicationName) {
        this.connector = connector;
        this.applicationName = applicationName;
    }

    /** A catalog on the caller's connection, which it does not close. */
    public PgCatalog(Connection connection) {
        this.connector = null;
        this.applicationName = null;
        this.connection = connection;
    }

    /**
     * The table's shape, with what {@code publication} publishes of it (null: no publication asked about).
     *
     * @return null if there is no such table
     */
    public TableShape shape(TableName table, String publication) throws SQLException {
        TableShape shape = shapes(List.of(table)).get(table);
        return shape == null || publication == null ? shape : shape.publishedBy(publication(table, publication));
    }

    /** The relation's shape, without publication facts; null if there is no such relation (any more). */
    public TableShape shape(int relationOid) throws SQLException {
        Map<TableName, TableShape> shapes = shapes(" WHERE c.oid = ?",
                ps -> ps.setLong(1, Integer.toUnsignedLong(relationOid)));
        return shapes.isEmpty() ? null : shapes.values().iterator().next();
    }

    /** The shapes of those of the tables that exist, without publication facts, in one query. */
    public Map<TableName, TableShape> shapes(Collection<TableName> tables) throws SQLException {
        if (tables.isEmpty()) {
            return Map.of();
        }
        Connection db = connection();
        Array schemas = db.createArrayOf("text", tables.stream().map(TableName::schema).toArray());
        Array names = db.createArrayOf("text", tables.stream().map(TableName::name).toArray());
        return shapes(" WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest(?::text[], ?::text[]))", ps -> {
            ps.setArray(1, schemas);
            ps.setArray(2, names);
        });
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private Map<TableName, TableShape> shapes(String where, Parameters parameters) throws SQLException {
        int version = majorVersion();
        // a column's position in the primary key and in the replica identity index (key columns only, not INCLUDE)
        String keyPosition = "(SELECT k.n FROM pg_catalog.pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
                + " WHERE i.indrelid = c.oid AND i.%s AND k.attnum = a.attnum"
                + (version >= 11 ? " AND k.n <= i.indnkeyatts" : "") + ")";
        String sql = "SELECT c.oid, n.nspname::text, c.relname::text, c.relreplident::text, c.reltuples::bigint,"
                + " a.attname::text, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                + (version >= 12 ? "a.attgenerated <> ''" : "false") + ", "
                + String.format(keyPosition, "indisprimary") + ", " + String.format(keyPosition, "indisreplident")
                + ", b.typname::text, b.typtype::text, b.typcategory::text, b.elementkind, b.typmod"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + BASE_TYPE + where + " ORDER BY c.oid, a.attnum";
        Map<TableName, TableShape> shapes = new LinkedHashMap<>();
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            parameters.set(ps);
            try (ResultSet rs = ps.executeQuery()) {
                Relation relation = null;
                while (rs.next()) {
                    int oid = (int) rs.getLong(1);
                    if (relation == null || relation.oid != oid) {
                        if (relation != null) {
                            shapes.put(relation.name, relation.shape());
                        }
                        relation = new Relation(oid, new TableName(rs.getString(2), rs.getString(3)),
                                rs.getString(4).charAt(0), rs.getLong(5));
                    }
                    relation.add(rs);
                }
                if (relation != null) {
                    shapes.put(relation.name, relation.shape());
                }
            }
        }
        return shapes;
    }

    /** One relation's rows of the shape query, gathered. */
    private static final class Relation {
        final int oid;
        final TableName name;
        final char identity;
        final long estimate;
        final List<TableShape.Column> columns = new ArrayList<>();
        final TreeMap<Long, String> primaryKey = new TreeMap<>();
        final TreeMap<Long, String> identityIndex = new TreeMap<>();

        Relation(int oid, TableName name, char identity, long estimate) {
            this.oid = oid;
            this.name = name;
            this.identity = identity;
            this.estimate = estimate;
        }

        void add(ResultSet rs) throws SQLException {
            String column = rs.getString(6);
            Object pkPosition = rs.getObject(12);
            Object identityPosition = rs.getObject(13);
            if (pkPosition != null) {
                primaryKey.put(((Number) pkPosition).longValue(), column);
            }
            if (identityPosition != null) {
                identityIndex.put(((Number) identityPosition).longValue(), column);
            }
            boolean flagged = switch (identity) {
                case TableShape.IDENTITY_FULL -> true;
                case TableShape.IDENTITY_NOTHING -> false;
                case TableShape.IDENTITY_INDEX -> identityPosition != null;
                default -> pkPosition != null;
            };
            columns.add(new TableShape.Column(column, (int) rs.getLong(7), rs.getInt(8), rs.getString(9),
                    rs.getBoolean(10), flagged, rs.getBoolean(11), new TableShape.BaseType(rs.getString(14),
                    letter(rs.getString(15)), letter(rs.getString(16)), letter(rs.getString(17)), rs.getInt(18))));
        }

        TableShape shape() {
            List<String> pk = List.copyOf(primaryKey.values());
            List<String> key = identity == TableShape.IDENTITY_INDEX ? List.copyOf(identityIndex.values()) : pk;
            return new TableShape(name, oid, identity, columns, pk, key, null, estimate);
        }
    }

    private TableShape.Publication publication(TableName table, String publication) throws SQLException {
        boolean lists = majorVersion() >= 15;
        try (PreparedStatement ps = connection().prepareStatement("SELECT "
                + (lists ? "attnames::text[], rowfilter" : "NULL::text[], NULL::text")
                + " FROM pg_catalog.pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            ps.setString(1, publication);
            ps.setString(2, table.schema());
            ps.setString(3, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new TableShape.Publication(publication, false, null, null);
                }
                Array names = rs.getArray(1);
                return new TableShape.Publication(publication, true,
                        names == null ? null : Arrays.asList((String[]) names.getArray()), rs.getString(2));
            }
        }
    }

    /**
     * The planner's estimate of the rows {@code SELECT} reads from the table with that condition (null: all rows).
     * Unlike {@code reltuples} it is there for a table never analysed: the planner then scales the table's current
     * size by the rows a page holds.
     */
    public long plannedRows(TableName table, String condition) throws SQLException {
        try (Statement statement = connection().createStatement();
             ResultSet rs = statement.executeQuery("EXPLAIN SELECT 1 FROM " + table.quoted()
                     + (condition == null ? "" : " WHERE (" + condition + ")"))) {
            // the first line is the top plan node: "Seq Scan on t  (cost=0.00..35.50 rows=2550 width=4)"
            Matcher rows = PLANNED_ROWS.matcher(rs.next() ? rs.getString(1) : "");
            if (!rows.find()) {
                throw new SQLException("no row estimate in the plan of " + table);
            }
            return Long.parseLong(rows.group(1));
        }
    }

    /**
     * The rows of a plain table of fewer than {@code maxBlocks} heap blocks that meet the condition (null: all rows),
     * counted; -1 for a larger table or a partitioned one, which counting might read at length.
     */
    public long countedRowsIfSmall(TableName table, String condition, int maxBlocks) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT c.relkind = 'r' AND pg_catalog"
                + ".pg_relation_size(c.oid) < ? * pg_catalog.current_setting('block_size')::bigint"
                + " FROM pg_catalog.pg_class c WHERE c.oid = ?::regclass")) {
            ps.setInt(1, maxBlocks);
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return -1;
                }
            }
        }
        try (Statement statement = connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table.quoted()
                     + (condition == null ? "" : " WHERE (" + condition + ")"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The table's size in heap blocks now, which bounds its ctids; for a partitioned table its largest partition's,
     * as a ctid range on the root applies to every partition.
     */
    public long blocks(TableName table) throws SQLException {
        // pg_partition_tree lists nothing for a table that is not partitioned
        String relations = majorVersion() >= 12
                ? "SELECT t.oid UNION SELECT p.relid FROM pg_catalog.pg_partition_tree(t.oid) p" : "SELECT t.oid";
        try (PreparedStatement ps = connection().prepareStatement("SELECT coalesce(max(pg_catalog.pg_relation_size("
                + "r.relid)), 0) / pg_catalog.current_setting('block_size')::bigint FROM (SELECT ?::regclass AS oid) t"
                + " CROSS JOIN LATERAL (" + relations + ") r(relid)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The tables the publication publishes (partitions or their root, as the publication reports them). */
    public Set<TableName> publishedTables(String publication) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT schemaname::text, tablename::text FROM pg_catalog.pg_publication_tables WHERE pubname = ?"
                        + " ORDER BY 1, 2")) {
            ps.setString(1, publication);
            return tableNames(ps);
        }
    }

    /**
     * The tables the publication publishes that have no replica identity, whose UPDATEs and DELETEs PostgreSQL then
     * rejects: identity NOTHING, or DEFAULT without a primary key.
     */
    public Set<TableName> publishedWithoutIdentity(String publication) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT pt.schemaname::text, pt.tablename::text"
                + " FROM pg_catalog.pg_publication_tables pt"
                + " JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname"
                + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
                + " WHERE pt.pubname = ? AND (c.relreplident = '" + TableShape.IDENTITY_NOTHING + "'"
                + " OR (c.relreplident = '" + TableShape.IDENTITY_DEFAULT + "' AND NOT EXISTS"
                + " (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))"
                + " ORDER BY 1, 2")) {
            ps.setString(1, publication);
            return tableNames(ps);
        }
    }

    /** The tables a query of (schema, table) rows names, in its order. */
    private static Set<TableName> tableNames(PreparedStatement ps) throws SQLException {
        Set<TableName> tables = new LinkedHashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new TableName(rs.getString(1), rs.getString(2)));
            }
        }
        return tables;
    }

    @Override
    public TypeDescription type(int oid) {
        try (PreparedStatement ps = connection().prepareStatement(TYPE)) {
            ps.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                char type = rs.getString(2).charAt(0);
                // typelem is also set for fixed-length types such as point (subscriptable as float8[2]): only the
                // array category makes an array type
                int element = "A".equals(rs.getString(7)) ? (int) rs.getLong(3) : 0;
                List<TypeDescription.Attribute> attributes = type == TypeDescription.COMPOSITE
                        ? attributes(rs.getLong(8)) : List.of();
                return new TypeDescription(oid, rs.getString(1), type, element, rs.getString(4).charAt(0),
                        (int) rs.getLong(5), rs.getString(6), attributes);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up type oid " + Integer.toUnsignedLong(oid) + ": "
                    + e.getMessage(), e);
        }
    }

    private List<TypeDescription.Attribute> attributes(long relationOid) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(ATTRIBUTES)) {
            ps.setLong(1, relationOid);
            try (ResultSet rs = ps.executeQuery()) {
                List<TypeDescription.Attribute> attributes = new ArrayList<>();
                while (rs.next()) {
                    attributes.add(new TypeDescription.Attribute(rs.getString(1), (int) rs.getLong(2)));
                }
                return attributes;
            }
        }
    }

    /** The relation's key as the stream sees it ({@link TableShape#key()}); null if there is no such relation. */
    @Override
    public List<String> primaryKey(int relationOid) {
        try {
            TableShape shape = shape(relationOid);
            return shape == null ? null : shape.key();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up the key of relation oid "
                    + Integer.toUnsignedLong(relationOid) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TableDescription table(String schema, String table) {
        try {
            TableShape shape = shape(new TableName(schema, table), null);
            if (shape == null) {
                return null;
            }
            List<TableDescription.Column> columns = new ArrayList<>();
            for (TableShape.Column column : shape.columns()) {
                columns.add(new TableDescription.Column(column.name(), column.typeOid(), column.typeModifier(),
                        column.identity()));
            }
            return new TableDescription(shape.oid(), shape.replicaIdentity(), columns);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up table " + schema + '.' + table + ": " + e.getMessage(), e);
        }
    }

    private static char letter(String text) {
        return text == null || text.isEmpty() ? 0 : text.charAt(0);
    }

    private int majorVersion() throws SQLException {
        if (majorVersion == 0) {
            majorVersion = connection().getMetaData().getDatabaseMajorVersion();
        }
        return majorVersion;
    }

    private Connection connection() throws SQLException {
        if (closed) {
            throw new IllegalStateException("The " + applicationName + " catalog is closed");
        }
        if (connection == null) {
            Connection opened = connector.openBounded(applicationName);
            // format_type then qualifies every type outside pg_catalog with its schema, so a declared type names
            // the same type on any connection
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

    /** Closes the connection of its own for good, if it has one; a given connection stays open. */
    @Override
    public void close() {
        closed = connector != null;
        reset();
    }

    /** Drops the connection of its own after a failure: the next question opens a new one. */
    public void reset() {
        if (connector != null && connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a catalog connection that is already broken changes nothing
            }
            connection = null;
        }
    }
}
