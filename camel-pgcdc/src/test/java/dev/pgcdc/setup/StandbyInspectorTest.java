package dev.pgcdc.setup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The primary_conninfo fix quotes the database as a conninfo value inside an SQL literal (FailoverTest runs it). */
class StandbyInspectorTest {

    @Test
    void theConninfoFixQuotesTheDatabaseTwice() {
        assertThat(StandbyInspector.conninfoFix("shop"))
                .isEqualTo("ALTER SYSTEM SET primary_conninfo = '<its current value> dbname=shop';");
        assertThat(StandbyInspector.conninfoFix("my shop"))
                .isEqualTo("ALTER SYSTEM SET primary_conninfo = '<its current value> dbname=''my shop''';");
        // conninfo escapes the quote as \', the SQL literal doubles both: E'...' keeps \\ a backslash
        assertThat(StandbyInspector.conninfoFix("o'brien"))
                .isEqualTo("ALTER SYSTEM SET primary_conninfo = E'<its current value> dbname=''o\\\\''brien''';");
    }
}
