package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventJsonTest {

    private static final ColumnNames ORDER = ColumnNames.of("id", "status", "doc");

    @Test
    void serialisesExactlyAsTheExchangeContractWithAPlainObjectMapper() throws Exception {
        ChangeEvent event = new ChangeEvent(Operation.UPDATE, "public", "orders",
                new RowMap(ColumnNames.of("id"), new Object[] {7}), null,
                new RowMap(ORDER, new Object[] {7, "paid", null}), List.of("doc"),
                Lsn.parse("0/1A2B3C4"), Lsn.parse("0/1A2B400"), 1234, Instant.parse("2026-11-22T10:00:00.123456Z"), false)
                .withPosition(3);

        assertThat(new ObjectMapper().writeValueAsString(event)).isEqualTo(
                "{\"op\":\"u\",\"schema\":\"public\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"before\":null,\"after\":{\"id\":7,\"status\":\"paid\",\"doc\":null},\"unchanged\":[\"doc\"],"
                        + "\"id\":\"0/1A2B400:3\",\"lsn\":\"0/1A2B3C4\",\"commitLsn\":\"0/1A2B400\",\"txId\":1234,"
                        + "\"commitTimestamp\":\"2026-11-22T10:00:00.123456Z\",\"snapshot\":false}");
    }

    @Test
    void jsonNestedDeeperThanJacksonsLimitsPrintsWithAPlainObjectMapperAndInToString() throws Exception {
        int levels = 5_000;
        JsonNode deep = JsonNodeFactory.instance.numberNode(1);
        for (int i = 0; i < levels; i++) {
            deep = JsonNodeFactory.instance.arrayNode().add(deep);
        }
        ChangeEvent event = new ChangeEvent(Operation.INSERT, "public", "docs",
                new RowMap(ColumnNames.of("id"), new Object[] {1}), null,
                new RowMap(ColumnNames.of("id", "doc"), new Object[] {1, deep}), null,
                Lsn.parse("0/1A2B3C4"), Lsn.parse("0/1A2B400"), 1234, null, false);
        String text = "[".repeat(levels) + "1" + "]".repeat(levels);

        assertThat(new ObjectMapper().writeValueAsString(event)).contains("\"after\":{\"id\":1,\"doc\":" + text + "}");
        assertThat(event.toString()).contains("after={id=1, doc=" + text + "}");
    }

    @Test
    void rowMapIsAnOrderedUnmodifiableMap() {
        RowMap row = new RowMap(ORDER, new Object[] {7, "paid", null});
        assertThat(row.keySet()).containsExactly("id", "status", "doc");
        java.util.Map<String, Object> same = new java.util.HashMap<>();
        same.put("id", 7);
        same.put("status", "paid");
        same.put("doc", null);
        assertThat(row).isEqualTo(same);
        assertThat(row.hashCode()).isEqualTo(same.hashCode());
        assertThat(row.containsKey("doc")).isTrue();
        assertThat(row.get("missing")).isNull();
        assertThatThrownBy(() -> row.put("id", 8)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> row.entrySet().iterator().next().setValue(8)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wideRowsUseTheNameIndex() {
        String[] names = new String[40];
        Object[] values = new Object[40];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i;
            values[i] = i;
        }
        RowMap row = new RowMap(ColumnNames.of(names), values);
        assertThat(row.get("c39")).isEqualTo(39);
        assertThat(row.containsKey("c40")).isFalse();
    }

    @Test
    void lsnRoundTripsPostgresForm() {
        Lsn lsn = Lsn.parse("16/b374d848");
        assertThat(lsn.value()).isEqualTo(0x16_B374D848L);
        assertThat(lsn).hasToString("16/B374D848");
        assertThat(Lsn.of(0xFFFFFFFF_FFFFFFFFL)).isGreaterThan(lsn); // unsigned order
        assertThatThrownBy(() -> Lsn.parse("16B374D848")).isInstanceOf(IllegalArgumentException.class);
    }
}
