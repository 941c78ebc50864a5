package dev.pgcdc.decode.value;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses PostgreSQL's date/time output in DateStyle ISO ({@code 2026-11-22 10:00:00.123456+05:30},
 * years of any length, {@code BC} suffix, {@code infinity}) by hand, straight from the ASCII bytes: the snapshot
 * decodes a timestamptz per row, so no String, regex or formatter on this path.
 *
 * <p>Special values map as pgjdbc maps them: {@code infinity}/{@code -infinity} to the type's
 * {@code MAX}/{@code MIN}, time {@code 24:00:00} to {@link LocalTime#MAX}. timestamptz becomes an
 * {@link OffsetDateTime} in UTC whatever offset the server printed.
 */
final class DateTimeText {

    private static final byte[] INFINITY = "infinity".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINUS_INFINITY = "-infinity".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BC = " BC".getBytes(StandardCharsets.US_ASCII);

    private final byte[] buf;
    private final int start;
    /** Where the value ends, before a {@code " BC"} suffix. */
    private final int end;
    /** Whether the value ends with {@code " BC"}: the year is then 1 - year (ISO year 0 is 1 BC). */
    private final boolean bc;
    private int pos;

    private DateTimeText(byte[] buf, int off, int len) {
        this.buf = buf;
        this.start = off;
        this.pos = off;
        // The era is known before the date is built, so that a BC leap day (0001-02-29 BC is ISO year 0) is valid.
        this.bc = endsWith(buf, off, len, BC);
        this.end = bc ? off + len - BC.length : off + len;
    }

    static LocalDate parseDate(byte[] buf, int off, int len) {
        int infinity = infinity(buf, off, len);
        if (infinity != 0) {
            return infinity > 0 ? LocalDate.MAX : LocalDate.MIN;
        }
        DateTimeText p = new DateTimeText(buf, off, len);
        LocalDate date = p.date();
        p.end();
        return date;
    }

    static LocalTime parseTime(byte[] buf, int off, int len) {
        DateTimeText p = new DateTimeText(buf, off, len);
        LocalTime time = p.time();
        p.endWithoutEra();
        return time;
    }

    static OffsetTime parseTimeTz(byte[] buf, int off, int len) {
        DateTimeText p = new DateTimeText(buf, off, len);
        LocalTime time = p.time();
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(p.offsetSeconds());
        p.endWithoutEra();
        return OffsetTime.of(time, offset);
    }

    static LocalDateTime parseTimestamp(byte[] buf, int off, int len) {
        int infinity = infinity(buf, off, len);
        if (infinity != 0) {
            return infinity > 0 ? LocalDateTime.MAX : LocalDateTime.MIN;
        }
        DateTimeText p = new DateTimeText(buf, off, len);
        LocalDateTime timestamp = p.dateTime();
        p.end();
        return timestamp;
    }

    static OffsetDateTime parseTimestampTz(byte[] buf, int off, int len) {
        int infinity = infinity(buf, off, len);
        if (infinity != 0) {
            return infinity > 0 ? OffsetDateTime.MAX : OffsetDateTime.MIN;
        }
        DateTimeText p = new DateTimeText(buf, off, len);
        LocalDateTime local = p.dateTime();
        int offsetSeconds = p.offsetSeconds();
        p.end();
        if (offsetSeconds == 0) { // TimeZone=UTC: the usual case needs no conversion (nor ZoneOffset's cache)
            return OffsetDateTime.of(local, ZoneOffset.UTC);
        }
        return OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(offsetSeconds))
                .withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** 1 for {@code infinity}, -1 for {@code -infinity}, 0 for anything else. */
    private static int infinity(byte[] buf, int off, int len) {
        if (len == 0 || (buf[off] != 'i' && buf[off] != '-')) { // dates start with a digit: skip the comparisons
            return 0;
        }
        if (len == INFINITY.length && endsWith(buf, off, len, INFINITY)) {
            return 1;
        }
        return len == MINUS_INFINITY.length && endsWith(buf, off, len, MINUS_INFINITY) ? -1 : 0;
    }

    private static boolean endsWith(byte[] buf, int off, int len, byte[] suffix) {
        if (len < suffix.length) {
            return false;
        }
        for (int i = 0, p = off + len - suffix.length; i < suffix.length; i++, p++) {
            if (buf[p] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code YYYY-MM-DD}; the year may have more than four digits. */
    private LocalDate date() {
        int year = digits(4, 9);
        expect('-');
        int month = digits(2, 2);
        expect('-');
        int day = digits(2, 2);
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    /** A date, a space and a time of day, where 24:00:00 rolls over to the next day as PostgreSQL means it. */
    private LocalDateTime dateTime() {
        LocalDate date = date();
        expect(' ');
        LocalTime time = time();
        return time == LocalTime.MAX ? date.plusDays(1).atStartOfDay() : date.atTime(time);
    }

    /** {@code HH:MM:SS[.ffffff]}; {@code 24:00:00} gives {@link LocalTime#MAX}. */
    private LocalTime time() {
        int hour = digits(2, 2);
        expect(':');
        int minute = digits(2, 2);
        expect(':');
        int second = digits(2, 2);
        int nanos = 0;
        if (pos < end && buf[pos] == '.') {
            pos++;
            int first = pos;
            nanos = digits(1, 9);
            for (int n = pos - first; n < 9; n++) {
                nanos *= 10;
            }
        }
        if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
            return LocalTime.MAX;
        }
        return LocalTime.of(hour, minute, second, nanos);
    }

    /** {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS} (historic zones have seconds), in seconds. */
    private int offsetSeconds() {
        byte sign = next();
        if (sign != '+' && sign != '-') {
            throw fail("expected a UTC offset");
        }
        int seconds = digits(2, 2) * 3600;
        if (pos < end && buf[pos] == ':') {
            pos++;
            seconds += digits(2, 2) * 60;
            if (pos < end && buf[pos] == ':') {
                pos++;
                seconds += digits(2, 2);
            }
        }
        return sign == '-' ? -seconds : seconds;
    }

    /** Nothing may follow the value but the {@code " BC"} the constructor found. */
    private void end() {
        if (pos != end) {
            throw fail("unexpected text");
        }
    }

    /** Times have no era: a {@code " BC"} suffix is text that should not be there. */
    private void endWithoutEra() {
        if (bc) {
            pos = end;
            throw fail("unexpected text");
        }
        end();
    }

    private int digits(int min, int max) {
        int first = pos;
        int value = 0;
        while (pos < end && pos - first < max) {
            int digit = buf[pos] - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            value = value * 10 + digit;
            pos++;
        }
        if (pos - first < min) {
            throw fail("expected " + min + " digits");
        }
        return value;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw fail("expected '" + c + "'");
        }
    }

    private byte next() {
        if (pos >= end) {
            pos++;
            throw fail("value ends early");
        }
        return buf[pos++];
    }

    private IllegalArgumentException fail(String problem) {
        return new IllegalArgumentException(problem + " at position " + (pos - start)
                + " (is the server's DateStyle ISO?)");
    }
}
