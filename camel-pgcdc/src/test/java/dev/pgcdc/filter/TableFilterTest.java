package dev.pgcdc.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableFilterTest {

    @Test
    void globsIncludeAndExcludeQualifiedNames() {
        TableFilter filter = TableFilter.of("public.order_*, audit.?og", "public.order_tmp*");
        assertThat(filter.includes("public", "order_lines")).isTrue();
        assertThat(filter.includes("audit", "log")).isTrue();
        assertThat(filter.includes("public", "order_tmp1")).isFalse();
        assertThat(filter.includes("public", "orders")).isFalse();
        assertThat(filter.includes("Public", "order_lines")).as("case-sensitive").isFalse();
    }

    @Test
    void noIncludesMeansEveryTableAndUnqualifiedMeansPublic() {
        TableFilter filter = TableFilter.of(null, "secrets");
        assertThat(filter.includes("app", "anything")).isTrue();
        assertThat(filter.includes("public", "secrets")).isFalse();
        assertThat(filter.includes("app", "secrets")).as("only public.secrets is excluded").isTrue();
    }

    @Test
    void columnExclusionsAndMalformedNames() {
        ColumnExclusions columns = ColumnExclusions.of("public.users.pass*,*.*.ssn");
        assertThat(columns.includes("public", "users", "password")).isFalse();
        assertThat(columns.includes("hr", "people", "ssn")).isFalse();
        assertThat(columns.includes("public", "users", "name")).isTrue();
        assertThatThrownBy(() -> ColumnExclusions.of("a.b.c.d")).hasMessageContaining("schema.table.column");
    }
}
