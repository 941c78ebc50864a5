package dev.pgcdc.decode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Converts a column value in PostgreSQL's binary format (pgoutput option {@code binary true}: each
 * type's {@code typsend}) to the same Java value {@link TextValueDecoder} gives for its text form.
 * Covers the types {@link TextValueDecoder} converts, and one-dimensional and multi-dimensional arrays of
 * them; any other type fails with a message saying binary mode does not support it.
 */
public final class BinaryValueDecoder {

    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final LocalDateTime PG_EPOCH = PG_EPOCH_DATE.atStartOfDay();
    private static final short NUMERIC_NEG = 0x4000;
    private static final short NUMERIC_NAN = (short) 0xC000;
    private static final short NUMERIC_PINF = (short) 0xD000;
    private static final short NUMERIC_NINF = (short) 0xF000;

    private BinaryValueDecoder() {
    }

    public static Object decode(int typeOid, byte[] buf, int off, int len) {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len).slice();
        try {
            Object value = decode(typeOid, b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes left over after the value");
            }
            return value;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(len + " bytes are too few for a binary " + PgType.name(typeOid), e);
        }
    }

    private static Object decode(int typeOid, ByteBuffer b) {
        switch (typeOid) {
            case PgType.INT2:
                return b.getShort();
            case PgType.INT4:
                return b.getInt();
            case PgType.INT8:
                return b.getLong();
            case PgType.BOOL:
                return b.get() != 0;
            case PgType.FLOAT4:
                return b.getFloat();
            case PgType.FLOAT8:
                return b.getDouble();
            case PgType.OID:
                return Long.toString(Integer.toUnsignedLong(b.getInt())); // String, as in text mode
            case PgType.TEXT:
            case PgType.VARCHAR:
            case PgType.BPCHAR:
            case PgType.NAME:
            case PgType.CHAR:
                return utf8(b);
            case PgType.BYTEA:
                return rest(b);
            case PgType.UUID:
                return new UUID(b.getLong(), b.getLong());
            case PgType.JSON:
                return JsonText.parse(utf8(b));
            case PgType.JSONB:
                byte version = b.get();
                if (version != 1) {
                    throw new IllegalArgumentException("unknown jsonb binary version " + version);
                }
                return JsonText.parse(utf8(b));
            case PgType.NUMERIC:
                return numeric(b);
            case PgType.DATE:
                return date(b.getInt());
            case PgType.TIME:
                return time(b.getLong());
            case PgType.TIMETZ:
                LocalTime time = time(b.getLong());
                return OffsetTime.of(time, ZoneOffset.ofTotalSeconds(-b.getInt())); // sent as seconds west of UTC
            case PgType.TIMESTAMP:
                return timestamp(b.getLong());
            case PgType.TIMESTAMPTZ:
                long micros = b.getLong();
                return micros == Long.MAX_VALUE ? OffsetDateTime.MAX
                        : micros == Long.MIN_VALUE ? OffsetDateTime.MIN
                        : timestamp(micros).atOffset(ZoneOffset.UTC);
            default:
                if (PgType.elementOf(typeOid) == 0) {
                    throw new IllegalArgumentException("binary format of " + PgType.name(typeOid)
                            + " is not supported; use the pgoutput option binary=false");
                }
                return array(b);
        }
    }

    private static String utf8(ByteBuffer b) {
        String s = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
        b.position(b.limit());
        return s;
    }

    private static byte[] rest(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static LocalDate date(int days) {
        return days == Integer.MAX_VALUE ? LocalDate.MAX
                : days == Integer.MIN_VALUE ? LocalDate.MIN
                : PG_EPOCH_DATE.plusDays(days);
    }

    private static LocalTime time(long micros) {
        return micros == 86_400_000_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
    }

    private static LocalDateTime timestamp(long micros) {
        return micros == Long.MAX_VALUE ? LocalDateTime.MAX
                : micros == Long.MIN_VALUE ? LocalDateTime.MIN
                : PG_EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L))
                        .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
    private static Object numeric(ByteBuffer b) {
        int ndigits = b.getShort();
        int weight = b.getShort();
        short sign = b.getShort();
        int dscale = b.getShort();
        switch (sign) {
            case NUMERIC_NAN:
                return Double.NaN;
            case NUMERIC_PINF:
                return Double.POSITIVE_INFINITY;
            case NUMERIC_NINF:
                return Double.NEGATIVE_INFINITY;
            default:
                BigInteger unscaled = BigInteger.ZERO;
                BigInteger base = BigInteger.valueOf(10_000);
                for (int i = 0; i < ndigits; i++) {
                    unscaled = unscaled.multiply(base).add(BigInteger.valueOf(b.getShort()));
                }
                // the digits form an integer scaled by 10000^(weight - ndigits + 1); PostgreSQL shows dscale places
                BigDecimal value = new BigDecimal(unscaled, -4 * (weight - ndigits + 1)).setScale(dscale);
                return sign == NUMERIC_NEG ? value.negate() : value;
        }
    }

    /** array_send: ndim, has-nulls flag, element OID, (size, lower bound) per dimension, elements. */
    private static List<Object> array(ByteBuffer b) {
        int ndim = b.getInt();
        b.getInt(); // has-nulls flag: every element says so itself
        int elementOid = b.getInt();
        if (ndim == 0) {
            return List.of();
        }
        int[] sizes = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            sizes[d] = b.getInt();
            b.getInt(); // lower bound: to_jsonb drops it
        }
        return dimension(b, elementOid, sizes, 0);
    }

    private static List<Object> dimension(ByteBuffer b, int elementOid, int[] sizes, int d) {
        Object[] items = new Object[sizes[d]];
        for (int i = 0; i < items.length; i++) {
            if (d + 1 < sizes.length) {
                items[i] = dimension(b, elementOid, sizes, d + 1);
            } else {
                int len = b.getInt();
                if (len >= 0) {
                    ByteBuffer element = b.slice();
                    element.limit(len);
                    items[i] = decode(elementOid, element);
                    b.position(b.position() + len);
                }
            }
        }
        return Collections.unmodifiableList(Arrays.asList(items));
    }
}
