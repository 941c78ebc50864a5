package dev.pgcdc.setup;

import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.TableName;

import static dev.pgcdc.pg.Identifiers.quote;
import static dev.pgcdc.pg.Identifiers.quoteLiteral;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, from the facts alone, which statements are still needed and who must run each. A pure function: the
 * same facts give the same plan, and a server that is fully set up gives an empty one.
 *
 * <p>An administrator's statement must never depend on one the connector has not run yet (in validate and plan
 * mode the connector runs nothing), so a statement and what it builds on share their actor: a published connector
 * table (heartbeat, signal) is created by whoever puts it into the publication, and a table whose replica identity
 * an administrator must fix is published by the administrator too, after the fix, so its UPDATEs and DELETEs never
 * fail in between.
 */
public final class SetupPlanner {

    private final ServerFacts facts;
    private final SetupRequest request;
    private final UserFacts user;
    private final ConnectorRights rights;
    private final List<TableFacts> published;
    private final List<PlannedStatement> statements = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<TableName> publishedWithoutIdentity = new HashSet<>();

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
        planConnectorTablesAndPublication();
        // last: pgoutput decodes each change with the catalog of its time, and fails on changes made while the
        // slot existed but the publication did not yet
        planSlot();
        warnings.addAll(0, preflight.warnings());
        if (facts.failover() != null) {
            warnings.addAll(FailoverPrerequisites.missing(facts.failover(), request.slotName()));
        }
        return new SetupPlan(request, facts, rights.model(), statements, preflight.blockers(), warnings,
                publishedWithoutIdentity);
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
        planSchemaUsage();
        for (TableFacts table : facts.existingTables()) {
            if (!table.canSelect()) {
                statements.add(PlannedStatement.byAdministrator(
                        "GRANT SELECT ON " + table.name().quoted() + " TO " + quote(user.name()),
                        "Role " + user.name() + " cannot read " + table.name() + ", which the initial snapshot"
                                + " copies."));
            }
        }
    }

    /**
     * USAGE on the schema of every table the connector reads or writes, once per schema: without it the role's
     * privileges on the table are of no use, and the snapshot would fail reading it after the slot was created.
     */
    private void planSchemaUsage() {
        Set<String> schemas = new LinkedHashSet<>();
        facts.existingTables().stream().filter(table -> !table.usageOnSchema())
                .forEach(table -> schemas.add(table.name().schema()));
        facts.connectorTables().stream().filter(table -> table.schemaExists() && !table.usageOnSchema())
                .forEach(table -> schemas.add(table.name().schema()));
        for (String schema : schemas) {
            statements.add(PlannedStatement.byAdministrator("GRANT USAGE ON SCHEMA " + quote(schema) + " TO "
                    + quote(user.name()), "Role " + user.name() + " lacks USAGE on schema " + schema + ", without"
                    + " which it cannot read or write the tables pgcdc uses there (\"permission denied for schema\")."));
        }
    }

    /**
     * A table without replica identity that replicaIdentityFull names is fixed by the connector when the role may
     * alter it. One an existing publication already publishes is no reason to refuse the start (the connector
     * publishes nothing new, and the table's UPDATEs and DELETEs fail already): a warning says what the stream misses.
     * A table with a key that replicaIdentityFull names is set to FULL as the option asks, by whoever may.
     */
    private void planReplicaIdentity() {
        for (TableFacts table : facts.existingTables()) {
            if (table.hasUsableReplicaIdentity()) {
                if (table.replicaIdentity() != ReplicaIdentity.FULL
                        && request.replicaIdentityFull().contains(table.name())) {
                    statements.add(PlannedStatement.by(rights.setsReplicaIdentityFull(table),
                            ReplicaIdentity.alterToFull(table.name()), "replicaIdentityFull names " + table.name()
                                    + ": its updates and deletes then carry the whole old row, and unchanged TOASTed"
                                    + " values are filled in from it."));
                }
                continue;
            }
            boolean connectorFixes = rights.setsReplicaIdentityFull(table);
            if (!connectorFixes && alreadyPublished(table)) {
                warnings.add(publishedWithoutIdentity(table.name(), facts.publication().name()));
                publishedWithoutIdentity.add(table.name());
            } else {
                statements.add(PlannedStatement.by(connectorFixes, ReplicaIdentity.alterToFull(table.name()),
                        missingIdentityConsequence(table) + " REPLICA IDENTITY FULL fixes this by logging the whole"
                                + " old row (more WAL per change); adding a primary key is the leaner fix."
                                + " Or leave the table out."));
            }
        }
    }

    /** What the stream misses of a published table without replica identity, and the fix. */
    public static String publishedWithoutIdentity(TableName table, String publication) {
        return "Table " + table + " has no primary key or other replica identity and publication " + publication
                + " publishes it: PostgreSQL rejects every UPDATE and DELETE on it, so only its inserts and truncates"
                + " reach the stream. Its owner fixes it with: " + ReplicaIdentity.alterToFull(table)
                + "; (or by adding a primary key).";
    }

    private boolean alreadyPublished(TableFacts table) {
        return request.usesPublication() && facts.publication() != null && facts.publication().covers(table.name());
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

    private void planConnectorTablesAndPublication() {
        PublicationFacts publication = facts.publication();
        if (!request.usesPublication()) {
            request.connectorTables().forEach(table -> planConnectorTable(table, rights.mayCreate(facts(table))));
        } else if (publication == null) {
            boolean connectorCreates = rights.mayCreatePublication();
            request.connectorTables().forEach(table -> planConnectorTable(table,
                    table.published() ? connectorCreates : rights.mayCreate(facts(table))));
            if (request.nothingSelected() == null) { // else a blocker: no table list would publish every table
                statements.add(PlannedStatement.by(connectorCreates, createPublicationSql(),
                        "Publication " + request.publicationName() + " does not exist; pgoutput streams only what it"
                                + " publishes."));
            }
        } else {
            for (ConnectorTable table : request.connectorTables()) {
                TableFacts tableFacts = facts(table);
                boolean addedToPublication = table.published() && ConnectorRights.toCreate(tableFacts)
                        && !publication.covers(table.name());
                planConnectorTable(table, addedToPublication ? rights.mayAddToPublication(tableFacts)
                        : rights.mayCreate(tableFacts));
            }
            boolean altered = false;
            for (TableFacts table : published) {
                if (!publication.covers(table.name())) {
                    altered = true;
                    statements.add(PlannedStatement.by(rights.mayAddToPublication(table),
                            "ALTER PUBLICATION " + quote(publication.name()) + " ADD TABLE " + table.name().quoted(),
                            "Publication " + publication.name() + " does not publish " + table.name()
                                    + ", so its changes would never arrive." + (!rights.pgcdcPublication()
                                    ? " pgcdc does not change a publication named with the publication option that"
                                            + " it did not create:"
                                            + " every subscription reading it would receive the table's changes too."
                                    : "")));
                }
            }
            if (altered) {
                warnAboutOtherPublishedTables(publication);
            }
        }
    }

    /** Tables the publication publishes but pgcdc does not capture belong to someone else, who sees any change. */
    private void warnAboutOtherPublishedTables(PublicationFacts publication) {
        Set<TableName> captured = published.stream().map(TableFacts::name).collect(Collectors.toSet());
        List<String> others = publication.publishedTables().stream().filter(table -> !captured.contains(table))
                .map(TableName::toString).sorted().toList();
        if (request.tables().isEmpty() || others.isEmpty()) {
            return;
        }
        int shown = Math.min(others.size(), 10);
        warnings.add("Publication " + publication.name() + " also publishes " + String.join(", ",
                others.subList(0, shown)) + (others.size() > shown ? " and " + (others.size() - shown) + " more" : "")
                + ", which pgcdc does not capture: it may serve other subscriptions, which receive whatever table is"
                + " added to it.");
    }

    /**
     * Creates the table when missing, and grants the role what it needs unless it creates and so owns the table.
     *
     * @param byConnector whether the connector creates it (when missing), decided by who publishes it
     */
    private void planConnectorTable(ConnectorTable table, boolean byConnector) {
        TableFacts tableFacts = facts(table);
        if (!tableFacts.schemaExists()) {
            return; // a blocker
        }
        if (!tableFacts.exists()) {
            statements.add(PlannedStatement.by(byConnector, table.ddl(), table.purpose()));
        }
        boolean privilegedAfterPlan = tableFacts.exists() ? tableFacts.privileged() : byConnector;
        if (!privilegedAfterPlan) {
            statements.add(PlannedStatement.byAdministrator(
                    "GRANT " + table.privileges() + " ON " + table.name().quoted() + " TO " + quote(user.name()),
                    "Role " + user.name() + " needs " + table.privileges() + " on the " + table.kind() + " "
                            + table.name() + "."));
        }
    }

    private TableFacts facts(ConnectorTable table) {
        return facts.connectorTable(table.name());
    }

    /** Decoding from a standby, the slot lives there and {@link StandbySlot} sees to it. */
    private void planSlot() {
        if (facts.slot() == null && !request.slotElsewhere()) {
            String sql = new ReplicationSlot(request.slotName()).createLogicalStatement(request.plugin(),
                    request.slotFailover() && facts.isAtLeast(17));
            String where = " Run it in database " + facts.database() + ", outside a transaction that has written"
                    + " anything (not with psql -1).";
            statements.add(PlannedStatement.slotCreation(user.canReplicate(), sql, user.canReplicate()
                    ? "Replication slot " + request.slotName() + " does not exist. pgcdc creates it itself with"
                            + " setupMode=auto, as streaming starts; otherwise a role with replication rights runs"
                            + " it." + where
                    : "Replication slot " + request.slotName() + " does not exist and role " + user.name()
                            + " may not create it. Optional once the role has replication rights: pgcdc then"
                            + " creates the slot itself at the start of the initial snapshot." + where));
        }
        // null before PostgreSQL 17, where slotFailover is a blocker
        if (request.slotFailover() && facts.slot() != null && Boolean.FALSE.equals(facts.slot().failover())) {
            String command = new ReplicationSlot(request.slotName()).alterToFailoverCommand();
            statements.add(PlannedStatement.replicationCommand(user.canReplicate(), command,
                    "slotFailover=true, but replication slot " + request.slotName() + " is no failover slot, so no"
                            + " standby syncs it and a failover loses it. This is a replication command, not SQL: it runs on"
                            + " a replication connection (replication=database; the script reconnects with one), as a"
                            + " role with replication rights, while no consumer streams from the slot."));
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
        if (request.publicationGiven()) {
            // in the same step: a later start knows the named publication as pgcdc's own, to maintain
            sql.append("; COMMENT ON PUBLICATION ").append(quote(request.publicationName())).append(" IS ")
                    .append(quoteLiteral(PublicationFacts.mark(request.slotName())));
        }
        return sql.toString();
    }
}
