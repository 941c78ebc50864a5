package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

/**
 * One table as the connecting role sees it. When the table does not exist, only {@code schemaExists} and
 * {@code createOnSchema} carry information.
 *
 * @param owned    the role owns it or is a member of its owner: what publishing it and altering it require
 * @param privileged holds every privilege the connector needs on it: those of a {@link ConnectorTable}; true for
 *                   a captured table, whose SELECT is {@code canSelect}
 * @param usageOnSchema the role has USAGE on the table's schema, without which no privilege on the table helps: every
 *                      statement naming the table fails with "permission denied for schema"
 */
public record TableFacts(TableName name, boolean exists, boolean schemaExists, boolean createOnSchema, boolean owned,
        boolean canSelect, boolean privileged, boolean hasPrimaryKey, ReplicaIdentity replicaIdentity,
        boolean usageOnSchema) {

    /** A table that does not exist (yet). */
    public static TableFacts missing(TableName name, boolean schemaExists, boolean createOnSchema,
                                     boolean usageOnSchema) {
        return new TableFacts(name, false, schemaExists, createOnSchema, false, false, false, false,
                ReplicaIdentity.DEFAULT, usageOnSchema);
    }

    /**
     * Whether UPDATE and DELETE can be published: PostgreSQL rejects them on a published table whose replica
     * identity is NOTHING, or DEFAULT without a primary key.
     */
    public boolean hasUsableReplicaIdentity() {
        return switch (replicaIdentity) {
            case FULL, INDEX -> true;
            case DEFAULT -> hasPrimaryKey;
            case NOTHING -> false;
        };
    }
}
