package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * The Kamelet in the jar, used as a user would: a YAML route {@code from: kamelet:pgcdc-source} with nothing but the
 * Kamelet's properties (Camel finds it under classpath:kamelets). Its messages are the change JSON that a plain
 * {@code pgcdc:} route with {@code marshal: json} gives for the same changes (a second slot sees the same LSNs).
 */
class KameletTest extends DefaultClusterTest {

    @Test
    void kameletSourceEmitsTheChangeJson() throws Exception {
        String kameletSlot = uniqueSlot("kamelet");
        String plainSlot = uniqueSlot("plain");
        String table = kameletSlot + "_orders";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, status text, total numeric(10,2))");
        pg().execute("CREATE PUBLICATION " + kameletSlot + " FOR TABLE " + table,
                "CREATE PUBLICATION " + plainSlot + " FOR TABLE " + table);

        Texts fromKamelet = new Texts();
        Texts fromPlainRoute = new Texts();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:kamelet").process(e -> fromKamelet.add(e.getIn().getBody(String.class)));
                from("seda:plain").process(e -> fromPlainRoute.add(e.getIn().getBody(String.class)));
            }
        });
        String kameletRoute = """
                - route:
                    from:
                      uri: kamelet:pgcdc-source
                      parameters:
                        slot: %s
                        host: %s
                        port: %d
                        database: postgres
                        user: %s
                        snapshotMode: never
                      steps:
                        - to: seda:kamelet
                """.formatted(kameletSlot, pg().host(), pg().port(), pg().superuser());
        String plainRoute = """
                - route:
                    from:
                      uri: pgcdc:%s
                      parameters:
                        host: %s
                        port: %d
                        database: postgres
                        user: %s
                        snapshotMode: never
                      steps:
                        - marshal:
                            json: {}
                        - to: seda:plain
                """.formatted(plainSlot, pg().host(), pg().port(), pg().superuser());
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kamelet.yaml", kameletRoute),
                ResourceHelper.fromString("plain.yaml", plainRoute));
        awaitStreaming(kameletSlot);
        awaitStreaming(plainSlot);

        pg().execute("INSERT INTO " + table + " VALUES (1, 'new', 10.50), (2, 'new', 3)",
                "UPDATE " + table + " SET status = 'paid' WHERE id = 1",
                "DELETE FROM " + table + " WHERE id = 2");

        List<String> kamelet = fromKamelet.await(4);
        assertThat(kamelet).isEqualTo(fromPlainRoute.await(4));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> changes = kamelet.stream().map(text -> {
            try {
                return json.readTree(text);
            } catch (Exception e) {
                throw new AssertionError(text, e);
            }
        }).toList();
        assertThat(changes).extracting(c -> c.get("op").asText()).containsExactly("c", "c", "u", "d");
        assertThat(kamelet.get(2)).contains("\"after\":{\"id\":1,\"status\":\"paid\",\"total\":10.50}");
        assertThat(changes.get(3).get("key").toString()).isEqualTo("{\"id\":2}");
    }

    /** Message bodies in arrival order; thread-safe. */
    private static final class Texts {
        private final List<String> texts = new ArrayList<>();

        synchronized void add(String text) {
            texts.add(text);
        }

        synchronized List<String> snapshot() {
            return List.copyOf(texts);
        }

        List<String> await(int count) {
            return Await.until(count + " messages", Duration.ofSeconds(30),
                    this::snapshot, l -> l.size() >= count);
        }
    }
}
