package dev.pgcdc.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Bad settings fail at start with a message naming the option and what it accepts, before any connection. */
class PgClusterServiceOptionsTest {

    @Test
    void sslModeTakesLibpqSpelling() {
        PgClusterService service = new PgClusterService();
        service.setSslMode("verify-full");
        assertThat(service.getSslMode()).isEqualTo("verify-full");
        assertThatThrownBy(() -> service.setSslMode("strict"))
                .hasMessage("sslMode strict is not one of [disable, allow, prefer, require, verify-ca, verify-full]");
    }

    @Test
    void aSessionTimeoutShorterThanThreeChecksIsRefused() throws Exception {
        PgClusterService service = new PgClusterService();
        service.setDatabase("shop");
        service.setCheckInterval(1000);
        service.setSessionTimeout(2000);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            service.setCamelContext(context);
            assertThatThrownBy(service::start).hasMessageContaining("sessionTimeout >= 3 * checkInterval")
                    .hasMessageContaining("checkInterval=1000 and sessionTimeout=2000");
        }
    }

    @Test
    void theDatabaseIsRequired() throws Exception {
        PgClusterService service = new PgClusterService();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            service.setCamelContext(context);
            assertThatThrownBy(service::start).hasMessageContaining("PgClusterService needs a database");
        }
    }

    @Test
    void timeoutsAreDurationsInMillisecondsLikeTheComponentsAndAConnectTimeoutUnderASecondIsRefused() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty(PgClusterServiceConfiguration.PREFIX + "connectTimeout", "5s");
            properties.setProperty(PgClusterServiceConfiguration.PREFIX + "checkInterval", "500ms");
            properties.setProperty(PgClusterServiceConfiguration.PREFIX + "sessionTimeout", "1m");
            context.getPropertiesComponent().setInitialProperties(properties);
            new PgClusterServiceConfiguration().configure(context);
            PgClusterService service = context.hasService(PgClusterService.class);
            assertThat(service.getConnectTimeout()).isEqualTo(5000);
            assertThat(service.getCheckInterval()).isEqualTo(500);
            assertThat(service.getSessionTimeout()).isEqualTo(60_000);

            service.setDatabase("shop");
            service.setConnectTimeout(10);
            service.setCamelContext(context);
            assertThatThrownBy(service::start).hasMessage("Invalid value 10ms for option connectTimeout: it must be 0"
                    + " (no timeout) or at least 1s. A plain number is milliseconds: write e.g. connectTimeout=10s");
        }
    }
}
