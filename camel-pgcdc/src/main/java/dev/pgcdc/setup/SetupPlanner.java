package dev.pgcdc.setup;

import static dev.pgcdc.sql.Identifiers.quote;
import static dev.pgcdc.sql.Identifiers.quoteLiteral;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides, from the facts alone, which statements are still needed and who must run each. A pure function: the
 * same facts give the same plan, and a server that is fully set up gives an empty one.
 *
 * <p>An administrator's statement must never depend on one the connector has not run yet (in validate and plan
 * mode the connector runs nothing), so a statement and what it builds on share their actor: the heartbeat table is
 * created by whoever puts it into the publication, and a table whose replica identity an administrator must fix
 * is published by the administrator too, after the fix, so its UPDATEs and DELETEs never fail in between.
 */
public final class SetupPlanner {

    private final ServerFacts facts;
    private final SetupRequest request;
    private final UserFacts user;
    private final ConnectorRights rights;
    private final List<TableFacts> published;
    private final List<PlannedStatement> statements = new ArrayList<>();

    private SetupPlanner(ServerFacts facts, SetupRequest request) {
        this.facts = facts;
        this.request = request;
        this.user = facts.user();
        this.rights = new ConnectorRights(facts, request);
        this.published = rights.tablesToPublish();
    }

    public static SetupPlan plan(ServerFacts facts, SetupRequest request) {
        return new SetupPlanner(facts, request).plan();
    }

    private SetupPlan plan() {
        Preflight preflight = new Preflight(facts, request);
        planRole();
        planTableAccess();
        planReplicaIdentity();
        planHeartbeatAndPublication();
        // last: pgoutput decodes each change with the catalog of its time, and fails on changes made while the
        // slot existed but the publication did not yet
        planSlotByAdministrator();
        return new SetupPlan(request, facts, rights.model(), statements, preflight.blockers(), preflight.warnings());
    }

    private void planRole() {
        String role = quote(user.name());
        if (!user.canLogin()) {
            statements.add(PlannedStatement.byAdministrator("ALTER ROLE " + role + " LOGIN",
                    "Role " + user.name() + " cannot log in, and replication connections must log in."));
        }
        if (user.canReplicate()) {
            return;
        }
        if (user.rdsReplicationRoleExists()) {
            statements.add(PlannedStatement.byAdministrator("GRANT rds_replication TO " + role,
                    "Role " + user.name() + " needs replication rights to create and read the slot; on this"
                            + " (RDS/Aurora-style) server they come with membership in rds_replication."));
        } else {
            statements.add(PlannedStatement.byAdministrator("ALTER ROLE " + role + " REPLICATION",
                    "Role " + user.name() + " lacks the REPLICATION attribute it needs to create and read the"
                            + " replication slot."));
        }
    }

    private void planTableAccess() {
        for (TableFacts table : facts.existingTables()) {
            if (!table.canSelect()) {
                statements.add(PlannedStatement.byAdministrator(
                        "GRANT SELECT ON " + table.name().quoted() + " TO " + quote(user.name()),
                        "Role " + user.name() + " cannot read " + table.name() + ", which the initial snapshot"
                                + " copies."));
            }
        }
    }

    private void planReplicaIdentity() {
        for (TableFacts table : facts.existingTables()) {
            if (!table.hasUsableReplicaIdentity()) {
                statements.add(PlannedStatement.byAdministrator(
                        "ALTER TABLE " + table.name().quoted() + " REPLICA IDENTITY FULL",
                        missingIdentityConsequence(table) + " REPLICA IDENTITY FULL fixes this by logging the whole"
                                + " old row (more WAL per change); adding a primary key is the leaner fix."
                                + " Or leave the table out."));
            }
        }
    }

