package dev.pgcdc.pg;

import java.util.List;

/**
 * A table as the catalog describes it now, for plugins whose stream does not describe relations (wal2json).
 *
 * @param replicaIdentity one of the {@code RelationInfo.IDENTITY_*} codes ({@code pg_class.relreplident})
 */
public record TableDescription(int oid, char replicaIdentity, List<Column> columns) {

    /**
     * @param identity whether the column belongs to the replica identity (under FULL: every column), as pgoutput
     *                 flags it
     */
    public record Column(String name, int typeOid, int typeModifier, boolean identity) {
    }

    public TableDescription {
        columns = List.copyOf(columns);
    }
}
