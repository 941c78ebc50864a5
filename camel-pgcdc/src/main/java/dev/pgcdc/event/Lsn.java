package dev.pgcdc.event;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A PostgreSQL write-ahead log position (pg_lsn): an unsigned 64-bit byte offset, written by the server
 * as two upper-case hexadecimal halves {@code X/X}, e.g. {@code 16/B374D848}.
 */
public final class Lsn implements Comparable<Lsn> {

    /** The invalid position {@code 0/0}: what the server sends where no LSN applies. */
    public static final Lsn INVALID = new Lsn(0);

    private final long value;

    private Lsn(long value) {
        this.value = value;
    }

    public static Lsn of(long value) {
        return value == 0 ? INVALID : new Lsn(value);
    }

    /** Parses PostgreSQL's {@code X/X} form (either case). */
    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("Not a PostgreSQL LSN (expected X/X in hex): " + text);
        }
        try {
            long high = Long.parseLong(text, 0, slash, 16);
            long low = Long.parseLong(text, slash + 1, text.length(), 16);
            return of(high << 32 | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a PostgreSQL LSN (expected X/X in hex): " + text, e);
        }
    }

    public long value() {
        return value;
    }

    public boolean isValid() {
        return value != 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn && ((Lsn) o).value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + '/' + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
