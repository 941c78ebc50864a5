package dev.pgcdc.setup;

import java.util.ArrayList;
import java.util.List;

/**
 * What the connecting role may do itself, as PostgreSQL decides it: creating a publication needs CREATE on the
 * database and ownership of every listed table ({@code FOR ALL TABLES}: a superuser); adding a table needs
 * ownership of both publication and table, and a publication the user named is changed only when pgcdc created it;
 * a table needs CREATE on its schema. Beyond privileges, the connector
 * never publishes a table without a usable replica identity, which would make the table's UPDATEs and DELETEs fail.
 */
final class ConnectorRights {

    private final ServerFacts facts;
    private final SetupRequest request;
    private final UserFacts user;

    ConnectorRights(ServerFacts facts, SetupRequest request) {
        this.facts = facts;
        this.request = request;
        this.user = facts.user();
    }

    /** The existing selected tables plus the published connector tables that exist or are about to. */
    List<TableFacts> tablesToPublish() {
        List<TableFacts> tables = new ArrayList<>(facts.existingTables());
        for (ConnectorTable table : request.connectorTables()) {
            TableFacts connectorTable = facts.connectorTable(table.name());
            if (table.published() && (connectorTable.exists() || toCreate(connectorTable))) {
                tables.add(connectorTable);
            }
        }
        return List.copyOf(tables);
    }

    /** A connector table the plan creates; one whose schema is missing is a blocker instead. */
    static boolean toCreate(TableFacts connectorTable) {
        return !connectorTable.exists() && connectorTable.schemaExists();
    }

    boolean mayCreate(TableFacts connectorTable) {
        return connectorTable.schemaExists() && (user.superuser() || connectorTable.createOnSchema());
    }

    boolean mayCreatePublication() {
        return mayOwnNewPublication() && tablesToPublish().stream().allMatch(this::identityUsableAfterPlan);
    }

    /**
     * Never to a publication the user named that pgcdc did not create: other subscriptions reading it would receive
     * the table too.
     */
    boolean mayAddToPublication(TableFacts table) {
        return mayChangePublication() && identityUsableAfterPlan(table) && ownedOrCreatedByConnector(table);
    }

    private boolean mayChangePublication() {
        return pgcdcPublication() && (user.superuser() || facts.publication().owned());
    }

    /** Named after the slot, or created by pgcdc under the name the user gave (marked so). */
    boolean pgcdcPublication() {
        return !request.publicationGiven() || facts.publication().markedFor(request.slotName());
    }

    /** Whether the connector sets REPLICA IDENTITY FULL itself: replicaIdentityFull names it and the role may. */
    boolean setsReplicaIdentityFull(TableFacts table) {
        return table.exists() && request.replicaIdentityFull().contains(table.name())
                && (user.superuser() || table.owned());
    }

    /** Connector-managed when the role may create and maintain slot, publication and connector tables alike. */
    SetupModel model() {
        boolean tablesMaintainable = facts.connectorTables().stream().allMatch(table ->
                table.exists() ? table.owned() || user.superuser() : mayCreate(table));
        boolean publicationMaintainable = !request.usesPublication() || (facts.publication() == null
                ? mayOwnNewPublication() : mayChangePublication());
        return user.canReplicate() && tablesMaintainable && publicationMaintainable
                ? SetupModel.CONNECTOR_MANAGED : SetupModel.CUSTOMER_MANAGED;
    }

    private boolean mayOwnNewPublication() {
        if (request.tables().isEmpty()) {
            return user.superuser(); // FOR ALL TABLES
        }
        return (user.superuser() || user.createOnDatabase())
                && tablesToPublish().stream().allMatch(this::ownedOrCreatedByConnector);
    }

    private boolean ownedOrCreatedByConnector(TableFacts table) {
        return user.superuser() || (table.exists() ? table.owned() : mayCreate(table));
    }

    private boolean identityUsableAfterPlan(TableFacts table) {
        return !table.exists() || table.hasUsableReplicaIdentity() || setsReplicaIdentityFull(table);
    }
}
