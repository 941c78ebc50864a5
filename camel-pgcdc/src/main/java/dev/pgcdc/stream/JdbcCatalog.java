package dev.pgcdc.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.decode.Catalog;
import dev.pgcdc.decode.TableDescription;
import dev.pgcdc.decode.value.TypeDescription;

/**
 * The decoder's {@link Catalog} over an ordinary JDBC connection of its own (the replication connection is busy
 * streaming), opened on first use and kept for the session. Queried only when a Relation message names a table
 * under REPLICA IDENTITY FULL/NOTHING, a type the decoder does not know, or (wal2json) a table's first change or
 * altered columns, so a handful of times per session.
 */
public final class JdbcCatalog implements Catalog, AutoCloseable {

    private static final String TYPE = "SELECT t.typname, t.typtype, t.typelem, t.typdelim, t.typbasetype,"
            + " t.typsend::regproc::text, t.typcategory, t.typrelid"
            + " FROM pg_catalog.pg_type t WHERE t.oid = ?";
    private static final String ATTRIBUTES = "SELECT attname, atttypid FROM pg_catalog.pg_attribute"
            + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
    /**
     * The primary key, else the replica identity index, columns in index order; one row with a null name if the
     * relation has neither, no row if there is no such relation.
     */
    private static final String KEY = "SELECT k.attname FROM pg_catalog.pg_class c LEFT JOIN LATERAL ("
            + "SELECT a.attname, k.n FROM pg_catalog.pg_index i"
            + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + " WHERE i.indexrelid = (SELECT x.indexrelid FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid"
            + " AND (x.indisprimary OR x.indisreplident) ORDER BY x.indisprimary DESC LIMIT 1)) k ON true"
            + " WHERE c.oid = ? ORDER BY k.n";

    /**
     * A table's columns with their replica identity flag as pgoutput sets it: every column under FULL, none under
     * NOTHING, else the columns of the primary key (DEFAULT) or of the replica identity index (INDEX).
     */
    private static final String TABLE = "SELECT c.oid, c.relreplident::text, a.attname, a.atttypid, a.atttypmod,"
            + " CASE c.relreplident WHEN 'f' THEN true WHEN 'n' THEN false"
            + " ELSE EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid"
            + "   AND CASE c.relreplident WHEN 'd' THEN i.indisprimary ELSE i.indisreplident END"
            + "   AND a.attnum = ANY (i.indkey)) END"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " WHERE n.nspname = ? AND c.relname = ? ORDER BY a.attnum";

    private final PgConnector connector;
    private final String applicationName;
    private Connection connection;

    public JdbcCatalog(PgConnector connector, String applicationName) {
        this.connector = connector;
        this.applicationName = applicationName;
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

    @Override
    public List<String> primaryKey(int relationOid) {
        try (PreparedStatement ps = connection().prepareStatement(KEY)) {
            ps.setLong(1, Integer.toUnsignedLong(relationOid));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> columns = new ArrayList<>();
                do {
                    if (rs.getString(1) != null) {
                        columns.add(rs.getString(1));
                    }
                } while (rs.next());
                return columns;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up the primary key of relation oid "
                    + Integer.toUnsignedLong(relationOid) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TableDescription table(String schema, String table) {
        try (PreparedStatement ps = connection().prepareStatement(TABLE)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                int oid = 0;
                char identity = 0;
                List<TableDescription.Column> columns = new ArrayList<>();
                while (rs.next()) {
                    oid = (int) rs.getLong(1);
                    identity = rs.getString(2).charAt(0);
                    columns.add(new TableDescription.Column(rs.getString(3), (int) rs.getLong(4), rs.getInt(5),
                            rs.getBoolean(6)));
                }
                return columns.isEmpty() ? null : new TableDescription(oid, identity, columns);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up table " + schema + '.' + table + ": " + e.getMessage(), e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = connector.openBounded(applicationName);
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a catalog connection that is already broken changes nothing
            }
            connection = null;
        }
    }
}
