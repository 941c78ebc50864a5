package dev.pgcdc.decode;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses PostgreSQL's date/time output in DateStyle ISO ({@code 2026-11-22 10:00:00.123456+05:30},
 * years of any length, {@code BC} suffix, {@code infinity}) by hand: no regex or formatter on the hot path.
 *
 * <p>Special values map as pgjdbc maps them: {@code infinity}/{@code -infinity} to the type's
 * {@code MAX}/{@code MIN}, time {@code 24:00:00} to {@link LocalTime#MAX}. timestamptz becomes an
 * {@link OffsetDateTime} in UTC whatever offset the server printed.
 */
final class DateTimeText {

    private final String text;
    private int pos;

    private DateTimeText(String text) {
        this.text = text;
    }

    static LocalDate parseDate(String text) {
        if (text.equals("infinity")) {
            return LocalDate.MAX;
        }
        if (text.equals("-infinity")) {
            return LocalDate.MIN;
        }
        DateTimeText p = new DateTimeText(text);
        LocalDate date = p.date();
        return p.era(date);
    }

    static LocalTime parseTime(String text) {
        DateTimeText p = new DateTimeText(text);
        LocalTime time = p.time();
        p.end();
        return time;
    }

    static OffsetTime parseTimeTz(String text) {
        DateTimeText p = new DateTimeText(text);
        LocalTime time = p.time();
        ZoneOffset offset = p.offset();
        p.end();
        return OffsetTime.of(time, offset);
    }

    static LocalDateTime parseTimestamp(String text) {
        if (text.equals("infinity")) {
            return LocalDateTime.MAX;
        }
        if (text.equals("-infinity")) {
            return LocalDateTime.MIN;
        }
        DateTimeText p = new DateTimeText(text);
        LocalDate date = p.date();
        p.expect(' ');
        LocalDateTime timestamp = p.timeOfDay(date);
        return timestamp.with(p.era(timestamp.toLocalDate()));
    }

    static OffsetDateTime parseTimestampTz(String text) {
        if (text.equals("infinity")) {
            return OffsetDateTime.MAX;
        }
        if (text.equals("-infinity")) {
            return OffsetDateTime.MIN;
        }
        DateTimeText p = new DateTimeText(text);
        LocalDate date = p.date();
        p.expect(' ');
        LocalDateTime local = p.timeOfDay(date);
        ZoneOffset offset = p.offset();
        local = local.with(p.era(local.toLocalDate()));
        OffsetDateTime timestamp = OffsetDateTime.of(local, offset);
        return offset.equals(ZoneOffset.UTC) ? timestamp : timestamp.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** {@code YYYY-MM-DD}; the year may have more than four digits. */
    private LocalDate date() {
        int year = digits(4, 9);
        expect('-');
        int month = digits(2, 2);
        expect('-');
        int day = digits(2, 2);
        return LocalDate.of(year, month, day);
    }

    /** A time of day after a date, where 24:00:00 rolls over to the next day as PostgreSQL means it. */
    private LocalDateTime timeOfDay(LocalDate date) {
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
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            int start = pos;
            int fraction = digits(1, 9);
            for (int n = pos - start; n < 9; n++) {
                fraction *= 10;
            }
            nanos = fraction;
        }
        if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
            return LocalTime.MAX;
        }
        return LocalTime.of(hour, minute, second, nanos);
    }

    /** {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS} (historic zones have seconds). */
    private ZoneOffset offset() {
        char sign = next();
        if (sign != '+' && sign != '-') {
            throw fail("expected a UTC offset");
        }
        int seconds = digits(2, 2) * 3600;
        if (pos < text.length() && text.charAt(pos) == ':') {
            pos++;
            seconds += digits(2, 2) * 60;
            if (pos < text.length() && text.charAt(pos) == ':') {
                pos++;
                seconds += digits(2, 2);
            }
        }
        return ZoneOffset.ofTotalSeconds(sign == '-' ? -seconds : seconds);
    }

    /** Applies an optional trailing {@code " BC"} (ISO year 0 is 1 BC) and checks nothing else follows. */
    private LocalDate era(LocalDate date) {
        if (text.startsWith(" BC", pos)) {
            pos += 3;
            date = date.withYear(1 - date.getYear());
        }
        end();
        return date;
    }

    private void end() {
        if (pos != text.length()) {
            throw fail("unexpected text");
        }
    }

    private int digits(int min, int max) {
        int start = pos;
        int value = 0;
        while (pos < text.length() && pos - start < max) {
            char c = text.charAt(pos);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            pos++;
        }
        if (pos - start < min) {
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

    private char next() {
        if (pos >= text.length()) {
            pos++;
            throw fail("value ends early");
        }
        return text.charAt(pos++);
    }

    private IllegalArgumentException fail(String problem) {
        return new IllegalArgumentException(problem + " at position " + pos
                + " (is the server's DateStyle ISO?)");
    }
}
