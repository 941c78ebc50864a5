package dev.pgcdc.decode.value;

/**
 * Prints an interval's binary form (microseconds, days, months) as interval_out does with
 * {@code IntervalStyle=postgres} (the session setting of our connections), e.g. {@code 1 year 2 mons -3 days +04:05:06.5}.
 */
final class IntervalFormat {

    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_MINUTE = 60_000_000L;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private final StringBuilder out = new StringBuilder(40);
    private boolean zero = true;
    /** Set by a negative field: the next positive one is printed with '+' (interval_out's rule). */
    private boolean before;

    private IntervalFormat() {
    }

    static String format(long micros, int days, int months) {
        // PostgreSQL 17+ infinite intervals: every field at its extreme
        if (months == Integer.MAX_VALUE && days == Integer.MAX_VALUE && micros == Long.MAX_VALUE) {
            return "infinity";
        }
        if (months == Integer.MIN_VALUE && days == Integer.MIN_VALUE && micros == Long.MIN_VALUE) {
            return "-infinity";
        }
        IntervalFormat f = new IntervalFormat();
        f.part(months / 12, "year");
        f.part(months % 12, "mon");
        f.part(days, "day");
        long hours = micros / MICROS_PER_HOUR;
        long rest = micros - hours * MICROS_PER_HOUR;
        long minutes = rest / MICROS_PER_MINUTE;
        rest -= minutes * MICROS_PER_MINUTE;
        long seconds = rest / MICROS_PER_SECOND;
        long fraction = rest - seconds * MICROS_PER_SECOND;
        if (f.zero || micros != 0) {
            boolean minus = hours < 0 || minutes < 0 || seconds < 0 || fraction < 0;
            f.out.append(f.zero ? "" : " ").append(minus ? "-" : f.before ? "+" : "");
            pad(f.out, Math.abs(hours)).append(':');
            pad(f.out, Math.abs(minutes)).append(':');
            pad(f.out, Math.abs(seconds));
            if (fraction != 0) {
                String digits = Long.toString(1_000_000 + Math.abs(fraction)).substring(1);
                f.out.append('.').append(digits.replaceFirst("0+$", ""));
            }
        }
        return f.out.toString();
    }

    private void part(long value, String unit) {
        if (value == 0) {
            return;
        }
        out.append(zero ? "" : " ").append(before && value > 0 ? "+" : "").append(value).append(' ').append(unit);
        if (value != 1) {
            out.append('s');
        }
        before = value < 0;
        zero = false;
    }

    private static StringBuilder pad(StringBuilder sb, long value) {
        return sb.append(value < 10 ? "0" : "").append(value);
    }
}
