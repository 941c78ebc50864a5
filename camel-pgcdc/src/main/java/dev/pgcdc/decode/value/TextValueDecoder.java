package dev.pgcdc.decode.value;

import java.nio.charset.StandardCharsets;

/**
 * The text forms of the built-in scalars that have no parser class of their own (integers, bool, bytea), read from
 * the bytes without making a String. {@link BuiltinType} says which type uses which.
 */
final class TextValueDecoder {

    private TextValueDecoder() {
    }

    static Short int2(byte[] buf, int off, int len) {
        return (short) parseLong(buf, off, len, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    static Integer int4(byte[] buf, int off, int len) {
        return (int) parseLong(buf, off, len, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static Long int8(byte[] buf, int off, int len) {
        return parseLong(buf, off, len, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    static Boolean bool(byte[] buf, int off, int len) {
        int c = len == 0 ? 0 : buf[off];
        if (c == 't') {
            return Boolean.TRUE;
        }
        if (c == 'f') {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("boolean is neither 't' nor 'f'");
    }

    /** Decimal digits with an optional sign, range-checked without creating a String. */
    private static long parseLong(byte[] buf, int off, int len, long min, long max) {
        int end = off + len;
        boolean negative = len > 0 && buf[off] == '-';
        int i = negative ? off + 1 : off;
        if (i == end) {
            throw new IllegalArgumentException("integer has no digits");
        }
        long limit = negative ? min : -max;
        long result = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; i < end; i++) {
            int digit = buf[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException("not an integer: "
                        + new String(buf, off, len, StandardCharsets.US_ASCII));
            }
            if (result < limit / 10 || result * 10 < limit + digit) {
                throw new IllegalArgumentException("integer out of range: "
                        + new String(buf, off, len, StandardCharsets.US_ASCII));
            }
            result = result * 10 - digit;
        }
        return negative ? result : -result;
    }

    /** bytea in hex output format, {@code \x0102ab}. */
    static byte[] byteaHex(byte[] buf, int off, int len) {
        if (len < 2 || buf[off] != '\\' || buf[off + 1] != 'x' || len % 2 != 0) {
            throw new IllegalArgumentException("bytea is not in hex format \\x... (is bytea_output=hex?)");
        }
        byte[] bytes = new byte[(len - 2) / 2];
        for (int i = 0, p = off + 2; i < bytes.length; i++, p += 2) {
            bytes[i] = (byte) (hexDigit(buf[p]) << 4 | hexDigit(buf[p + 1]));
        }
        return bytes;
    }

    private static int hexDigit(byte c) {
        int value = HexDigit.value(c);
        if (value < 0) {
            throw new IllegalArgumentException("bytea has a non-hex digit '" + (char) c + "'");
        }
        return value;
    }
}
