package dev.pgcdc.setup;

/**
 * The connecting role's capabilities that decide what the connector may do itself.
 *
 * @param rdsReplicationRoleExists an RDS/Aurora-style server: replication is granted through role
 *                                 {@code rds_replication}, since {@code ALTER ROLE ... REPLICATION} is not allowed there
 */
public record UserFacts(String name, boolean superuser, boolean replication, boolean canLogin,
        boolean createOnDatabase, boolean rdsReplicationRoleExists, boolean rdsReplicationMember) {

    /** May open a replication connection and create logical slots. */
    public boolean canReplicate() {
        return superuser || replication || rdsReplicationMember;
    }
}
