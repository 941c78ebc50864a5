package dev.pgcdc.decode.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.LocalDateTime;

import org.junit.jupiter.api.Test;

/**
 * timestamp_send's microseconds since 2000-01-01 read into date-times, in an order that makes the decoder's per-thread
 * day cache hit and miss across midnight on both sides of the epochs (a stale day would give the wrong date).
 */
class BinaryTimestampTest {

    private static final long DAY = 86_400_000_000L;

    @Test
    void consecutiveTimestampsOnEitherSideOfMidnightKeepTheirOwnDay() {
        assertThat(read(-1)).isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(read(0)).isEqualTo(LocalDateTime.of(2000, 1, 1, 0, 0));
        assertThat(read(1)).isEqualTo(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1000));
        assertThat(read(-1)).isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(read(DAY - 1)).isEqualTo(LocalDateTime.of(2000, 1, 1, 23, 59, 59, 999_999_000));
        assertThat(read(DAY)).isEqualTo(LocalDateTime.of(2000, 1, 2, 0, 0));
        // 1970-01-01 00:00 and the microsecond before it: the Unix epoch day is the cache's first entry
        long unixEpoch = -10_957 * DAY;
        assertThat(read(unixEpoch - 1)).isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(read(unixEpoch)).isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0));
        // 4713 BC: proleptic year -4712
        assertThat(read(-211_810_204_800_000_000L)).isEqualTo(LocalDateTime.of(-4712, 1, 1, 0, 0));
        assertThat(read(Long.MAX_VALUE)).isEqualTo(LocalDateTime.MAX);
        assertThat(read(Long.MIN_VALUE)).isEqualTo(LocalDateTime.MIN);
    }

    private static LocalDateTime read(long micros) {
        return BinaryValueDecoder.timestamp(ByteBuffer.allocate(Long.BYTES).putLong(0, micros));
    }
}
