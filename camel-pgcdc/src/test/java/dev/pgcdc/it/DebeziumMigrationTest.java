package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * Migrating from camel-debezium-postgres: a route written for it runs unchanged but for its {@code from:} URI, with
 * {@code outputFormat=camel-debezium} (the body is the row after the change, the CamelDebezium* headers as camel-debezium
 * sets them).
 */
class DebeziumMigrationTest extends DefaultClusterTest {

    private static final String DEBEZIUM_URI = "debezium-postgres:customers?databaseHostname=localhost"
            + "&databasePort=5432&databaseUser=cdc&databasePassword=RAW(secret)&databaseDbname=postgres"
            + "&topicPrefix=shop&slotName=customers&publicationName=customers"
            + "&tableIncludeList=public.customers&offsetStorageFileName=/var/lib/cdc/offsets.dat";

    /** A route as written for camel-debezium-postgres: it reads its headers and converts the body to a Map. */
    private static final String ROUTE = """
            - route:
                id: customers-audit
                from:
                  uri: "%s"
                  steps:
                    - choice:
                        when:
                          - simple: "${header.CamelDebeziumOperation} == 'd'"
                            steps:
                              - setBody:
                                  simple: "deleted from ${header.CamelDebeziumSourceMetadata[db]}.${header.CamelDebeziumSourceMetadata[schema]}.${header.CamelDebeziumSourceMetadata[table]}"
                        otherwise:
                          steps:
                            - convertBodyTo:
                                type: java.util.Map
                            - setBody:
                                simple: "${header.CamelDebeziumOperation} ${header.CamelDebeziumSourceMetadata[table]} ${body[id]}=${body[name]}"
                    - to: seda:audit
            """.formatted(DEBEZIUM_URI);

    @Test
    void routeWrittenForCamelDebeziumRunsWithOnlyItsUriChanged() throws Exception {
        String slot = uniqueSlot("customers");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        String pgcdcUri = uri(slot, "tables=public." + table + "&outputFormat=camel-debezium");

        List<Exchange> audit = new ArrayList<>();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:audit").process(e -> {
                    synchronized (audit) {
                        audit.add(e.copy());
                    }
                });
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.fromString("customers-audit.yaml", ROUTE.replace(DEBEZIUM_URI, pgcdcUri)));
        awaitStreaming(slot);

        pg().execute("INSERT INTO " + table + " VALUES (1, 'Ada')",
                "UPDATE " + table + " SET name = 'Grace' WHERE id = 1",
                "DELETE FROM " + table + " WHERE id = 1");

        List<Exchange> exchanges = Await.until("3 audit lines", Duration.ofSeconds(30), () -> {
            synchronized (audit) {
                return List.copyOf(audit);
            }
        }, l -> l.size() >= 3);
        assertThat(exchanges).extracting(e -> e.getIn().getBody(String.class)).containsExactly(
                "c " + table + " 1=Ada",
                "u " + table + " 1=Grace",
                "deleted from postgres.public." + table);

        Exchange update = exchanges.get(1);
        assertThat(update.getIn().getHeader("CamelDebeziumIdentifier")).isEqualTo(slot + ".public." + table);
        assertThat(update.getIn().getHeader("CamelDebeziumKey")).isEqualTo(Map.of("id", 1));
        assertThat(update.getIn().getHeader("CamelDebeziumBefore")).isNull(); // REPLICA IDENTITY DEFAULT, key kept
        assertThat(update.getIn().getHeader("CamelDebeziumTimestamp", Long.class)).isPositive();
        assertThat(update.getIn().getHeader("CamelDebeziumSourceMetadata", Map.class))
                .containsEntry("connector", "postgresql").containsEntry("name", slot).containsEntry("snapshot", "false");
        assertThat(exchanges.get(2).getIn().getHeader("CamelDebeziumBefore")).isEqualTo(Map.of("id", 1));
    }
}
