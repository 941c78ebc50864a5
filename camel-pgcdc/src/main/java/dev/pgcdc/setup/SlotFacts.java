package dev.pgcdc.setup;

/**
 * An existing replication slot of the requested name ({@code pg_replication_slots}).
 *
 * @param plugin             output plugin; null for a physical slot
 * @param database           the database a logical slot decodes; slots are per database
 * @param walStatus          reserved / extended / unreserved / lost; null before PG13
 * @param invalidationReason why the server invalidated it (PG17+); null when valid or unknown
 */
public record SlotFacts(String name, String plugin, String slotType, String database, boolean active,
        Integer activePid, String walStatus, String invalidationReason) {

    /** The WAL it needs is gone: it can never be resumed, only dropped and created again. */
    public boolean isLost() {
        return "lost".equals(walStatus) || invalidationReason != null;
    }

    public boolean isLogical() {
        return "logical".equals(slotType);
    }
}
