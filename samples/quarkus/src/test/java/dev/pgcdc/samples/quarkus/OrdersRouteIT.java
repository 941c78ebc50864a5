package dev.pgcdc.samples.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.junit.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The packaged Camel Quarkus application (JVM mode, target/quarkus-app, run as its own process as users run it)
 * streams the embedded cluster's changes through its pgcdc route, which logs each as JSON.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OrdersRouteIT {

    /** Where Quarkus's integration-test launcher writes the application's output. */
    private static final Path LOG = Path.of("target", "quarkus.log");

    @Test
    void streamsChanges() {
        Await.until("slot quarkus_orders active", Duration.ofSeconds(60), () -> EmbeddedPostgresResource.cluster
                .replicationSlots().stream().anyMatch(s -> s.slotName().equals("quarkus_orders") && s.active()));
        EmbeddedPostgresResource.cluster.execute("INSERT INTO orders VALUES (1, 'new')",
                "UPDATE orders SET status = 'paid' WHERE id = 1", "DELETE FROM orders WHERE id = 1");

        List<String> changes = Await.until("3 changes logged", Duration.ofSeconds(30), OrdersRouteIT::loggedChanges,
                l -> l.size() >= 3);
        assertThat(changes.get(0)).startsWith("{\"op\":\"c\",").contains("\"table\":\"orders\"");
        assertThat(changes.get(1)).contains("\"op\":\"u\"", "\"after\":{\"id\":1,\"status\":\"paid\"}");
        assertThat(changes.get(2)).contains("\"op\":\"d\"", "\"key\":{\"id\":1}");
    }

    /** The change JSON documents the route logged, in order. */
    private static List<String> loggedChanges() {
        try {
            return Files.readAllLines(LOG, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("{\"op\":"))
                    .map(line -> line.substring(line.indexOf("{\"op\":")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
