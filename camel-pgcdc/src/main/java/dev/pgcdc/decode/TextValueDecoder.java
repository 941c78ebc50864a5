package dev.pgcdc.decode;

import java.nio.charset.StandardCharsets;

/**
 * Converts a built-in scalar value in PostgreSQL's text output format to a Java value, by type OID.
 *
 * <table>
 * <caption>Java representation by PostgreSQL type</caption>
 * <tr><td>int2, int4, int8</td><td>Short, Integer, Long</td></tr>
 * <tr><td>numeric</td><td>BigDecimal; NaN, Infinity, -Infinity as Double.NaN and Double's infinities</td></tr>
 * <tr><td>float4, float8</td><td>Float, Double (NaN, infinities, -0 included)</td></tr>
 * <tr><td>bool</td><td>Boolean</td></tr>
 * <tr><td>text, varchar, bpchar (padded), name, "char"</td><td>String</td></tr>
 * <tr><td>oid</td><td>String: to_jsonb prints an oid as a JSON string, and the JSON rule wins</td></tr>
 * <tr><td>date, timestamp</td><td>LocalDate, LocalDateTime; ±infinity as MAX/MIN; BC as year &lt;= 0</td></tr>
 * <tr><td>timestamptz</td><td>OffsetDateTime in UTC; ±infinity as OffsetDateTime.MAX/MIN</td></tr>
 * <tr><td>time, timetz</td><td>LocalTime, OffsetTime; 24:00:00 as LocalTime.MAX</td></tr>
 * <tr><td>uuid</td><td>UUID</td></tr>
 * <tr><td>json, jsonb</td><td>Jackson JsonNode with exact BigDecimal numbers</td></tr>
 * <tr><td>bytea (hex output)</td><td>byte[]</td></tr>
 * <tr><td>interval, inet, cidr, macaddr, macaddr8, money, xml, bit, varbit</td><td>the text form as String (to_jsonb
 *     prints them as strings too)</td></tr>
 * </table>
 * Arrays, composites, domains, enums and other types are resolved by {@link TypeRegistry}.
 *
 * <p>Expects the session settings the replication connection sets: {@code DateStyle=ISO},
 * {@code bytea_output=hex}, {@code TimeZone=UTC} (offsets are parsed anyway). A known type whose text
 * does not parse throws IllegalArgumentException, which the decoder reports with column and LSN.
 */
public final class TextValueDecoder {

    private TextValueDecoder() {
    }

    /**
     * Decodes {@code len} UTF-8 bytes at {@code off}. Every parsed type reads the bytes directly (the snapshot
     * decodes each column of each row here): only the types whose value is a String make one.
     */
    public static Object decode(int typeOid, byte[] buf, int off, int len) {
        switch (typeOid) {
            case PgType.INT2:
                return (short) parseLong(buf, off, len, Short.MIN_VALUE, Short.MAX_VALUE);
            case PgType.INT4:
                return (int) parseLong(buf, off, len, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case PgType.INT8:
                return parseLong(buf, off, len, Long.MIN_VALUE, Long.MAX_VALUE);
            case PgType.BOOL:
                return parseBool(len == 0 ? 0 : buf[off]);
            case PgType.NUMERIC:
                return NumberText.numeric(buf, off, len);
            case PgType.FLOAT4:
                return NumberText.float4(buf, off, len);
            case PgType.FLOAT8:
                return NumberText.float8(buf, off, len);
            case PgType.DATE:
                return DateTimeText.parseDate(buf, off, len);
            case PgType.TIME:
                return DateTimeText.parseTime(buf, off, len);
            case PgType.TIMETZ:
                return DateTimeText.parseTimeTz(buf, off, len);
            case PgType.TIMESTAMP:
                return DateTimeText.parseTimestamp(buf, off, len);
            case PgType.TIMESTAMPTZ:
                return DateTimeText.parseTimestampTz(buf, off, len);
            case PgType.UUID:
                return UuidText.parse(buf, off, len);
            case PgType.BYTEA:
                return parseByteaHex(buf, off, len);
            default:
                return fromStringForm(typeOid, new String(buf, off, len, StandardCharsets.UTF_8));
        }
    }

    /** A value that is already a String (array elements, composite fields): the same conversion as from bytes. */
    public static Object decode(int typeOid, String text) {
        if (!parsedFromBytes(typeOid)) {
            return fromStringForm(typeOid, text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return decode(typeOid, bytes, 0, bytes.length);
    }

    /** Whether {@link #decode(int, byte[], int, int)} parses the type's bytes rather than making a String first. */
    private static boolean parsedFromBytes(int typeOid) {
        switch (typeOid) {
            case PgType.INT2:
            case PgType.INT4:
            case PgType.INT8:
            case PgType.BOOL:
            case PgType.NUMERIC:
            case PgType.FLOAT4:
            case PgType.FLOAT8:
            case PgType.DATE:
            case PgType.TIME:
            case PgType.TIMETZ:
            case PgType.TIMESTAMP:
            case PgType.TIMESTAMPTZ:
            case PgType.UUID:
            case PgType.BYTEA:
                return true;
            default:
                return false;
        }
    }

    /** The types whose value is built from the String: json/jsonb as a tree, every other one the String itself. */
    private static Object fromStringForm(int typeOid, String text) {
        return typeOid == PgType.JSON || typeOid == PgType.JSONB ? JsonText.parse(text) : text;
    }

    private static Boolean parseBool(int c) {
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
    private static byte[] parseByteaHex(byte[] buf, int off, int len) {
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
