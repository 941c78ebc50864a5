package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    private static final String TIMESTAMPTZ = "timestamp with time zone[]";
    private static final String TIMESTAMP = "timestamp without time zone[]";

    /** Keys go in arrays only where their text reads as bind compares them (else a delete of its own). */
    @Test
    void keysGoInArraysOnlyWhereTheirTextMeansTheColumnsValue() {
        PostgresDialect dialect = new PostgresDialect();
        OffsetDateTime at = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
        assertThat(dialect.arraysHold(List.of(TIMESTAMPTZ, "text[]"), List.of(at, "a"))).isTrue();
        assertThat(dialect.arraysHold(List.of(TIMESTAMPTZ), List.of(at.toInstant()))).isTrue();
        assertThat(dialect.arraysHold(List.of(TIMESTAMP), List.of(at.toLocalDateTime()))).isTrue();
        assertThat(dialect.arraysHold(List.of("bigint[]", "bpchar[]"), List.of(1L, "DE"))).isTrue();

        assertThat(dialect.arraysHold(List.of(TIMESTAMP), List.of(at))).isFalse();
        assertThat(dialect.arraysHold(List.of("text[]", "date[]"), List.of("a", Instant.EPOCH))).isFalse();
        assertThat(dialect.arraysHold(List.of(TIMESTAMP), List.of(at.toZonedDateTime()))).isFalse();
        assertThat(dialect.arraysHold(List.of(TIMESTAMPTZ), List.of(LocalDateTime.of(2026, 1, 2, 3, 4)))).isFalse();
        assertThat(dialect.arraysHold(List.of("text[]"), List.of(List.of(1, 2)))).isFalse();
        assertThat(dialect.arraysHold(List.of("hstore[]"), List.of(Map.of("k", "v")))).isFalse();
    }
}
