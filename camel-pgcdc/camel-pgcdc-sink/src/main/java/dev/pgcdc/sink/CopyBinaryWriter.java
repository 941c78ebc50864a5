package dev.pgcdc.sink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Append rows in COPY's binary format, for a table whose every column has a type listed here: the server then reads
 * each value as it is stored, without parsing text (a timestamptz's text costs the target more than the rest of the
 * row), and no value is formatted or escaped here. A field is written only when its Java value is the exact
 * counterpart of the column's type, as the stream decodes it ({@code BuiltinType}): anything else (a value the target
 * would convert, such as an int into a text column) makes {@link #encode} refuse the batch, which then goes in COPY's
 * text format, where the server reads it as it would read a literal.
 */
final class CopyBinaryWriter {

    /** Signature, flags and header extension length. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    /** PostgreSQL's epoch, 2000-01-01, in days and seconds after Java's. */
    private static final long EPOCH_DAYS = 10_957;
    private static final long EPOCH_SECONDS = EPOCH_DAYS * 86_400;
    /** Big-endian, as COPY's binary format has it. */
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Writes one field of a column's type (its length first), or returns false when the value does not fit it. */
    interface Field {
        boolean write(Object value, CopyBinaryWriter out);
    }

    /** The field writer of a built-in type by its OID, or null when the type has none here. */
    static Field writerOf(int typeOid) {
        return switch (typeOid) {
            case 16 -> (value, out) -> value instanceof Boolean b && out.field(1).put(b ? 1 : 0);
            case 17 -> (value, out) -> value instanceof byte[] bytes && out.bytes(bytes);
            case 20 -> (value, out) -> out.integer(value, 8, Long.MIN_VALUE, Long.MAX_VALUE);
            case 21 -> (value, out) -> out.integer(value, 2, Short.MIN_VALUE, Short.MAX_VALUE);
            case 23 -> (value, out) -> out.integer(value, 4, Integer.MIN_VALUE, Integer.MAX_VALUE);
            // NaN as Java canonicalises it, as the text "NaN" reads
            case 700 -> (value, out) -> value instanceof Float f && out.field(4).putInt(Float.floatToIntBits(f));
            case 701 -> (value, out) -> value instanceof Double d && out.field(8).putLong(Double.doubleToLongBits(d));
            // text, bpchar, varchar: the server checks the encoding and the declared length as for text input
            case 25, 1042, 1043 -> (value, out) -> value instanceof String s
                    && out.bytes(s.getBytes(StandardCharsets.UTF_8));
            case 1082 -> (value, out) -> value instanceof LocalDate date && out.days(date);
            case 1114 -> (value, out) -> value instanceof LocalDateTime time && out.timestamp(
                    time.equals(LocalDateTime.MAX), time.equals(LocalDateTime.MIN),
                    time.toEpochSecond(ZoneOffset.UTC), time.getNano());
            case 1184 -> (value, out) -> value instanceof OffsetDateTime time && out.timestamp(
                    time.equals(OffsetDateTime.MAX), time.equals(OffsetDateTime.MIN), time.toEpochSecond(),
                    time.getNano());
            case 2950 -> (value, out) -> value instanceof UUID uuid && out.field(16)
                    .putLong(uuid.getMostSignificantBits()) && out.putLong(uuid.getLeastSignificantBits());
            default -> null;
        };
    }

    private byte[] buffer = new byte[1 << 16];
    private int length;

    /**
     * The rows in COPY's binary format, {@link #length()} bytes of {@link #buffer()}; false when a value does not
     * fit its column's type (nothing is then to be sent).
     */
    boolean encode(List<List<?>> rows, Field[] fields) {
        length = 0;
        put(HEADER);
        for (List<?> row : rows) {
            ensure(2);
            putShort(fields.length);
            for (int i = 0; i < fields.length; i++) {
                Object value = row.get(i);
                if (value == null) {
                    ensure(4);
                    putInt(-1);
                } else if (!fields[i].write(value, this)) {
                    return false;
                }
            }
        }
        ensure(2);
        putShort(-1);
        return true;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    /**
     * An integer field of {@code size} bytes from a Long, Integer or Short within the column type's range: the
     * stream's integers, widened exactly.
     */
    private boolean integer(Object value, int size, long min, long max) {
        long v;
        if (value instanceof Long l) {
            v = l;
        } else if (value instanceof Integer i) {
            v = i;
        } else if (value instanceof Short s) {
            v = s;
        } else {
            return false;
        }
        if (v < min || v > max) {
            return false;
        }
        field(size);
        return size == 8 ? putLong(v) : size == 4 ? putInt((int) v) : putShort((int) v);
    }

    /**
     * Days after PostgreSQL's epoch, ±infinity as the stream decodes them (MAX, MIN). A finite date whose day number
     * is an int's bound, which the server reads as infinity, or beyond an int goes as text: the server's range error.
     */
    private boolean days(LocalDate date) {
        if (date.equals(LocalDate.MAX) || date.equals(LocalDate.MIN)) {
            return field(4).putInt(date.equals(LocalDate.MAX) ? Integer.MAX_VALUE : Integer.MIN_VALUE);
        }
        long days = date.toEpochDay() - EPOCH_DAYS;
        return days > Integer.MIN_VALUE && days < Integer.MAX_VALUE && field(4).putInt((int) days);
    }

    /**
     * A timestamp in microseconds after PostgreSQL's epoch, ±infinity as the stream decodes them (MAX, MIN); false
     * when not a whole number of microseconds or beyond a long.
     */
    private boolean timestamp(boolean infinity, boolean minusInfinity, long epochSecond, int nano) {
        if (infinity || minusInfinity) {
            return field(8).putLong(infinity ? Long.MAX_VALUE : Long.MIN_VALUE);
        }
        long seconds = epochSecond - EPOCH_SECONDS;
        // within ±292,000 years the product fits, short of a long's bounds (±infinity); beyond, the text path's
        // error is the server's
        if (nano % 1000 != 0 || Math.abs(seconds) > Long.MAX_VALUE / 1_000_000 - 1) {
            return false;
        }
        return field(8).putLong(seconds * 1_000_000 + nano / 1000);
    }

    private boolean bytes(byte[] bytes) {
        field(bytes.length);
        put(bytes);
        return true;
    }

    /** Writes a field's length and makes room for it. */
    private CopyBinaryWriter field(int size) {
        ensure(4 + size);
        putInt(size);
        return this;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private boolean put(int b) {
        buffer[length++] = (byte) b;
        return true;
    }

    private boolean putShort(int v) {
        SHORT.set(buffer, length, (short) v);
        length += 2;
        return true;
    }

    private boolean putInt(int v) {
        INT.set(buffer, length, v);
        length += 4;
        return true;
    }

    private boolean putLong(long v) {
        LONG.set(buffer, length, v);
        length += 8;
        return true;
    }
}
