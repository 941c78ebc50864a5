package dev.pgcdc.pg;

/**
 * One reading of a replication slot's row in {@code pg_replication_slots}. Columns the server's version lacks read as
 * null (or false); positions as 0 when the server has none (0/0 is no valid WAL position).
 *
 * @param plugin             output plugin; null for a physical slot
 * @param slotType           logical or physical
 * @param database           the database a logical slot decodes (slots belong to one database); null for physical
 * @param confirmedFlushLsn  where the server resumes a logical slot: changes committed at or before it are not sent
 *                           again
 * @param restartLsn         the oldest WAL the slot keeps on disk
 * @param lagBytes           WAL written since the confirmed position; -1 where the server cannot tell (a standby)
 * @param retainedBytes      WAL the slot keeps on disk (from {@code restartLsn}); -1 where unknown
 * @param walStatus          reserved / extended / unreserved / lost (PostgreSQL 13+)
 * @param safeWalSize        bytes that can still be written before the slot is at risk (PostgreSQL 13+); null if
 *                           unbounded or unknown
 * @param invalidationReason why the server invalidated the slot (PostgreSQL 17+); null when valid or unknown
 * @param walKeepLimited     whether {@code max_slot_wal_keep_size} bounds the retained WAL
 * @param failover           whether the slot is synchronised to standbys (PostgreSQL 17+)
 * @param synced             whether this is a standby's copy synchronised from the primary (PostgreSQL 17+)
 * @param serverLsn          the server's current WAL position ({@code pg_current_wal_lsn()}) at the reading; null on
 *                           a standby
 */
public record SlotState(String name, String plugin, String slotType, String database, boolean active,
        Integer activePid, long confirmedFlushLsn, long restartLsn, long lagBytes, long retainedBytes,
        String walStatus, Long safeWalSize, String invalidationReason, boolean walKeepLimited, Boolean failover,
        Boolean synced, String serverLsn) {

    public boolean isLogical() {
        return "logical".equals(slotType);
    }

    /** The server removed WAL the slot still needs: it can never be resumed, only dropped and created again. */
    public boolean lost() {
        return "lost".equals(walStatus) || invalidationReason != null;
    }

    /**
     * The one message for a lost slot, wherever it is found (setup at start, the stream, the slot watch, health):
     * what happened, what a restart does, and the fix.
     */
    public String lostMessage() {
        return "Replication slot " + Identifiers.quoteLiteral(name) + " is lost (wal_status=" + walStatus
                + (invalidationReason == null ? "" : ", invalidation_reason=" + invalidationReason) + "): the server"
                + " removed WAL it still needed, so it can never resume, and changes made while the consumer was behind"
                + " are gone from the stream. Restarting as it is fails again. Fix: SELECT pg_drop_replication_slot("
                + Identifiers.quoteLiteral(name) + "); then " + ReplicationSlot.RECREATION;
    }
}
