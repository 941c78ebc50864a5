package dev.pgcdc.ops;

/**
 * One reading of the replication slot from {@code pg_replication_slots}.
 *
 * @param lagBytes           WAL written since the last confirmed position ({@code pg_current_wal_lsn() -
 *                           confirmed_flush_lsn}); -1 where the server cannot tell (a standby)
 * @param retainedBytes      WAL the slot keeps on disk ({@code pg_current_wal_lsn() - restart_lsn}); -1 if unknown
 * @param walStatus          reserved/extended/unreserved/lost (PostgreSQL 13+), null before
 * @param safeWalSize        bytes that can still be written before the slot is at risk (PostgreSQL 13+), null if
 *                           unlimited or unknown
 * @param invalidationReason why the slot was invalidated (PostgreSQL 17+), null if valid or unknown
 * @param walKeepLimited     whether {@code max_slot_wal_keep_size} bounds the retained WAL
 * @param serverLsn          the server's current WAL position ({@code pg_current_wal_lsn()}) at the reading; null
 *                           on a standby
 */
public record SlotStatus(String slotName, boolean active, Integer activePid, long lagBytes, long retainedBytes,
                         String walStatus, Long safeWalSize, String invalidationReason, boolean walKeepLimited,
                         String serverLsn) {

    /** The server removed WAL the slot still needed: it can never be resumed. */
    public boolean lost() {
        return "lost".equals(walStatus) || invalidationReason != null;
    }

    /** The clear, actionable message for a lost slot. */
    public String lostMessage() {
        return "Replication slot " + slotName + " is lost (wal_status=" + walStatus
                + (invalidationReason == null ? "" : ", invalidation_reason=" + invalidationReason)
                + "): the server removed WAL it still needed, so changes made while the consumer was behind are gone"
                + " from the stream. Recovery: SELECT pg_drop_replication_slot('" + slotName + "'); then "
                + recreation();
    }

    /** How the consumer recovers once the slot is gone: what a restart does, exactly. */
    public static String recreation() {
        return "restart the consumer: it creates the slot again and forgets the snapshot progress saved for the old"
                + " one, so with snapshotMode=initial (the default) or always it snapshots every table again"
                + " (snapshotMode=never snapshots nothing: start once with initial).";
    }
}
