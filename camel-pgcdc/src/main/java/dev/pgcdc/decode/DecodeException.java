package dev.pgcdc.decode;

import dev.pgcdc.event.Lsn;

/**
 * Plugin output the decoder cannot make sense of: a truncated or malformed message, an unknown message
 * type, a change for a relation never described, or a value that does not parse. The message says what
 * was wrong, in which message type and at which LSN.
 */
public class DecodeException extends RuntimeException {

    private final Lsn lsn;
    private final char messageType;

    public DecodeException(String problem, Lsn lsn, char messageType, Throwable cause) {
        this("pgoutput", problem, lsn, messageType, cause);
    }

    /**
     * @param plugin      the output plugin that sent it
     * @param messageType the message type; wal2json's actions use pgoutput's letters (B, C, I, U, D, T, M)
     */
    public DecodeException(String plugin, String problem, Lsn lsn, char messageType, Throwable cause) {
        super("Cannot decode " + plugin + " " + MessageType.describe(messageType) + " message at LSN " + lsn + ": "
                + problem, cause);
        this.lsn = lsn;
        this.messageType = messageType;
    }

    /** The LSN of the message that failed. */
    public Lsn getLsn() {
        return lsn;
    }

    /** The message's type byte as a character, e.g. {@code 'U'} for Update. */
    public char getMessageType() {
        return messageType;
    }
}
