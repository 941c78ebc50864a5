package dev.pgcdc.decode;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;

import java.time.Instant;

/**
 * Receives what a {@link ChangeDecoder} decodes, in stream order. Both plugins send whole transactions in commit
 * order: begin, its changes, commit.
 */
public interface DecodeListener {

    /**
     * A transaction starts.
     *
     * @param commitLsn the LSN of its commit record (known up front: decoding happens at commit)
     */
    void begin(long xid, Lsn commitLsn, Instant commitTimestamp);

    /** One row change, or one truncated relation. */
    void change(ChangeEvent event);

    /**
     * The transaction ends.
     *
     * @param endLsn the LSN just past the commit record: the position to confirm once its changes are done
     */
    void commit(Lsn commitLsn, Lsn endLsn, Instant commitTimestamp);

    /**
     * A relation was described (first use in the session, or its schema changed): by a pgoutput Relation message, or
     * for wal2json from the catalog when a table's change first arrives or no longer fits what was known.
     */
    default void relation(RelationInfo relation) {
    }

    /** A non-built-in type used by a published column was described. */
    default void type(TypeInfo type) {
    }

    /** The current transaction was replayed from another node under replication origin {@code name}. */
    default void origin(String name, Lsn originCommitLsn) {
    }

    /** A logical decoding message; transactional ones arrive between begin and commit. */
    default void message(LogicalMessage message) {
    }

    /**
     * A change of a wal2json format-version 1 document that cannot be decoded, in its place among the others, whether
     * the document came whole or in pieces: decoding goes on, so the changes after it and the commit still arrive.
     * The other decoders fail the decode call for a message that cannot be decoded. By default the failure ends the
     * message's decoding as that does.
     */
    default void undecodable(DecodeException failure) {
        throw failure;
    }
}
