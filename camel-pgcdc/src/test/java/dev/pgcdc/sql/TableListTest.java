package dev.pgcdc.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TableListTest {

    @Test
    void plainNamesKeepTheirCaseAndDefaultToSchemaPublic() {
        assertThat(TableList.parse(" Orders , sales.Items ")).containsExactly(new String[] {"public", "Orders"},
                new String[] {"sales", "Items"});
    }

    @Test
    void quotedNamesMayHoldDotsCommasQuotesAndSpaces() {
        List<String[]> tables = TableList.parse("\"My \"\"odd\"\" schema\".\"a.b, c\",\" x \"");
        assertThat(tables).containsExactly(new String[] {"My \"odd\" schema", "a.b, c"}, new String[] {"public", " x "});
    }

    @Test
    void blankMeansNoTables() {
        assertThat(TableList.parse(null)).isEmpty();
        assertThat(TableList.parse("  ")).isEmpty();
    }

    @Test
    void malformedTextIsRejectedWithTheRule() {
        assertThatThrownBy(() -> TableList.parse("a.b.c")).hasMessageContaining("Invalid tables option at position 3");
        assertThatThrownBy(() -> TableList.parse("\"open")).hasMessageContaining("unterminated quoted name");
        assertThatThrownBy(() -> TableList.parse("s.")).hasMessageContaining("missing name");
    }
}
