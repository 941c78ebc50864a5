package dev.pgcdc.samples.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import dev.pgcdc.PgCdcComponent;
import dev.pgcdc.embedded.junit.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The Camel Quarkus application (JVM mode) streams changes of the embedded cluster through its pgcdc route. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OrdersRouteTest {

    @Inject
    RecentChanges recentChanges;

    @Test
    void streamsChanges() {
        Await.until("slot quarkus_orders active", Duration.ofSeconds(30), () -> EmbeddedPostgresResource.cluster
                .replicationSlots().stream().anyMatch(s -> s.slotName().equals("quarkus_orders") && s.active()));
        EmbeddedPostgresResource.cluster.execute("INSERT INTO orders VALUES (1, 'new')",
                "UPDATE orders SET status = 'paid' WHERE id = 1", "DELETE FROM orders WHERE id = 1");

        List<String> changes = Await.until("3 changes", Duration.ofSeconds(30), recentChanges::list,
                l -> l.size() >= 3);
        assertThat(changes.get(0)).startsWith("{\"op\":\"c\",\"schema\":\"public\",\"table\":\"orders\"");
        assertThat(changes.get(1)).contains("\"op\":\"u\"", "\"after\":{\"id\":1,\"status\":\"paid\"}");
        assertThat(changes.get(2)).contains("\"op\":\"d\"", "\"key\":{\"id\":1}");
    }

    @Test
    void componentJarCarriesAJandexIndex() throws Exception {
        String componentJar = PgCdcComponent.class.getProtectionDomain().getCodeSource().getLocation().toString();
        List<URL> indexes = Collections.list(PgCdcComponent.class.getClassLoader().getResources("META-INF/jandex.idx"));
        assertThat(indexes).anyMatch(url -> url.toString().startsWith("jar:" + componentJar)
                || url.toString().startsWith(componentJar));
    }
}
