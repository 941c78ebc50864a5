package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.it.StartedCamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A password in a URI the sink names in a failure (its jdbcUrl, the route's from endpoint) is masked. */
class SinkSecretsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final String TARGET = "secrets_target";

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();

    @BeforeAll
    static void createTarget() {
        PG.server().createDatabase(TARGET);
    }

    @Test
    void aJdbcUrlNoDriverTakesIsNamedWithoutItsPasswordAndWithTheFix() throws Exception {
        String messages = failure("direct:in",
                "pgcdc-sink:shop?jdbcUrl=RAW(jdbc:postgres://db/shop?user=app&password=hunter2)");
        assertThat(messages).doesNotContain("hunter2").contains("no JDBC driver takes the jdbcUrl",
                "jdbc:postgres://db/shop?user=xxxxxx&password=xxxxxx", "jdbc:postgresql://", "jdbc:mariadb://",
                "put the JDBC driver for it on the classpath");
    }

    @Test
    void createTablesNamesTheFromEndpointWithoutItsPassword() throws Exception {
        String messages = failure("direct://app:hunter2@replica", "pgcdc-sink:replica?createTables=true&jdbcUrl="
                + PG.server().jdbcUrl(TARGET) + "&user=" + PG.server().superuser());
        assertThat(messages).doesNotContain("hunter2").contains("createTables needs the change to come straight",
                "direct://app:xxxxxx@replica");
    }

    /** Sends a change from {@code from} to {@code sink}; every message of the exchange's failure and its causes. */
    private String failure(String from, String sink) throws Exception {
        camel.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).to(sink);
            }
        });
        ChangeEvent change = new ChangeEvent(Operation.INSERT, "public", "orders", Map.of("id", 1), null,
                Map.of("id", 1), null, Lsn.of(8), Lsn.of(16), 7, Instant.EPOCH, false).withPosition(0);
        Exchange sent = camel.context().createProducerTemplate().send(from, e -> e.getIn().setBody(change));
        assertThat(sent.getException()).isInstanceOf(SinkException.class);
        List<String> messages = new ArrayList<>();
        for (Throwable e = sent.getException(); e != null; e = e.getCause()) {
            messages.add(e.toString());
        }
        return String.join("\n", messages);
    }
}
