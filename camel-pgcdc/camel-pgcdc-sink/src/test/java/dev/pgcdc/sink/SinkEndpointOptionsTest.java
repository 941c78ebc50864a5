package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.pgcdc.it.StartedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink's options are converted and checked when the endpoint is created, before any exchange or connection. */
class SinkEndpointOptionsTest {

    private static final String BASE = "pgcdc-sink:copy?jdbcUrl=jdbc:postgresql://127.0.0.1/target";

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();

    @Test
    void modeIsAnEnumThatKeepsItsSpellings() {
        for (String spelling : new String[] {"softDelete", "softdelete", "SOFTDELETE", "soft_delete"}) {
            assertThat(endpoint("&mode=" + spelling).getConfiguration().getMode()).isEqualTo(SinkMode.SOFT_DELETE);
        }
        assertThat(endpoint("&mode=APPEND").getConfiguration().getMode()).isEqualTo(SinkMode.APPEND);
        assertThat(endpoint("").getConfiguration().getMode()).isEqualTo(SinkMode.UPSERT);
        assertFails("&mode=sideways", "Invalid value 'sideways' for option mode: use one of upsert, append, softDelete");
    }

    @Test
    void batchTimeoutIsADuration() {
        assertThat(endpoint("&batchTimeout=1s").getConfiguration().getBatchTimeout()).isEqualTo(1000);
        assertThat(endpoint("&batchTimeout=250").getConfiguration().getBatchTimeout()).isEqualTo(250);
        assertFails("&batchTimeout=soon", "Invalid value 'soon' for option batchTimeout: write a duration such as"
                + " 500ms, 5s, 1m or 1h30m (a plain number is milliseconds)");
        assertFails("&batchTimeout=-1", "Invalid value -1ms for option batchTimeout: it must be at least 0ms");
    }

    @Test
    void otherBadOptionsFailAtEndpointCreation() {
        assertFails("&batchSize=0", "batchSize must be at least 1, was 0");
        assertFails("&tableModes=public.audit:sideways", "Invalid mode 'sideways' in option tableModes: use one of"
                + " upsert, append, softDelete");
        assertThatThrownBy(() -> camel.context().getEndpoint("pgcdc-sink:copy")).hasMessageContaining(
                "pgcdc-sink:copy needs exactly one of jdbcUrl and dataSource");
    }

    /**
     * With useAffectedRows=true an UPDATE that changes nothing counts no row, and the update-then-insert of a MariaDB
     * table with another unique index would insert a row that exists; the URL's value wins over a connection property,
     * so such a jdbcUrl is refused with the fix.
     */
    @Test
    void aMariaDbJdbcUrlWithUseAffectedRowsIsRefused() {
        String maria = "pgcdc-sink:maria?jdbcUrl=RAW(jdbc:mariadb://127.0.0.1:3306/test";
        for (String url : List.of("?useAffectedRows=true)", "?a=b&useAffectedRows=TRUE)",
                "?useAffectedRows=false&useAffectedRows=1)")) {
            assertThatThrownBy(() -> camel.context().getEndpoint(maria + url)).hasMessageContaining(
                    "pgcdc-sink:maria: the jdbcUrl sets useAffectedRows=true").hasMessageContaining(
                    "remove useAffectedRows=true from the jdbcUrl");
        }
        assertThat(camel.context().getEndpoint(maria + "?useAffectedRows=true&useAffectedRows=false)",
                PgCdcSinkEndpoint.class)).isNotNull();
    }

    private PgCdcSinkEndpoint endpoint(String options) {
        return camel.context().getEndpoint(BASE + options, PgCdcSinkEndpoint.class);
    }

    private void assertFails(String options, String message) {
        assertThatThrownBy(() -> endpoint(options)).hasMessageContaining(message);
    }
}
