package dev.pgcdc.setup;

import static dev.pgcdc.pg.Identifiers.quote;
import static dev.pgcdc.pg.Identifiers.quoteLiteral;

import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.pg.SlotState;
import dev.pgcdc.pg.TableName;

/**
 * The problems no statement of the plan can fix (server settings that need a restart, a standby, an unusable slot,
 * missing tables), each as one message naming the fix; and warnings that do not stop the connector.
 */
final class Preflight {

    private final ServerFacts facts;
    private final SetupRequest request;

    Preflight(ServerFacts facts, SetupRequest request) {
        this.facts = facts;
        this.request = request;
    }

    List<String> blockers() {
        List<String> blockers = new ArrayList<>();
        if (facts.standby()) {
            blockers.add("The server is a standby (in recovery): publications and the connector's writes are impossible"
                    + " there. Connect pgcdc to the primary server.");
        }
        if (!"logical".equals(facts.walLevel())) {
            blockers.add("wal_level is '" + facts.walLevel() + "' but logical decoding needs 'logical'. Run"
                    + " ALTER SYSTEM SET wal_level = logical; and restart PostgreSQL (wal_level only changes at"
                    + " server start).");
        }
        if (request.slotFailover() && !facts.isAtLeast(17)) {
            blockers.add("slotFailover needs PostgreSQL 17 or newer, which syncs failover slots to standbys; this"
                    + " server is PostgreSQL " + facts.majorVersion() + ". Remove slotFailover=true, or upgrade.");
        }
        if (facts.maxWalSenders() == 0) {
            blockers.add("max_wal_senders is 0, so no replication connection is possible. Run"
                    + " ALTER SYSTEM SET max_wal_senders = 10; and restart PostgreSQL.");
        }
        if (facts.plugin() == PluginAvailability.NOT_INSTALLED) {
            blockers.add(missingPlugin());
        } else if (facts.plugin() == PluginAvailability.NOT_ALLOWED) {
            blockers.add(disallowedPlugin());
        }
        if (facts.slot() == null) {
            addNoFreeSlot(blockers);
        } else {
            addUnusableSlot(facts.slot(), blockers);
        }
        if (publicationToCreateOrChange()) {
            for (TableFacts table : missingTables()) {
                blockers.add("Table " + table.name() + " does not exist (or is not a table). Create it, fix the"
                        + " name (names are case-sensitive), or remove it from the tables option.");
            }
        }
        if (nothingSelectedBlocks()) {
            blockers.add(request.nothingSelected() + " pgcdc does not fall back to capturing every table. Check the"
                    + " names (unquoted names fold to lower case, a name in double quotes keeps its case) and that"
                    + " the tables exist; to capture every table, leave tables unset or write tables=*.*");
        }
        for (TableName table : request.replicaIdentityFull()) {
            if (facts.tables().stream().noneMatch(captured -> captured.name().equals(table))) {
                blockers.add("replicaIdentityFull names " + table + ", which is not a captured table (it does not"
                        + " exist, or the tables option or the publication leaves it out). Fix the name (names are"
                        + " case-sensitive) or remove it from the option.");
            }
        }
        for (ConnectorTable table : request.connectorTables()) {
            if (!facts.connectorTable(table.name()).schemaExists()) {
                blockers.add("Schema " + table.name().schema() + " of the " + table.kind() + " " + table.name()
                        + " does not exist. Create it or choose another " + table.kind() + ".");
            }
        }
        return blockers;
    }

    /**
     * A missing table blocks only while the publication is still to be created or changed, where the table list
     * matters; an existing publication is streamed as it is, so a restart after a captured table was dropped still
     * delivers the changes the slot holds for it. wal2json filters by name and publishes nothing.
     */
    private boolean publicationToCreateOrChange() {
        if (!request.usesPublication()) {
            return false;
        }
        PublicationFacts publication = facts.publication();
        return publication == null || new ConnectorRights(facts, request).tablesToPublish().stream()
                .anyMatch(table -> !publication.covers(table.name()));
    }

    private List<TableFacts> missingTables() {
        return facts.tables().stream().filter(table -> !table.exists()).toList();
    }

