package dev.pgcdc.decode.value;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** uuid from its text output ({@code 8-4-4-4-12} hex digits) without a String. */
final class UuidText {

    private static final int LENGTH = 36;

    private UuidText() {
    }

    static UUID parse(byte[] buf, int off, int len) {
        if (len == LENGTH && buf[off + 8] == '-' && buf[off + 13] == '-' && buf[off + 18] == '-'
                && buf[off + 23] == '-') {
            long g1 = hex(buf, off, 8);
            long g2 = hex(buf, off + 9, 4);
            long g3 = hex(buf, off + 14, 4);
            long g4 = hex(buf, off + 19, 4);
            long g5 = hex(buf, off + 24, 12);
            if ((g1 | g2 | g3 | g4 | g5) >= 0) {
                return new UUID(g1 << 32 | g2 << 16 | g3, g4 << 48 | g5);
            }
        }
        // Not the canonical form PostgreSQL prints: UUID's own parser accepts or rejects it, as it always did.
        return UUID.fromString(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    /** {@code count} (at most 15) hex digits as a non-negative number, or -1 if one is not a hex digit. */
    private static long hex(byte[] buf, int off, int count) {
        long value = 0;
        for (int i = off; i < off + count; i++) {
            int digit = HexDigit.value(buf[i]);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
