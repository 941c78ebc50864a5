package dev.pgcdc.setup;

/**
 * One table as the connecting role sees it. When the table does not exist, only {@code schemaExists} and
 * {@code createOnSchema} carry information.
 *
 * @param owned    the role owns it or is a member of its owner: what publishing it and altering it require
 * @param canWrite INSERT and UPDATE, which writing heartbeats needs
 */
public record TableFacts(TableName name, boolean exists, boolean schemaExists, boolean createOnSchema, boolean owned,
        boolean canSelect, boolean canWrite, boolean hasPrimaryKey, ReplicaIdentity replicaIdentity) {

    /** A table that does not exist (yet). */
    public static TableFacts missing(TableName name, boolean schemaExists, boolean createOnSchema) {
        return new TableFacts(name, false, schemaExists, createOnSchema, false, false, false, false,
                ReplicaIdentity.DEFAULT);
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
