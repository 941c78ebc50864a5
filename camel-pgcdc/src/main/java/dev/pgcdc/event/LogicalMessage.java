package dev.pgcdc.event;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A logical decoding message written with {@code pg_logical_emit_message(transactional, prefix, content)},
 * delivered (option {@code emitMessages=true}) as the body of an exchange with operation {@code m}.
 *
 * <p>{@link #getContent()} is a String when the content is valid UTF-8 (messages emitted with a text argument are
 * in the database encoding), else the raw {@code byte[]}; {@link #getContentBytes()} is always the raw bytes. The
 * JSON form prints non-UTF-8 content as {@code "\\x..."} hex, as bytea prints.
 */
@JsonSerialize(using = LogicalMessageSerializer.class)
public final class LogicalMessage implements ChangeRecord {

    private final boolean transactional;
    private final Lsn lsn;
    private final String prefix;
    private final byte[] content;
    private final Lsn commitLsn;
    private final long txId;
    private final Instant commitTimestamp;
    private final long position;
    /** Where the stream ended its transaction, not part of what the message is. */
    private final boolean lastInTransaction;

    /** The transaction fields are null/0 for a non-transactional message. */
    public LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content, Lsn commitLsn, long txId,
                          Instant commitTimestamp) {
        this(transactional, lsn, prefix, content, commitLsn, txId, commitTimestamp, -1, false);
    }

    private LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content, Lsn commitLsn, long txId,
                           Instant commitTimestamp, long position, boolean lastInTransaction) {
        this.transactional = transactional;
        this.lsn = lsn;
        this.prefix = prefix;
        this.content = content;
        this.commitLsn = commitLsn;
        this.txId = txId;
        this.commitTimestamp = commitTimestamp;
        this.position = position;
        this.lastInTransaction = lastInTransaction;
    }

    @Override
    public LogicalMessage withPosition(long position) {
        return new LogicalMessage(transactional, lsn, prefix, content, commitLsn, txId, commitTimestamp, position,
                false);
    }

    @Override
    public LogicalMessage markedLast() {
        return new LogicalMessage(transactional, lsn, prefix, content, commitLsn, txId, commitTimestamp, position,
                true);
    }

    @Override
    public boolean isLastInTransaction() {
        return lastInTransaction;
    }

    @Override
    public long getPosition() {
        return position;
    }

    @Override
    public Operation getOp() {
        return Operation.MESSAGE;
    }

    /** True if the message was emitted inside (and delivered with) a transaction. */
    public boolean isTransactional() {
        return transactional;
    }

    @Override
    public Lsn getLsn() {
        return lsn;
    }

    @Override
    public Lsn getCommitLsn() {
        return commitLsn;
    }

    @Override
    public long getTxId() {
        return txId;
    }

    @Override
    public Instant getCommitTimestamp() {
        return commitTimestamp;
    }

    public String getPrefix() {
        return prefix;
    }

    /** The content as a String if it is valid UTF-8, else the raw bytes (which the caller must not modify). */
    public Object getContent() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return content;
        }
    }

    /** The raw content; the caller must not modify it. */
    public byte[] getContentBytes() {
        return content;
    }

    @Override
    public String toString() {
        return "LogicalMessage{id=" + getId() + ", transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                + ", content=" + content.length + " bytes, txId=" + txId + "}";
    }
}
