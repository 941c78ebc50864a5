package dev.pgcdc.embedded;

/**
 * A row of {@code pg_replication_slots}.
 *
 * @param slotName          the slot's name
 * @param plugin            output plugin ({@code pgoutput}, {@code test_decoding}); null for physical slots
 * @param slotType          {@code logical} or {@code physical}
 * @param database          the database of a logical slot
 * @param active            whether a walsender is streaming from it
 * @param activePid         that walsender's PID, or null
 * @param restartLsn        e.g. {@code 0/1A2B3C4}, or null
 * @param confirmedFlushLsn the LSN the consumer confirmed, or null
 * @param walStatus         reserved/extended/unreserved/lost, or null before PostgreSQL 13, which lacks it
 */
public record ReplicationSlot(String slotName, String plugin, String slotType, String database, boolean active,
                              Integer activePid, String restartLsn, String confirmedFlushLsn, String walStatus) {

    /** {@link #restartLsn} as a number, 0 (PostgreSQL's invalid LSN) when null. */
    public long restartLsnValue() {
        return lsnValue(restartLsn);
    }

    /** {@link #confirmedFlushLsn} as a number, 0 (PostgreSQL's invalid LSN) when null. */
    public long confirmedFlushLsnValue() {
        return lsnValue(confirmedFlushLsn);
    }

    /** Parses the text form {@code X/Y} (two hexadecimal 32-bit halves) of a pg_lsn. */
    public static long lsnValue(String lsn) {
        if (lsn == null) {
            return 0;
        }
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }
}
