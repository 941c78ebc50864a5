package dev.pgcdc.setup;

import static dev.pgcdc.pg.Identifiers.quote;
import static dev.pgcdc.pg.Identifiers.quoteLiteral;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a failover slot still lacks on the primary, each with its fix. Warnings, not blockers: the slot works without
 * them, but a failover then either finds no synced slot or one that lags what the consumer already received.
 */
final class FailoverPrerequisites {

    private FailoverPrerequisites() {
    }

    static List<String> missing(FailoverFacts facts, String slotName) {
        List<String> missing = new ArrayList<>();
        if (facts.standbys().isEmpty()) {
            missing.add("slotFailover: no physical standby streams from this server (pg_stat_replication lists none),"
                    + " so slot " + slotName + " is synced nowhere and a failover loses it. Each standby needs"
                    + " primary_slot_name (a physical slot on this server), hot_standby_feedback = on,"
                    + " sync_replication_slots = on and a dbname in primary_conninfo.");
            return missing;
        }
        for (FailoverFacts.Standby standby : facts.standbys()) {
            if (standby.physicalSlot() == null) {
                String slot = standby.name().toLowerCase().replaceAll("[^a-z0-9_]", "_");
                missing.add("slotFailover: standby " + standby.name() + " (" + standby.address() + ") streams"
                        + " without a physical slot, and slot sync only works through one. On this server: SELECT"
                        + " pg_create_physical_replication_slot(" + quoteLiteral(slot) + "); on the standby: ALTER"
                        + " SYSTEM SET primary_slot_name = " + quoteLiteral(slot) + "; SELECT pg_reload_conf();"
                        + " Check there also hot_standby_feedback = on, sync_replication_slots = on and a dbname in"
                        + " primary_conninfo.");
            }
        }
        List<String> standbySlots = facts.standbys().stream().map(FailoverFacts.Standby::physicalSlot)
                .filter(Objects::nonNull).distinct().toList();
        List<String> unguarded = standbySlots.stream().filter(slot -> !facts.synchronizedSlots().contains(slot))
                .toList();
        if (!unguarded.isEmpty()) {
            List<String> all = new ArrayList<>(facts.synchronizedSlots());
            all.addAll(unguarded);
            missing.add("slotFailover: synchronized_standby_slots does not name " + String.join(", ", unguarded)
                    + ", so this server may send changes to pgcdc before the standby has them: after a failover to"
                    + " it those changes were delivered but never happened, and everything pgcdc confirmed since the"
                    + " last slot sync arrives again. Fix: ALTER SYSTEM SET synchronized_standby_slots = "
                    + quoteLiteral(all.stream().map(slot -> quote(slot)).collect(Collectors.joining(", ")))
                    + "; SELECT pg_reload_conf();");
        }
        return missing;
    }
}