    /** A publication for no table would be one for every table; an existing one is streamed as it is. */
    private boolean nothingSelectedBlocks() {
        return request.nothingSelected() != null && request.usesPublication() && facts.publication() == null;
    }

    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (!publicationToCreateOrChange()) {
            for (TableFacts table : missingTables()) {
                warnings.add("Table " + table.name() + " does not exist (or is not a table): pgcdc captures nothing"
                        + " of it" + (request.usesPublication() ? " but the changes the slot still holds for it;"
                        + " publication " + facts.publication().name() + " is streamed as it is" : "")
                        + ". If the name is wrong (names are case-sensitive), fix it or remove it from the tables"
                        + " option.");
            }
        }
        if (request.nothingSelected() != null && !nothingSelectedBlocks()) {
            warnings.add(request.nothingSelected() + " pgcdc captures no table for it" + (request.usesPublication()
                    ? "; publication " + facts.publication().name() + " is streamed as it is." : " until one matches.")
                    + " Check the names (unquoted names fold to lower case, a name in double quotes keeps its case).");
        }
        List<String> unmatched = request.unmatchedTablePatterns();
        if (!unmatched.isEmpty() && request.nothingSelected() == null) {
            // not a blocker: other entries select tables, and a pattern may be meant for tables not created yet
            warnings.add("The tables option's " + (unmatched.size() == 1 ? "pattern " : "patterns ")
                    + String.join(", ", unmatched) + (unmatched.size() == 1 ? " matches" : " match") + " no existing"
                    + " table, so pgcdc captures none for it now. Check the names (unquoted names fold to lower case,"
                    + " a name in double quotes keeps its case).");
        }
        SlotState slot = facts.slot();
        if (slot != null && slot.active()) {
            warnings.add("Slot " + quoteLiteral(slot.name()) + " is being read by process " + slot.activePid()
                    + "; while that lasts pgcdc cannot stream from it (error 55006, \"replication slot is"
                    + " active\"). Stop the other consumer.");
        }
        PublicationFacts publication = facts.publication();
        if (publication != null) {
            List<String> skipped = List.of("insert", "update", "delete").stream()
                    .filter(operation -> !publication.operations().contains(operation)).toList();
            if (!skipped.isEmpty()) {
                warnings.add("Publication " + publication.name() + " does not publish " + String.join(", ", skipped)
                        + ": such changes never reach pgcdc. If that is not intended, its owner can run ALTER"
                        + " PUBLICATION " + quote(publication.name())
                        + " SET (publish = 'insert, update, delete, truncate');");
            }
        }
        if (slot != null && "unreserved".equals(slot.walStatus())) {
            warnings.add("Slot " + quoteLiteral(slot.name()) + " has wal_status 'unreserved': the server may"
                    + " remove WAL it still needs (max_slot_wal_keep_size = " + facts.maxSlotWalKeepSize()
                    + "). Let it catch up soon, or it becomes lost and needs a new snapshot.");
        }
        return warnings;
    }

    private String missingPlugin() {
        String plugin = request.plugin();
        int major = facts.majorVersion();
        return "The output plugin " + plugin + " is not installed on the server: PostgreSQL " + major
                + " cannot load it. Install it on the database host, e.g. apt-get install postgresql-" + major + "-"
                + plugin + " (Debian, Ubuntu), dnf install " + plugin + "_" + major + " (PGDG RPM), or build it from"
                + " source with make install and the server's pg_config on the PATH; no restart is needed."
                + " Or use plugin=pgoutput.";
    }

    private String disallowedPlugin() {
        List<String> allowed = facts.outputPluginLibraries();
        String plugin = quoteLiteral(request.plugin());
        if (allowed == null) { // the role may not read the setting
            return "The server allows slots only with the output plugins in output_plugin_libraries, and "
                    + request.plugin() + " is not one of them. A superuser can allow it (no restart is needed): add "
                    + plugin + " to what SHOW output_plugin_libraries; prints, as in ALTER SYSTEM SET"
                    + " output_plugin_libraries = 'pgoutput', " + plugin + "; SELECT pg_reload_conf();";
        }
        // a list setting takes one literal per element: 'a, b' would be a single element named "a, b"
        List<String> extended = new ArrayList<>(allowed.stream().map(name -> quoteLiteral(name)).toList());
        extended.add(plugin);
        return "The server allows slots only with the output plugins in output_plugin_libraries ("
                + String.join(", ", allowed) + "), and " + request.plugin() + " is not one of them. A superuser can"
                + " allow it (no restart is needed): ALTER SYSTEM SET output_plugin_libraries = "
                + String.join(", ", extended) + "; SELECT pg_reload_conf();";
    }

    private void addNoFreeSlot(List<String> blockers) {
        if (facts.usedReplicationSlots() >= facts.maxReplicationSlots()) {
            blockers.add("No free replication slot: " + facts.usedReplicationSlots() + " of max_replication_slots = "
                    + facts.maxReplicationSlots() + " are in use. Drop a slot nobody reads any more"
                    + " (SELECT pg_drop_replication_slot('name');) or run ALTER SYSTEM SET max_replication_slots = "
                    + (facts.maxReplicationSlots() + 1) + "; and restart PostgreSQL.");
        }
    }

    private void addUnusableSlot(SlotState slot, List<String> blockers) {
        String name = quoteLiteral(slot.name());
        String dropIt = "Drop it (SELECT pg_drop_replication_slot(" + name + ");), so pgcdc creates it again and"
                + " takes a new snapshot, or choose another slot name.";
        if (!slot.isLogical()) {
            blockers.add("Slot " + name + " is a physical replication slot, not a logical one. Choose another slot"
                    + " name.");
        } else if (!facts.database().equals(slot.database())) {
            blockers.add("Slot " + name + " decodes database " + quoteLiteral(slot.database()) + ", not "
                    + quoteLiteral(facts.database()) + " (slots belong to one database). Choose another slot name.");
        } else if (!request.plugin().equals(slot.plugin())) {
            blockers.add("Slot " + name + " uses output plugin " + quoteLiteral(slot.plugin()) + ", not "
                    + quoteLiteral(request.plugin()) + ". " + dropIt);
        } else if (slot.lost()) {
            blockers.add(slot.lostMessage() + " To keep it from happening again, raise max_slot_wal_keep_size (now "
                    + facts.maxSlotWalKeepSize() + ") or keep the connector running.");
        }
    }
}
