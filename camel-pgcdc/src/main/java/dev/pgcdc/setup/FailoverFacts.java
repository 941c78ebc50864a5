package dev.pgcdc.setup;

import java.util.List;

/**
 * What a failover slot (option {@code slotFailover}, PostgreSQL 17+) needs on the primary, read there.
 *
 * @param synchronizedStandbySlots the setting as the server shows it; empty when unset
 * @param standbys                 the physical standbys streaming from this server now ({@code pg_stat_replication})
 */
public record FailoverFacts(String synchronizedStandbySlots, List<Standby> standbys) {

    public FailoverFacts {
        standbys = List.copyOf(standbys);
    }

    /** The physical slots {@code synchronized_standby_slots} names. */
    public List<String> synchronizedSlots() {
        return synchronizedStandbySlots.isBlank() ? List.of()
                : List.of(synchronizedStandbySlots.replace("\"", "").split("\\s*,\\s*"));
    }

    /**
     * One standby as its walsender sees it.
     *
     * @param name         its {@code application_name} ({@code cluster_name} or the one in its primary_conninfo)
     * @param address      its client address, or "local" for a Unix socket
     * @param physicalSlot the physical slot it streams through ({@code primary_slot_name}); null when none
     */
    public record Standby(String name, String address, String physicalSlot) {
    }
}
