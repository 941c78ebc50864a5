package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import java.util.List;

import dev.pgcdc.pg.SlotState;

/**
 * Everything the planner needs, read from the server by {@link SetupInspector} (or written by hand in tests).
 *
 * @param serverVersion        {@code server_version_num}, e.g. 150004
 * @param maxSlotWalKeepSize   the setting as the server shows it ("-1" = unbounded); null before PG13
 * @param standby              {@code pg_is_in_recovery()}
 * @param tables               the selected tables, or when none were selected the publication's tables, or every
 *                             user table; none when the tables option selects nothing
 * @param connectorTables      the request's {@link ConnectorTable}s, in its order
 * @param publication          null when it does not exist or the plugin uses none
 * @param slot                 null when the slot does not exist
 * @param outputPluginLibraries the plugins a slot may be created with, where the server restricts them with the
 *                             setting {@code output_plugin_libraries}; null where it has no such setting, the role
 *                             may not read it, or the plugin needed no check
 * @param plugin               whether a slot can be created with the requested output plugin
 * @param failover             what a failover slot needs; null unless the request asks for one of a PostgreSQL 17+
 *                             server
 */
public record ServerFacts(int serverVersion, String database, String walLevel, int maxReplicationSlots,
        int usedReplicationSlots, int maxWalSenders, String maxSlotWalKeepSize, boolean standby, UserFacts user,
        List<TableFacts> tables, List<TableFacts> connectorTables, PublicationFacts publication, SlotState slot,
        List<String> outputPluginLibraries, PluginAvailability plugin, FailoverFacts failover) {

    public ServerFacts {
        tables = List.copyOf(tables);
        connectorTables = List.copyOf(connectorTables);
    }

    /** The facts of the connector table named so; fails for a name that is none of them. */
    public TableFacts connectorTable(TableName name) {
        return connectorTables.stream().filter(table -> table.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " is not a connector table"));
    }

    /** The selected tables that exist; the others are blockers or warnings (see {@link Preflight}). */
    public List<TableFacts> existingTables() {
        return tables.stream().filter(TableFacts::exists).toList();
    }

    public boolean isAtLeast(int majorVersion) {
        return serverVersion >= majorVersion * 10000;
    }

    public int majorVersion() {
        return serverVersion / 10000;
    }
}
