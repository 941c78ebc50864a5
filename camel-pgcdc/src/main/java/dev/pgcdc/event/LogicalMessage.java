package dev.pgcdc.event;

import java.nio.charset.StandardCharsets;

/** A logical decoding message written with {@code pg_logical_emit_message(transactional, prefix, content)}. */
public final class LogicalMessage {

    private final boolean transactional;
    private final Lsn lsn;
    private final String prefix;
    private final byte[] content;

    public LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content) {
        this.transactional = transactional;
        this.lsn = lsn;
        this.prefix = prefix;
        this.content = content;
    }

    /** True if the message was emitted inside (and delivered with) a transaction. */
    public boolean isTransactional() {
        return transactional;
    }

    public Lsn getLsn() {
        return lsn;
    }

    public String getPrefix() {
        return prefix;
    }

    /** The raw content; the caller must not modify it. */
    public byte[] getContent() {
        return content;
    }

    /** The content decoded as UTF-8 (messages emitted with a text argument are in the database encoding). */
    public String getContentAsString() {
        return new String(content, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "LogicalMessage{transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                + ", content=" + content.length + " bytes}";
    }
}
