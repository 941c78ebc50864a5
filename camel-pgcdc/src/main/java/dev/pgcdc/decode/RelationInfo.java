package dev.pgcdc.decode;

import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.pg.Catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A table as the server last described it in a Relation message (sent before the first change of a relation in a
 * session and again after any invalidation of the server's cache entry for it: a schema change, but also an ANALYZE),
 * with what the decoder resolved for it: the event key and the columns left after exclusion.
 */
public final class RelationInfo {

    /** {@code pg_class.relreplident} values. */
    public static final char IDENTITY_DEFAULT = 'd';
    public static final char IDENTITY_NOTHING = 'n';
    public static final char IDENTITY_FULL = 'f';
    public static final char IDENTITY_INDEX = 'i';

    private final int oid;
    private final String schema;
    private final String table;
    private final char replicaIdentity;
    private final List<ColumnInfo> columns;
    private final ColumnNames columnNames;
    private final boolean[] kept;
    private final Projection keptColumns;
    private final Projection key;
    private final Projection identity;

    /** Positions of some columns and their names, shared by every map built from them. */
    public record Projection(int[] positions, ColumnNames names) {
    }

    /**
     * @param keyColumns the event key's columns (resolved primary key, or the server's identity columns), or null if
     *                   the key the table had when its changes were made cannot be known
     * @param excluded   columns to leave out of every map; none may be in {@code keyColumns}
     * @throws IllegalArgumentException if a key column is excluded
     */
    RelationInfo(int oid, String schema, String table, char replicaIdentity, List<ColumnInfo> columns,
                 Collection<String> keyColumns, Collection<String> excluded) {
        this.oid = oid;
        this.schema = schema;
        this.table = table;
        this.replicaIdentity = replicaIdentity;
        this.columns = List.copyOf(columns);
        List<String> names = new ArrayList<>(columns.size());
        this.kept = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).getName();
            names.add(name);
            kept[i] = !excluded.contains(name);
            if (!kept[i] && keyColumns != null && keyColumns.contains(name)) {
                throw new IllegalArgumentException("Column " + schema + '.' + table + '.' + name + " is part of the"
                        + " key of " + schema + '.' + table + " and cannot be excluded: remove it from excludeColumns");
            }
        }
        this.columnNames = ColumnNames.of(names);
        this.keptColumns = project(i -> kept[i]);
        this.key = keyColumns == null ? null : project(i -> keyColumns.contains(this.columns.get(i).getName()));
        this.identity = project(i -> kept[i] && this.columns.get(i).isKey());
    }

    /**
     * A relation as a decoder learned it (pgoutput: a Relation message; wal2json: the catalog), with the event key
     * resolved: the identity columns the server flags, except under REPLICA IDENTITY FULL (every column flagged) and
     * NOTHING, where the catalog names the primary key (or replica identity index) by the relation's OID. The
     * catalog answers for today, so its key counts only if every one of its columns is among the relation's: a table
     * dropped since (no answer) or whose key columns were renamed leaves the key unknown (null), never silently the
     * whole row. A table the catalog shows without such a key keeps the flagged columns (FULL: the whole row, which
     * is then its identity).
     *
     * @throws IllegalArgumentException if the column filter excludes a key column
     */
    public static RelationInfo resolve(int oid, String schema, String table, char replicaIdentity,
                                       List<ColumnInfo> columns, Catalog catalog, ColumnFilter columnFilter) {
        List<String> identityColumns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ColumnInfo column : columns) {
            names.add(column.getName());
            if (column.isKey()) {
                identityColumns.add(column.getName());
            }
        }
        List<String> key = identityColumns;
        if (replicaIdentity == IDENTITY_FULL || replicaIdentity == IDENTITY_NOTHING) {
            List<String> primaryKey = catalog.primaryKey(oid);
            key = primaryKey == null || !names.containsAll(primaryKey) ? null
                    : primaryKey.isEmpty() ? identityColumns : primaryKey;
        }
        return withKey(oid, schema, table, replicaIdentity, columns, key, columnFilter);
    }

    /**
     * A relation whose event key is known otherwise (or null: unknown).
     *
     * @throws IllegalArgumentException if the column filter excludes a key column
     */
    public static RelationInfo withKey(int oid, String schema, String table, char replicaIdentity,
                                       List<ColumnInfo> columns, List<String> key, ColumnFilter columnFilter) {
        List<String> excluded = new ArrayList<>();
        for (ColumnInfo column : columns) {
            if (!columnFilter.includes(schema, table, column.getName())) {
                excluded.add(column.getName());
            }
        }
        return new RelationInfo(oid, schema, table, replicaIdentity, columns, key, excluded);
    }

    private Projection project(IntPredicate include) {
        List<String> names = new ArrayList<>();
        int[] positions = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            if (include.test(i)) {
                positions[names.size()] = i;
                names.add(columns.get(i).getName());
            }
        }
        return new Projection(Arrays.copyOf(positions, names.size()), ColumnNames.of(names));
    }

    /** The relation's OID (unsigned; compare with {@code Integer.toUnsignedLong}). */
    public int getOid() {
        return oid;
    }

    public String getSchema() {
        return schema;
    }

    public String getTable() {
        return table;
    }

    /** One of the {@code IDENTITY_*} constants. */
    public char getReplicaIdentity() {
        return replicaIdentity;
    }

    /** Every column the server described, excluded ones included. */
    public List<ColumnInfo> getColumns() {
        return columns;
    }

    /** All column names, excluded ones included. */
    public ColumnNames columnNames() {
        return columnNames;
    }

    /**
     * The event key's column names, shared by every key map of this relation; null if the key the table had when
     * its changes were made cannot be known (see {@link #resolve}).
     */
    public ColumnNames keyNames() {
        return key == null ? null : key.names();
    }

    /** Whether the same columns, in the same order and with the same types, as {@code other}. */
    public boolean sameColumns(RelationInfo other) {
        if (other.columns.size() != columns.size()) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo a = columns.get(i);
            ColumnInfo b = other.columns.get(i);
            if (!a.getName().equals(b.getName()) || a.getTypeOid() != b.getTypeOid()
                    || a.getTypeModifier() != b.getTypeModifier()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code other} describes this relation exactly as this does: the same names, replica identity and
     * columns (with equal codecs: a type the server described again, as it does before each Relation message for a
     * type that is not built in, is resolved again into a codec of its own), and the same key and excluded columns.
     */
    public boolean describesSame(RelationInfo other) {
        if (other.oid != oid || !other.schema.equals(schema) || !other.table.equals(table)
                || other.replicaIdentity != replicaIdentity || !sameColumns(other)
                || !Arrays.equals(other.kept, kept) || (other.key == null) != (key == null)
                || key != null && !Arrays.equals(other.key.positions(), key.positions())) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).isKey() != other.columns.get(i).isKey()
                    || !columns.get(i).codec().equals(other.columns.get(i).codec())) {
                return false;
            }
        }
        return true;
    }

    public boolean isKept(int position) {
        return kept[position];
    }

    public Projection keptColumns() {
        return keptColumns;
    }

    /** The event key's columns, or null if unknown. */
    public Projection key() {
        return key;
    }

    /** The replica identity columns the server sends in an old key ('K'), less excluded ones. */
    public Projection identity() {
        return identity;
    }

    @Override
    public String toString() {
        return schema + '.' + table + "(oid " + Integer.toUnsignedLong(oid) + ", replica identity " + replicaIdentity
                + ", " + columns + ')';
    }
}
