package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class SendTimeTest {

    /** An XLogData message as the server sends it, and its payload as pgjdbc hands it over: a slice after the header. */
    private static ByteBuffer payloadOf(byte kind, long sendMicros) {
        ByteBuffer message = ByteBuffer.allocate(25 + 3);
        message.put(kind).putLong(0x16B3748L).putLong(0x16B3800L).putLong(sendMicros).put(new byte[] {'B', 1, 2});
        message.position(25);
        return message.slice();
    }

    @Test
    void readsTheServersSendTimeFromTheHeaderBeforeThePayload() {
        // 2026-11-22T10:00:00.123456Z in microseconds since 2000-01-01
        long micros = (Instant.parse("2026-11-22T10:00:00.123456Z").getEpochSecond() - 946_684_800L) * 1_000_000L
                + 123_456;
        assertThat(SendTime.of(payloadOf((byte) 'w', micros))).isEqualTo(Instant.parse("2026-11-22T10:00:00.123456Z"));
    }

    @Test
    void hasNoSendTimeForAnythingElse() {
        assertThat(SendTime.of(payloadOf((byte) 'k', 1))).isNull();
        assertThat(SendTime.of(ByteBuffer.wrap(new byte[] {'B', 1, 2}))).isNull();
        assertThat(SendTime.of(ByteBuffer.allocateDirect(3))).isNull();
    }
}