    private String missingIdentityConsequence(TableFacts table) {
        String problem = "Table " + table.name() + " has no primary key or other replica identity: ";
        if (request.usesPublication()) {
            return problem + "once it is published, PostgreSQL rejects every UPDATE and DELETE on it (\"cannot"
                    + " update table because it does not have a replica identity and publishes updates\").";
        }
        return problem + "its updates and deletes reach the stream without the old key, so consumers cannot tell"
                + " which row changed.";
    }

    private void planHeartbeatAndPublication() {
        if (!request.usesPublication()) {
            planHeartbeat(rights.mayCreateHeartbeat());
        } else if (facts.publication() == null) {
            boolean connectorCreates = rights.mayCreatePublication();
            planHeartbeat(connectorCreates);
            statements.add(PlannedStatement.by(connectorCreates, createPublicationSql(),
                    "Publication " + request.publicationName() + " does not exist; pgoutput streams only what it"
                            + " publishes."));
        } else {
            PublicationFacts publication = facts.publication();
            TableFacts heartbeat = facts.heartbeatTable();
            boolean heartbeatAddedToPublication = rights.heartbeatToCreate() && !publication.covers(heartbeat.name());
            planHeartbeat(heartbeatAddedToPublication ? rights.mayAddToPublication(heartbeat)
                    : rights.mayCreateHeartbeat());
            for (TableFacts table : published) {
                if (!publication.covers(table.name())) {
                    statements.add(PlannedStatement.by(rights.mayAddToPublication(table),
                            "ALTER PUBLICATION " + quote(publication.name()) + " ADD TABLE " + table.name().quoted(),
                            "Publication " + publication.name() + " does not publish " + table.name()
                                    + ", so its changes would never arrive."));
                }
            }
        }
    }

    private void planHeartbeat(boolean byConnector) {
        TableFacts heartbeat = facts.heartbeatTable();
        if (heartbeat == null || !heartbeat.schemaExists()) {
            return;
        }
        if (rights.heartbeatToCreate()) {
            statements.add(PlannedStatement.by(byConnector,
                    "CREATE TABLE " + heartbeat.name().quoted()
                            + " (slot_name text PRIMARY KEY, beat timestamptz NOT NULL DEFAULT now())",
                    "pgcdc writes a row here now and then so that the slot advances even when the captured tables"
                            + " are idle, and the server can release WAL."));
        }
        boolean writableAfterPlan = heartbeat.exists() ? heartbeat.canWrite() : byConnector;
        if (!writableAfterPlan) {
            statements.add(PlannedStatement.byAdministrator(
                    "GRANT SELECT, INSERT, UPDATE ON " + heartbeat.name().quoted() + " TO " + quote(user.name()),
                    "Role " + user.name() + " writes the heartbeat rows."));
        }
    }

    private void planSlotByAdministrator() {
        if (facts.slot() == null && !user.canReplicate()) {
            statements.add(PlannedStatement.byAdministrator(
                    "SELECT pg_create_logical_replication_slot(" + quoteLiteral(request.slotName()) + ", "
                            + quoteLiteral(request.plugin()) + ")",
                    "Replication slot " + request.slotName() + " does not exist and role " + user.name()
                            + " may not create it. Optional once the role has replication rights: pgcdc then"
                            + " creates the slot itself at the start of the initial snapshot. Run it in database "
                            + facts.database() + ", outside a transaction that has written anything (not with"
                            + " psql -1)."));
        }
    }

    private String createPublicationSql() {
        StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(quote(request.publicationName()));
        if (request.tables().isEmpty()) {
            sql.append(" FOR ALL TABLES");
        } else if (!published.isEmpty()) {
            sql.append(" FOR TABLE ").append(published.stream()
                    .map(table -> table.name().quoted()).collect(Collectors.joining(", ")));
        }
        if (facts.isAtLeast(13)) {
            // changes of partitions arrive under the partitioned table's name, which is the table users selected
            sql.append(" WITH (publish_via_partition_root = true)");
        }
        return sql.toString();
    }
}
