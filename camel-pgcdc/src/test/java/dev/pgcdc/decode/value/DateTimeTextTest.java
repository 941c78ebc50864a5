package dev.pgcdc.decode.value;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte-level date/time parser against java.time values built from the same fields the text spells: every edge
 * case of PostgreSQL's ISO output, and many generated values (fixed seed).
 */
class DateTimeTextTest {

    private static Object decode(BuiltinType type, String text) {
        byte[] padded = (";" + text + ";").getBytes(StandardCharsets.US_ASCII); // an offset and a tail, as in a row
        Object fromBytes = type.fromText(padded, 1, padded.length - 2);
        assertThat(type.fromText(text)).as("String path of %s", text).isEqualTo(fromBytes);
        return fromBytes;
    }

    @Test
    void infinitiesAreMaxAndMin() {
        assertThat(decode(BuiltinType.DATE, "infinity")).isEqualTo(LocalDate.MAX);
        assertThat(decode(BuiltinType.DATE, "-infinity")).isEqualTo(LocalDate.MIN);
        assertThat(decode(BuiltinType.TIMESTAMP, "infinity")).isEqualTo(LocalDateTime.MAX);
        assertThat(decode(BuiltinType.TIMESTAMP, "-infinity")).isEqualTo(LocalDateTime.MIN);
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "infinity")).isEqualTo(OffsetDateTime.MAX);
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "-infinity")).isEqualTo(OffsetDateTime.MIN);
    }

    @Test
    void bcYearsCountFromIsoYearZero() {
        assertThat(decode(BuiltinType.DATE, "0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(decode(BuiltinType.DATE, "0001-12-31 BC")).isEqualTo(LocalDate.of(0, 12, 31));
        assertThat(decode(BuiltinType.DATE, "4714-11-24 BC")).isEqualTo(LocalDate.of(-4713, 11, 24));
        assertThat(decode(BuiltinType.TIMESTAMP, "0044-03-15 12:30:00.5 BC"))
                .isEqualTo(LocalDateTime.of(-43, 3, 15, 12, 30, 0, 500_000_000));
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "0044-03-15 12:30:00+00 BC"))
                .isEqualTo(OffsetDateTime.of(-43, 3, 15, 12, 30, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void bcLeapDaysAreLeapDaysOfTheIsoYear() {
        // 1 BC and 5 BC are leap years (ISO 0 and -4): the era must apply before the date is checked
        assertThat(decode(BuiltinType.DATE, "0001-02-29 BC")).isEqualTo(LocalDate.of(0, 2, 29));
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "0005-02-29 00:00:00+00 BC"))
                .isEqualTo(OffsetDateTime.of(-4, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void yearsBeyond9999() {
        assertThat(decode(BuiltinType.DATE, "10000-01-01")).isEqualTo(LocalDate.of(10000, 1, 1));
        assertThat(decode(BuiltinType.DATE, "5874897-12-31")).isEqualTo(LocalDate.of(5874897, 12, 31));
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "294276-12-31 23:59:59.999999+00"))
                .isEqualTo(OffsetDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC));
    }

    @Test
    void offsetsWithMinutesAndSecondsBecomeUtc() {
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "2026-11-22 10:00:00+05:30"))
                .isEqualTo(OffsetDateTime.of(2026, 11, 22, 4, 30, 0, 0, ZoneOffset.UTC));
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "1890-01-01 00:00:00-03:00:15"))
                .isEqualTo(OffsetDateTime.of(1890, 1, 1, 3, 0, 15, 0, ZoneOffset.UTC));
        assertThat(decode(BuiltinType.TIMESTAMPTZ, "2026-12-31 23:00:00-02"))
                .isEqualTo(OffsetDateTime.of(2027, 1, 1, 1, 0, 0, 0, ZoneOffset.UTC));
        assertThat(decode(BuiltinType.TIMETZ, "10:00:00-03:00:15"))
                .isEqualTo(OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(-3, 0, -15)));
    }

    @Test
    void zeroToSixFractionalDigits() {
        String[] fractions = {"", ".1", ".12", ".123", ".1234", ".12345", ".123456"};
        int[] nanos = {0, 100_000_000, 120_000_000, 123_000_000, 123_400_000, 123_450_000, 123_456_000};
        for (int i = 0; i < fractions.length; i++) {
            assertThat(decode(BuiltinType.TIME, "10:20:30" + fractions[i])).isEqualTo(LocalTime.of(10, 20, 30, nanos[i]));
            assertThat(decode(BuiltinType.TIMESTAMPTZ, "2026-11-22 10:20:30" + fractions[i] + "+00"))
                    .isEqualTo(OffsetDateTime.of(2026, 11, 22, 10, 20, 30, nanos[i], ZoneOffset.UTC));
        }
    }

    @Test
    void midnightAtTheEndOfTheDay() {
        assertThat(decode(BuiltinType.TIME, "24:00:00")).isEqualTo(LocalTime.MAX);
        assertThat(decode(BuiltinType.TIMETZ, "24:00:00+00")).isEqualTo(OffsetTime.of(LocalTime.MAX, ZoneOffset.UTC));
        assertThat(decode(BuiltinType.TIMESTAMP, "2026-12-31 24:00:00")).isEqualTo(LocalDateTime.of(2027, 1, 1, 0, 0));
    }

    @Test
    void malformedTextIsRejected() {
        String[][] cases = {
                {"date", ""}, {"date", "2026-1-22"}, {"date", "2026-11-22x"}, {"date", "2026-11-22 AD"},
                {"date", "BC"}, {"date", "infinityx"}, {"date", "2026-02-30"}, {"time", "10:00"}, {"time", "10:00:00 BC"},
                {"time", "25:00:00"}, {"timetz", "10:00:00"}, {"timetz", "10:00:00+"}, {"timestamp", "2026-11-22"},
                {"timestamp", "2026-11-22T10:00:00"}, {"timestamptz", "2026-11-22 10:00:00"},
                {"timestamptz", "2026-11-22 10:00:00+00 BCE"}, {"timestamptz", "2026-11-22 10:00:00.+00"},
                {"timestamptz", "2026-11-22 10:00:00+0"}, {"timestamptz", "2026-11-22 10:00:00+24"},
        };
        for (String[] c : cases) {
            BuiltinType type = switch (c[0]) {
                case "date" -> BuiltinType.DATE;
                case "time" -> BuiltinType.TIME;
                case "timetz" -> BuiltinType.TIMETZ;
                case "timestamp" -> BuiltinType.TIMESTAMP;
                default -> BuiltinType.TIMESTAMPTZ;
            };
            byte[] bytes = c[1].getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> type.fromText(bytes, 0, bytes.length)).as("%s '%s'", c[0], c[1])
                    .isInstanceOfAny(IllegalArgumentException.class, DateTimeException.class); // as before
        }
    }

    /** Generated values, printed as PostgreSQL prints them, parse to the java.time value of the same fields. */
    @Test
    void generatedValuesEqualJavaTimeOfTheSameFields() {
        Random random = new Random(20261122);
        for (int i = 0; i < 50_000; i++) {
            boolean bc = random.nextInt(10) == 0;
            int year = 1 + (random.nextInt(20) == 0 ? random.nextInt(294275) : random.nextInt(9999));
            int isoYear = bc ? 1 - year : year;
            int month = 1 + random.nextInt(12);
            int day = 1 + random.nextInt(LocalDate.of(isoYear, month, 1).lengthOfMonth());
            int fractionDigits = random.nextInt(7);
            int fraction = fractionDigits == 0 ? 0 : random.nextInt((int) Math.pow(10, fractionDigits));
            LocalTime time = LocalTime.of(random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    fraction * (int) Math.pow(10, 9 - fractionDigits));
            int offset = offsetSeconds(random);
            String date = String.format("%04d-%02d-%02d", year, month, day);
            String clock = String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond())
                    + (fractionDigits == 0 ? "" : String.format(".%0" + fractionDigits + "d", fraction));
            String era = bc ? " BC" : "";
            LocalDateTime local = LocalDateTime.of(LocalDate.of(isoYear, month, day), time);

            assertThat(decode(BuiltinType.DATE, date + era)).isEqualTo(local.toLocalDate());
            assertThat(decode(BuiltinType.TIME, clock)).isEqualTo(time);
            assertThat(decode(BuiltinType.TIMETZ, clock + offset(offset)))
                    .isEqualTo(OffsetTime.of(time, ZoneOffset.ofTotalSeconds(offset)));
            assertThat(decode(BuiltinType.TIMESTAMP, date + " " + clock + era)).isEqualTo(local);
            assertThat(decode(BuiltinType.TIMESTAMPTZ, date + " " + clock + offset(offset) + era))
                    .isEqualTo(OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(offset))
                            .withOffsetSameInstant(ZoneOffset.UTC));
        }
    }

    /** Mostly UTC as the replication session prints; whole hours, minutes and historic seconds otherwise. */
    private static int offsetSeconds(Random random) {
        int sign = random.nextBoolean() ? 1 : -1;
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> sign * random.nextInt(16) * 3600;
            case 2 -> sign * (random.nextInt(15) * 3600 + (1 + random.nextInt(59)) * 60);
            default -> sign * (random.nextInt(15) * 3600 + random.nextInt(60) * 60 + 1 + random.nextInt(59));
        };
    }

    /** As PostgreSQL prints an offset: {@code +HH}, then {@code :MM} and {@code :SS} only when not zero. */
    private static String offset(int totalSeconds) {
        int abs = Math.abs(totalSeconds);
        String text = (totalSeconds < 0 ? "-" : "+") + String.format("%02d", abs / 3600);
        if (abs % 3600 != 0) {
            text += String.format(":%02d", abs / 60 % 60);
            if (abs % 60 != 0) {
                text += String.format(":%02d", abs % 60);
            }
        }
        return text;
    }
}
