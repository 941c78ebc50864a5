package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    private static final String TIMESTAMPTZ = "timestamp with time zone[]";
    private static final String TIMESTAMP = "timestamp without time zone[]";

    private static Dialect.KeyDeletes keys(String... arrayTypes) {
        return new Dialect.KeyDeletes(TableName.of("public", "t"), List.of(), List.of(arrayTypes), Integer.MAX_VALUE);
    }

    /** Keys go in arrays only where their text reads as bind compares them (else a delete of its own). */
    @Test
    void keysGoInArraysOnlyWhereTheirTextMeansTheColumnsValue() {
        PostgresDialect dialect = new PostgresDialect();
        OffsetDateTime at = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
        assertThat(dialect.keysHold(keys(TIMESTAMPTZ, "text[]"), List.of(at, "a"))).isTrue();
        assertThat(dialect.keysHold(keys(TIMESTAMPTZ), List.of(at.toInstant()))).isTrue();
        assertThat(dialect.keysHold(keys(TIMESTAMP), List.of(at.toLocalDateTime()))).isTrue();
        assertThat(dialect.keysHold(keys("bigint[]", "bpchar[]"), List.of(1L, "DE"))).isTrue();

        assertThat(dialect.keysHold(keys(TIMESTAMP), List.of(at))).isFalse();
        assertThat(dialect.keysHold(keys("text[]", "date[]"), List.of("a", Instant.EPOCH))).isFalse();
        assertThat(dialect.keysHold(keys(TIMESTAMP), List.of(at.toZonedDateTime()))).isFalse();
        assertThat(dialect.keysHold(keys(TIMESTAMPTZ), List.of(LocalDateTime.of(2026, 1, 2, 3, 4)))).isFalse();
        assertThat(dialect.keysHold(keys("text[]"), List.of(List.of(1, 2)))).isFalse();
        assertThat(dialect.keysHold(keys("hstore[]"), List.of(Map.of("k", "v")))).isFalse();
    }
}
