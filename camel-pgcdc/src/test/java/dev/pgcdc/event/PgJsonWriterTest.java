package dev.pgcdc.event;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The spellings below are what PostgreSQL 15's to_jsonb printed (see capture/types-to_jsonb.txt). */
class PgJsonWriterTest {

    @Test
    void timestampsAsPostgresPrintsThem() {
        assertThat(PgJsonWriter.formatTimestampTz(OffsetDateTime.parse("2026-06-01T12:00:00+05:30")))
                .isEqualTo("2026-06-01T06:30:00+00:00");
        assertThat(PgJsonWriter.formatTimestampTz(OffsetDateTime.parse("1999-12-31T23:59:59.1Z")))
                .isEqualTo("1999-12-31T23:59:59.1+00:00");
        assertThat(PgJsonWriter.formatTimestampTz(OffsetDateTime.MAX)).isEqualTo("infinity");
        assertThat(PgJsonWriter.formatTimestamp(LocalDateTime.MIN)).isEqualTo("-infinity");
        assertThat(PgJsonWriter.formatTimestamp(LocalDateTime.of(-43, 3, 15, 12, 0))).isEqualTo("0044-03-15T12:00:00 BC");
        assertThat(PgJsonWriter.formatDate(LocalDate.of(10000, 1, 1))).isEqualTo("10000-01-01");
    }

    /** The shortest digits, never a half-way point (1e23), as numeric text; checked against PostgreSQL 15. */
    @Test
    void floatsAsPostgresPrintsThem() {
        assertThat(FloatJson.toJsonb(1e23)).isEqualTo("99999999999999990000000");
        assertThat(FloatJson.toJsonb(-0.0)).isEqualTo("0");
        assertThat(FloatJson.toJsonb(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(FloatJson.toJsonb(-1.5e-7)).isEqualTo("-0.00000015");
        assertThat(FloatJson.toJsonb(123.0)).isEqualTo("123");
        assertThat(FloatJson.toJsonb(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5"); // Java says 4.9E-324
        assertThat(FloatJson.toJsonb(Double.MAX_VALUE)).isEqualTo("17976931348623157" + "0".repeat(292));
        assertThat(FloatJson.toJsonb(1e23f)).isEqualTo("100000000000000000000000");
        assertThat(FloatJson.toJsonb(-0.0f)).isEqualTo("0");
        assertThat(FloatJson.toJsonb(Float.MIN_VALUE)).isEqualTo("0." + "0".repeat(44) + "1");
        assertThat(FloatJson.toJsonb(16777217f)).isEqualTo("16777216");
    }

    @Test
    void timesAsPostgresPrintsThem() {
        assertThat(PgJsonWriter.formatTime(LocalTime.MAX)).isEqualTo("24:00:00");
        assertThat(PgJsonWriter.formatTime(LocalTime.of(10, 0, 0, 100_000_000))).isEqualTo("10:00:00.1");
        assertThat(PgJsonWriter.formatTimeTz(OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(5, 45, 30))))
                .isEqualTo("10:00:00+05:45:30");
        assertThat(PgJsonWriter.formatTimeTz(OffsetTime.of(10, 0, 0, 500_000_000, ZoneOffset.ofHours(2))))
                .isEqualTo("10:00:00.5+02");
    }

    @Test
    void byteaAsHex() {
        assertThat(PgJsonWriter.formatBytea(new byte[] {1, 2, (byte) 0xab})).isEqualTo("\\x0102ab");
        assertThat(PgJsonWriter.formatBytea(new byte[0])).isEqualTo("\\x");
    }
}
