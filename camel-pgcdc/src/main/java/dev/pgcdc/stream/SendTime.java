package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * When the server's walsender sent a message, by the server's clock. An XLogData message is {@code 'w'}, its start
 * LSN, the server's WAL end and its send time (microseconds since 2000-01-01), then the payload; pgjdbc hands over the
 * payload as a slice of the whole message, so the send time lies just before it in the same array. That layout is
 * checked; a stream that hands over anything else has no send time.
 */
final class SendTime {

    private static final int HEADER = 1 + 3 * Long.BYTES;
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private SendTime() {
    }

    /** The send time of the XLogData message whose payload {@code message} is, or null when it cannot be told. */
    static Instant of(ByteBuffer message) {
        if (!message.hasArray() || message.arrayOffset() != HEADER || message.array()[0] != 'w') {
            return null;
        }
        byte[] bytes = message.array();
        long micros = 0;
        for (int i = HEADER - Long.BYTES; i < HEADER; i++) {
            micros = micros << 8 | (bytes[i] & 0xFF);
        }
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
