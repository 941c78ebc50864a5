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
    void namesAreWrittenAsInSqlUnquotedFoldQuotedAreLiteral() {
        TableFilter filter = TableFilter.of("Sales.Orders, \"My Schema\".\"a.b*\", public.\"Order\"", null);
        assertThat(filter.includes("sales", "orders")).isTrue();
        assertThat(filter.includes("Sales", "Orders")).isFalse();
        assertThat(filter.includes("My Schema", "a.b*")).as("quoted: dots and stars are literal").isTrue();
        assertThat(filter.includes("My Schema", "a.bc")).isFalse();
        assertThat(filter.includes("public", "Order")).isTrue();
        assertThat(filter.includePatterns()).allMatch(NamePattern::isExact);
        assertThat(filter.includePatterns().get(1).table())
                .isEqualTo(dev.pgcdc.pg.TableName.of("My Schema", "a.b*"));
    }

    @Test
    void excludingATableDropsExactlyIt() {
        TableFilter filter = TableFilter.ALL.excluding(dev.pgcdc.pg.TableName.of("ops", "Heart.beat"));
        assertThat(filter.includes("ops", "Heart.beat")).isFalse();
        assertThat(filter.includes("ops", "heart.beat")).isTrue();
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
