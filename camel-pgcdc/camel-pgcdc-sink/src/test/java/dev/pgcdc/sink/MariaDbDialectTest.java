package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.Test;

class MariaDbDialectTest {

    private static final MariaDbDialect DIALECT = new MariaDbDialect("db");
    private static final Dialect.KeyDeletes KEYS = new Dialect.KeyDeletes(TableName.of("db", "t"), List.of("a", "b"),
            List.of(), 256);

    /** Keys go many in a statement unless a value's text may be long enough to make the statement too long. */
    @Test
    void keysWithLongValuesAreDeletedAlone() {
        assertThat(DIALECT.keysHold(KEYS, Arrays.asList(1, "x".repeat(1024)))).isTrue();
        assertThat(DIALECT.keysHold(KEYS, Arrays.asList(null, new byte[1024]))).isTrue();
        assertThat(DIALECT.keysHold(KEYS, List.of(1, "x".repeat(1025)))).isFalse();
        assertThat(DIALECT.keysHold(KEYS, List.of(1, new byte[1025]))).isFalse();
        assertThat(DIALECT.keysHold(KEYS, List.of(1, List.of(1, 2)))).isFalse();
        assertThat(DIALECT.keysHold(KEYS, List.of(1, Map.of("k", "v")))).isFalse();
    }

    /** A run's keys have values of the first key's classes, column by column (a NULL being one of its own). */
    @Test
    void aRunTakesKeysOfItsFirstKeysKinds() {
        assertThat(DIALECT.keysTogether(List.of(1, "x"), List.of(2, "y"))).isTrue();
        assertThat(DIALECT.keysTogether(Arrays.asList(1, null), Arrays.asList(2, null))).isTrue();
        assertThat(DIALECT.keysTogether(List.of(1, "x"), List.of(1, 1))).isFalse();
        assertThat(DIALECT.keysTogether(List.of(1, "x"), List.of(1L, "x"))).isFalse();
        assertThat(DIALECT.keysTogether(List.of(1, "x"), Arrays.asList(1, null))).isFalse();
        assertThat(DIALECT.keysTogether(Arrays.asList(1, null), List.of(1, "x"))).isFalse();
    }
}
