package dev.pgcdc.decode.value;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Reads values in PostgreSQL's binary format (pgoutput option {@code binary true}: each type's {@code typsend}), and
 * the binary forms of the built-in scalars that need more than one ByteBuffer call, giving the same Java value as
 * their text form ({@link BuiltinType} says which type uses which). Types whose Java value is their text (interval,
 * macaddr, bit, ...) are formatted exactly as the server's output function would.
 */
public final class BinaryValueDecoder {

    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    /** 2000-01-01 00:00 in seconds since 1970-01-01 00:00. */
    private static final long PG_EPOCH_SECOND = PG_EPOCH_DATE.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    private static final short NUMERIC_NEG = 0x4000;
    private static final short NUMERIC_NAN = (short) 0xC000;
    private static final short NUMERIC_PINF = (short) 0xD000;
    private static final short NUMERIC_NINF = (short) 0xF000;

    private BinaryValueDecoder() {
    }

    /** Decodes a whole value of {@code len} bytes at {@code off}. */
    public static Object decode(ValueCodec codec, byte[] buf, int off, int len) {
        return decode(codec, ByteBuffer.wrap(buf), off, len);
    }

    /**
     * Decodes a whole value of {@code len} bytes at {@code off} of the buffer's array, which wraps the array whole;
     * moves the buffer's position and limit, so that one buffer serves every value of a message.
     */
    public static Object decode(ValueCodec codec, ByteBuffer b, int off, int len) {
        b.limit(off + len).position(off); // the codecs read relative to the position: no slice needed
        try {
            Object value = codec.fromBinary(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes left over after the value");
            }
            return value;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException(len + " bytes are too few for a binary " + codec.typeName(), e);
        }
    }

    /** An element of an array or composite: length (-1 for NULL) and value. */
    static Object lengthPrefixed(ByteBuffer b, ValueCodec codec) {
        ByteBuffer value = lengthPrefixed(b);
        return value == null ? null : codec.fromBinary(value);
    }

    /** The next length-prefixed value as a buffer of its own (the length -1 is NULL: null). */
    static ByteBuffer lengthPrefixed(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0) {
            return null;
        }
        ByteBuffer value = b.slice();
        value.limit(len);
        b.position(b.position() + len);
        return value;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    static UUID uuid(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }

    static JsonNode jsonb(ByteBuffer b) {
        byte version = b.get();
        if (version != 1) {
            throw new IllegalArgumentException("unknown jsonb binary version " + version);
        }
        return JsonText.parse(utf8(b));
    }

    static LocalDate date(ByteBuffer b) {
        int days = b.getInt();
        return days == Integer.MAX_VALUE ? LocalDate.MAX
                : days == Integer.MIN_VALUE ? LocalDate.MIN
                : PG_EPOCH_DATE.plusDays(days);
    }

    static LocalTime time(ByteBuffer b) {
        return time(b.getLong());
    }

    static OffsetTime timeTz(ByteBuffer b) {
        LocalTime time = time(b.getLong());
        return OffsetTime.of(time, ZoneOffset.ofTotalSeconds(-b.getInt())); // sent as seconds west of UTC
    }

    static LocalDateTime timestamp(ByteBuffer b) {
        return timestamp(b.getLong());
    }

    static OffsetDateTime timestampTz(ByteBuffer b) {
        long micros = b.getLong();
        return micros == Long.MAX_VALUE ? OffsetDateTime.MAX
                : micros == Long.MIN_VALUE ? OffsetDateTime.MIN
                : timestamp(micros).atOffset(ZoneOffset.UTC);
    }

    static String interval(ByteBuffer b) {
        return IntervalFormat.format(b.getLong(), b.getInt(), b.getInt());
    }

    static String utf8(ByteBuffer b) {
        String s = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
        b.position(b.limit());
        return s;
    }

    private static LocalTime time(long micros) {
        return micros == 86_400_000_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
    }

    private static LocalDateTime timestamp(long micros) {
        if (micros == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        // in one step from the Unix epoch: no intermediate date-times
        long second = PG_EPOCH_SECOND + Math.floorDiv(micros, 1_000_000L);
        long nanoOfDay = Math.floorMod(second, 86_400L) * 1_000_000_000L + Math.floorMod(micros, 1_000_000L) * 1000;
        return LocalDateTime.of(Day.of(Math.floorDiv(second, 86_400L)), LocalTime.ofNanoOfDay(nanoOfDay));
    }

    /**
     * The date of the last timestamp a thread decoded: the timestamps of a row set or a transaction mostly share their
     * day, and the calendar arithmetic of {@link LocalDate#ofEpochDay} is most of a timestamp's decoding. One per
     * thread: snapshot readers and the stream decode at once, mostly on different days.
     */
    private record Day(long epochDay, LocalDate date) {

        private static final ThreadLocal<Day[]> LAST = ThreadLocal.withInitial(
                () -> new Day[] {new Day(0, LocalDate.ofEpochDay(0))});

        static LocalDate of(long epochDay) {
            Day[] last = LAST.get();
            Day day = last[0];
            if (day.epochDay != epochDay) {
                day = new Day(epochDay, LocalDate.ofEpochDay(epochDay));
                last[0] = day;
            }
            return day.date;
        }
    }

    /** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
    static Object numeric(ByteBuffer b) {
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

    /** macaddr_send / macaddr8_send: the bytes; printed as lower-case hex pairs separated by ':'. */
    static String macaddr(ByteBuffer b) {
        StringBuilder sb = new StringBuilder(24);
        while (b.hasRemaining()) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", b.get() & 0xFF));
        }
        return sb.toString();
    }

    /** bit_send: bit length, then the bits packed from the most significant bit of the first byte. */
    static String bits(ByteBuffer b) {
        int length = b.getInt();
        StringBuilder sb = new StringBuilder(length);
        int current = 0;
        for (int i = 0; i < length; i++) {
            if (i % 8 == 0) {
                current = b.get();
            }
            sb.append((current & (0x80 >> (i % 8))) != 0 ? '1' : '0');
        }
        return sb.toString();
    }
}
