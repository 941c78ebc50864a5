package dev.pgcdc.event;

import java.time.Instant;

/**
 * What every item the stream delivers has in common, whether a row change ({@link ChangeEvent}) or a logical
 * decoding message ({@link LogicalMessage}): where it is in the WAL and which transaction carried it.
 */
public interface ChangeRecord {

    Operation getOp();

    /** The WAL position of this item's message. */
    Lsn getLsn();

    /** The commit LSN of the item's transaction; null for a non-transactional message. */
    Lsn getCommitLsn();

    /** The transaction id; 0 for a non-transactional message. */
    long getTxId();

    /** When the transaction committed; null for a non-transactional message. */
    Instant getCommitTimestamp();
}
