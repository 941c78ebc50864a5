package dev.pgcdc.decode;

import java.nio.ByteBuffer;

/**
 * Decodes what an output plugin sends on the replication stream into {@link DecodeListener} callbacks. One instance
 * per replication session, fed every message in order from one thread: decoders keep the open transaction and the
 * relations they learned.
 */
public interface ChangeDecoder {

    /**
     * Decodes one message (the buffer's remaining bytes; its position is left unchanged).
     *
     * @param messageLsn the LSN the server sent with this message (captured when it was read)
     * @throws DecodeException if the message is malformed or cannot be understood (a change that cannot be decoded
     *                         of a wal2json format-version 1 document goes to {@link DecodeListener#undecodable}
     *                         instead); what the listener throws passes through unchanged
     */
    void decode(ByteBuffer message, long messageLsn, DecodeListener listener);
}
