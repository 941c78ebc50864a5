package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pgcdc.pg.SlotState;

/** Hand-written {@link ServerFacts} for planner tests: a healthy PG16 server unless told otherwise. */
final class FactsBuilder {

    static final TableName ORDERS = TableName.of("public", "orders");
    static final TableName HEARTBEAT = TableName.of("public", "pgcdc_heartbeat");

    private int version = 160002;
    private String walLevel = "logical";
    private int maxSlots = 10;
    private int usedSlots = 0;
    private boolean standby;
    private UserFacts user = superuser();
    private final List<TableFacts> tables = new ArrayList<>();
    private final List<ConnectorTable> connectorTables = new ArrayList<>();
    private final List<TableFacts> connectorTableFacts = new ArrayList<>();
    private PublicationFacts publication;
    private SlotState slot;
    private FailoverFacts failover;
    private List<String> outputPluginLibraries;
    private PluginAvailability plugin = PluginAvailability.LOADABLE;

    static UserFacts superuser() {
        return new UserFacts("cdc", true, true, true, true, false, false);
    }

    /** LOGIN + REPLICATION, nothing else. */
    static UserFacts syncUser() {
        return new UserFacts("cdc", false, true, true, false, false, false);
    }

    static TableFacts ownedTable(TableName name) {
        return new TableFacts(name, true, true, true, true, true, true, true, ReplicaIdentity.DEFAULT, true);
    }

    static TableFacts foreignTable(TableName name) {
        return new TableFacts(name, true, true, false, false, true, false, true, ReplicaIdentity.DEFAULT, true);
    }

    static TableFacts withoutPrimaryKey(TableFacts table) {
        return new TableFacts(table.name(), true, true, table.createOnSchema(), table.owned(), table.canSelect(),
                table.privileged(), false, ReplicaIdentity.DEFAULT, table.usageOnSchema());
    }

    static PublicationFacts listPublication(boolean owned, TableName... tables) {
        return new PublicationFacts("pub", owned, false, Set.of(), Set.of(tables), Set.of(tables), true,
                PublicationFacts.ALL_OPERATIONS, null);
    }

    static SlotState slot(String plugin) {
        return slot(plugin, "reserved");
    }

    static SlotState slot(String plugin, String walStatus) {
        return new SlotState("slot", plugin, "logical", "app", false, null, 0, 0, 0, 0, walStatus, null, null, false,
                null, null, null);
    }

    FactsBuilder version(int version) {
        this.version = version;
        return this;
    }

    FactsBuilder walLevel(String walLevel) {
        this.walLevel = walLevel;
        return this;
    }

    FactsBuilder slots(int used, int max) {
        this.usedSlots = used;
        this.maxSlots = max;
        return this;
    }

    FactsBuilder standby() {
        this.standby = true;
        return this;
    }

    FactsBuilder user(UserFacts user) {
        this.user = user;
        return this;
    }

    FactsBuilder table(TableFacts table) {
        tables.add(table);
        return this;
    }

    FactsBuilder heartbeat(TableFacts heartbeat) {
        return connectorTable(ConnectorTable.heartbeat(HEARTBEAT), heartbeat);
    }

    FactsBuilder connectorTable(ConnectorTable table, TableFacts facts) {
        connectorTables.add(table);
        connectorTableFacts.add(facts);
        return this;
    }

    /** The heartbeat table does not exist; the schema does, and the role may create in it or not. */
    FactsBuilder missingHeartbeat(boolean createOnSchema) {
        return heartbeat(TableFacts.missing(HEARTBEAT, true, createOnSchema, true));
    }

    FactsBuilder publication(PublicationFacts publication) {
        this.publication = publication;
        return this;
    }

    FactsBuilder plugin(PluginAvailability plugin, List<String> outputPluginLibraries) {
        this.plugin = plugin;
        this.outputPluginLibraries = outputPluginLibraries;
        return this;
    }

    FactsBuilder failover(FailoverFacts failover) {
        this.failover = failover;
        return this;
    }

    FactsBuilder slot(SlotState slot) {
        this.slot = slot;
        return this;
    }

    ServerFacts build() {
        return new ServerFacts(version, "app", walLevel, maxSlots, usedSlots, 10, "-1", standby, user, tables,
                connectorTableFacts, publication, slot, outputPluginLibraries, plugin, failover);
    }

    /** Slot "slot", publication "pub", the given tables and the connector tables the facts were given for. */
    SetupRequest request(TableName... tables) {
        return SetupRequest.builder().slotName("slot").publicationName("pub").tables(List.of(tables))
                .connectorTables(connectorTables).build();
    }
}
