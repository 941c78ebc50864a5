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

    /**
     * The item's 0-based position among the items of its transaction (0 for a non-transactional message), the same
     * on every redelivery; -1 until the stream has placed it.
     */
    long getPosition();

    /** This item placed at {@code position} in its transaction. */
    ChangeRecord withPosition(long position);

    /**
     * Whether no later item of its transaction will be delivered, so that a consumer of the stream (a sink that
     * batches by source transaction) knows where the transaction ends without waiting for the next one.
     */
    boolean isLastInTransaction();

    /** This item marked as the last of its transaction. */
    ChangeRecord markedLast();

    /**
     * The item's identifier: unique among everything one database cluster's WAL delivers, and the same when the item
     * is delivered again after a restart, so it is the key to drop duplicates on. It is the commit LSN of the
     * transaction and the position in it ({@code 0/1A2B400:17}); a non-transactional message has its own LSN instead
     * of a commit LSN (two WAL records never share an LSN). Null until the stream has placed the item.
     */
    default String getId() {
        long position = getPosition();
        if (position < 0) {
            return null;
        }
        Lsn transaction = getCommitLsn() != null ? getCommitLsn() : getLsn();
        return transaction + ":" + position;
    }
}
