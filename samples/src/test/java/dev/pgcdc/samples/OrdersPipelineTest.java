package dev.pgcdc.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sample end to end against a private PostgreSQL: summaries, dead letters and duplicates. */
class OrdersPipelineTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void summarisesOrdersDeadLettersTheBadOneAndWritesADuplicateOnce() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE orders (id int PRIMARY KEY, status text, amount numeric(10,2))");
        Main app = OrdersPipelineApp.newMain("pgcdc.host=" + pg.host(), "pgcdc.port=" + pg.port(),
                "pgcdc.user=" + pg.superuser(), "pgcdc.password=" + pg.superuserPassword(), "sample.dir=" + dir);
        app.start();
        try {
            Await.until("slot streaming", DEADLINE, () -> pg.replicationSlots().stream().anyMatch(s -> s.active()));
            pg.execute("INSERT INTO orders VALUES (1, 'new', 10.00)", "INSERT INTO orders VALUES (2, 'new', -5.00)",
                    "UPDATE orders SET status = 'paid' WHERE id = 1", "DELETE FROM orders WHERE id = 1");

            Path summaries = dir.resolve("orders.jsonl");
            List<JsonNode> lines = Await.until("two summaries of order 1", DEADLINE, () -> lines(summaries),
                    list -> list.size() >= 2);
            assertThat(lines).extracting(l -> l.get("order").asInt() + " " + l.get("event").asText() + " "
                    + l.get("status").asText()).containsExactly("1 placed new", "1 changed paid");
            assertThat(lines).allSatisfy(l -> assertThat(l.get("amount").decimalValue()).isEqualByComparingTo("10"));
            List<Path> dead = Await.until("order 2 dead-lettered", DEADLINE, () -> files(dir.resolve("dead-letters")),
                    files -> !files.isEmpty());
            assertThat(JSON.readTree(dead.get(0).toFile()).get("after").get("id").asInt()).isEqualTo(2);

            // the first change again, as after a crash before its acknowledgement: the same id is written once
            String id = lines.get(0).get("id").asText();
            app.getCamelContext().createProducerTemplate().sendBodyAndHeaders(OrdersPipeline.ORDERS, "redelivered",
                    Map.of(PgCdcConstants.ID, id));
            assertThat(lines(summaries)).hasSize(2);
        } finally {
            app.stop();
        }
    }

    private static List<JsonNode> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(OrdersPipelineTest::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
