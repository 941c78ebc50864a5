package dev.pgcdc.sink.springboot;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.springboot.ConfigurationMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A Spring Boot application configured only by application.properties (camel.component.pgcdc.* and
 * camel.component.pgcdc-sink.*, the route from routes/replicate.yaml) replicates a table into another database of
 * the embedded cluster. The starter's generated configuration metadata lists every component option of
 * pgcdc-sink.json.
 */
@SpringBootTest(classes = PgCdcSinkStarterTest.App.class)
class PgCdcSinkStarterTest {

    /** Started before the Spring context, which reads its port from pgcdc.test.port. */
    private static final PostgresCluster PG = startCluster();

    private static PostgresCluster startCluster() {
        PostgresCluster cluster = PostgresCluster.builder().start();
        System.setProperty("pgcdc.test.port", Integer.toString(cluster.port()));
        cluster.execute("CREATE TABLE orders (id int PRIMARY KEY, status text)");
        cluster.createDatabase("replica");
        return cluster;
    }

    @AfterAll
    static void stopCluster() {
        System.clearProperty("pgcdc.test.port");
        PG.stop();
    }

    @Test
    void replicatesIntoTheConfiguredTarget() {
        Await.until("slot sink_slot active", Duration.ofSeconds(30), () -> PG.replicationSlots().stream()
                .anyMatch(s -> s.slotName().equals("sink_slot") && s.active()));
        PG.execute("INSERT INTO orders VALUES (1, 'new'), (2, 'new')",
                "UPDATE orders SET status = 'paid' WHERE id = 1", "DELETE FROM orders WHERE id = 2");

        Await.until("replica.orders = [1:paid]", Duration.ofSeconds(30), PgCdcSinkStarterTest::replicaRows,
                rows -> rows.equals(List.of("1:paid")));
    }

    @Test
    void configurationMetadataListsEveryComponentOption() throws IOException {
        ConfigurationMetadata.assertListsEveryComponentOption("META-INF/dev/pgcdc/sink/pgcdc-sink.json", "pgcdc-sink");
    }

    /** The replica's orders as id:status, or nothing while the sink has not created the table yet. */
    private static List<String> replicaRows() {
        List<String> rows = new ArrayList<>();
        try (Connection connection = PG.connectTo("replica"); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id || ':' || status FROM orders ORDER BY id")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // undefined_table: not created yet
                throw new IllegalStateException(e);
            }
        }
        return rows;
    }

    @SpringBootApplication
    static class App {
    }
}
