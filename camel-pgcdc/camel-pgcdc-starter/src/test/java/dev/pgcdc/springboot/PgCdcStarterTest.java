package dev.pgcdc.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.ConsumerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A Spring Boot application configured only by application.properties (camel.component.pgcdc.*, the route from
 * routes/orders.yaml) streams changes from an embedded cluster, and the consumer's health check shows in actuator's
 * health. The starter's generated configuration metadata lists every component option of pgcdc.json.
 */
@SpringBootTest(classes = PgCdcStarterTest.App.class)
class PgCdcStarterTest {

    /** Started before the Spring context, which reads its port from pgcdc.test.port. */
    private static final PostgresCluster PG = startCluster();

    @Autowired
    private ConsumerTemplate consumer;
    @Autowired
    private HealthEndpoint health;

    private static PostgresCluster startCluster() {
        PostgresCluster cluster = PostgresCluster.builder().start();
        System.setProperty("pgcdc.test.port", Integer.toString(cluster.port()));
        cluster.execute("CREATE TABLE orders (id int PRIMARY KEY, status text)");
        return cluster;
    }

    @AfterAll
    static void stopCluster() {
        System.clearProperty("pgcdc.test.port");
        PG.stop();
    }

    @Test
    @SuppressWarnings("unchecked") // actuator's details are a Map<String, Object> of Camel's check data
    void streamsChangesAndReportsHealth() {
        Await.until("slot boot_slot active", Duration.ofSeconds(30), () -> PG.replicationSlots().stream()
                .anyMatch(s -> s.slotName().equals("boot_slot") && s.active()));
        PG.execute("INSERT INTO orders VALUES (1, 'new')", "UPDATE orders SET status = 'paid' WHERE id = 1");

        String insert = consumer.receiveBody("seda:changes", 30_000, String.class);
        String update = consumer.receiveBody("seda:changes", 30_000, String.class);
        assertThat(insert).startsWith("{\"op\":\"c\",\"schema\":\"public\",\"table\":\"orders\",\"key\":{\"id\":1}");
        assertThat(update).contains("\"op\":\"u\"", "\"after\":{\"id\":1,\"status\":\"paid\"}");

        Health camel = (Health) health.healthForPath("camelHealth");
        assertThat(camel.getStatus()).isEqualTo(Status.UP);
        assertThat(camel.getDetails()).containsEntry("consumer:orders", "UP");
        assertThat((Map<String, Object>) camel.getDetails().get("consumer:orders.data"))
                .containsEntry("check.id", "pgcdc-consumer-orders")
                .containsEntry("pgcdc.slot", "boot_slot")
                .containsEntry("pgcdc.phase", "STREAMING");
    }

    @Test
    void configurationMetadataListsEveryComponentOption() throws IOException {
        ConfigurationMetadata.assertListsEveryComponentOption("META-INF/dev/pgcdc/pgcdc.json", "pgcdc");
    }

    @SpringBootApplication
    static class App {
    }
}
