package dev.pgcdc.samples.quarkus;

import java.util.Map;

import dev.pgcdc.embedded.PostgresCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A private cluster for the application under test, with the orders table; its address goes into the config. */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    static PostgresCluster cluster;

    @Override
    public Map<String, String> start() {
        cluster = PostgresCluster.builder().start();
        cluster.execute("CREATE TABLE orders (id int PRIMARY KEY, status text)");
        return Map.of("camel.component.pgcdc.host", cluster.host(),
                "camel.component.pgcdc.port", Integer.toString(cluster.port()),
                "camel.component.pgcdc.user", cluster.superuser());
    }

    @Override
    public void stop() {
        cluster.stop();
    }
}
