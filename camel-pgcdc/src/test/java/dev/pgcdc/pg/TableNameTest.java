package dev.pgcdc.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNameTest {

    @Test
    void readsNamesAsSqlWritesThem() {
        assertThat(TableName.parseList(" Orders, sales.items ,\"My Schema\".\"a\"\"b\", \"with.dot\", \"Заказ\""))
                .containsExactly(TableName.of("public", "orders"), TableName.of("sales", "items"),
                        TableName.of("My Schema", "a\"b"), TableName.of("public", "with.dot"),
                        TableName.of("public", "Заказ"));
        assertThat(TableName.parseList("  ")).isEmpty();
        assertThat(TableName.parse("\"Order\"")).isEqualTo(TableName.of("public", "Order"));
    }

    @Test
    void quotedRoundTrips() {
        TableName name = TableName.of("My Schema", "a\"b");
        assertThat(TableName.parse(name.quoted())).isEqualTo(name);
    }

    @Test
    void rejectsWhatItCannotRead() {
        assertThatThrownBy(() -> TableName.parseList("a,,b")).hasMessageContaining("a name is missing");
        assertThatThrownBy(() -> TableName.parseList("\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> TableName.parseList("a.b.c")).hasMessageContaining("unexpected '.'");
        assertThatThrownBy(() -> TableName.parse("a, b")).hasMessageContaining("Expected one table name");
    }
}
