package dev.pgcdc.decode;

import dev.pgcdc.event.ColumnNames;

import java.util.ArrayList;
import java.util.List;

/**
 * A table as the server last described it in a Relation message: sent before the first change of a
 * relation in a session and again after its schema changed.
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
    private final int[] keyPositions;
    private final ColumnNames keyNames;

    public RelationInfo(int oid, String schema, String table, char replicaIdentity, List<ColumnInfo> columns) {
        this.oid = oid;
        this.schema = schema;
        this.table = table;
        this.replicaIdentity = replicaIdentity;
        this.columns = List.copyOf(columns);
        List<String> names = new ArrayList<>(columns.size());
        List<String> keys = new ArrayList<>();
        for (ColumnInfo column : columns) {
            names.add(column.getName());
            if (column.isKey()) {
                keys.add(column.getName());
            }
        }
        this.columnNames = ColumnNames.of(names);
        this.keyNames = ColumnNames.of(keys);
        this.keyPositions = new int[keys.size()];
        for (int i = 0, k = 0; i < columns.size(); i++) {
            if (columns.get(i).isKey()) {
                keyPositions[k++] = i;
            }
        }
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

    public List<ColumnInfo> getColumns() {
        return columns;
    }

    /** All column names, shared by every row map of this relation. */
    public ColumnNames columnNames() {
        return columnNames;
    }

    /** The key column names, shared by every key map of this relation. */
    public ColumnNames keyNames() {
        return keyNames;
    }

    int[] keyPositions() {
        return keyPositions;
    }

    @Override
    public String toString() {
        return schema + '.' + table + "(oid " + Integer.toUnsignedLong(oid) + ", replica identity " + replicaIdentity
                + ", " + columns + ')';
    }
}
