package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.ReplicationSlot;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code pgcdc} dev console, read as tooling reads it, through Camel's {@link DevConsoleRegistry}: a running
 * consumer's slot, positions, lag, WAL state, counters and acknowledgement time, and a table's snapshot progress
 * while a route the test holds keeps the snapshot halfway.
 */
class DevConsoleTest extends CdcTestSupport {

    /** A bounded slot, so safe_wal_size has a value. */
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().setting("max_slot_wal_keep_size", "1GB").build();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void showsTheConsumerAndItsSnapshotProgressMidwayAndAtTheEnd() throws Exception {
        String slot = uniqueSlot("console");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)",
                "INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(1, 30) g",
                "ANALYZE " + table);
        CountDownLatch release = new CountDownLatch(1);
        Received received = new Received();
        CamelContext context = new DefaultCamelContext();
        context.setDevConsole(true);
        context.getShutdownStrategy().setTimeout(20);
        // chunks of 10 rows; the route holds row 15, so the first chunk completes and the second cannot. The slot
        // is read once at start (the monitor's interval is an hour), so refresh=true is what reads it again.
        String uri = uri(slot, "tables=" + table + "&snapshotMode=initial&snapshotChunkSize=10"
                + "&slotMonitorInterval=3600000");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("console").process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.isSnapshot() && Integer.valueOf(15).equals(event.getAfter().get("id"))) {
                        assertThat(release.await(60, TimeUnit.SECONDS)).as("released by the test").isTrue();
                    }
                    received.add(event);
                });
            }
        });
        contexts.add(context);
        try {
            context.start();
            DevConsole console = DevConsoleRegistry.get(context).resolveById("pgcdc");
            assertThat(console).as("pgcdc console found through its META-INF/services entry").isNotNull();

            // the first chunk's progress is saved before the second chunk's rows reach the route: wait for both
            JsonNode midway = Await.until("the first chunk completed and the second held", Duration.ofSeconds(30),
                    () -> consumerJson(console, Map.of()),
                    c -> table(c, table) != null && table(c, table).get("rowsDone").asLong() == 10
                            && c.get("received").asLong() >= 15 && c.get("inflight").asLong() > 0
                            && c.hasNonNull("lastAckTime") && c.hasNonNull("serverLsn"));
            JsonNode progress = table(midway, table);
            assertThat(progress.get("done").asBoolean()).isFalse();
            assertThat(progress.get("estimatedRows").asLong()).isEqualTo(30);
            assertThat(progress.get("percent").asInt()).isEqualTo(33);
            assertThat(progress.get("rowsPerSecond").asDouble()).isPositive();
            assertThat(progress.get("etaSeconds").isNumber()).as("ETA while running: %s", progress).isTrue();
            assertThat(midway.at("/snapshot/phase").asText()).isEqualTo("RUNNING");
            assertThat(midway.get("routeId").asText()).isEqualTo("console");
            assertThat(midway.get("slot").asText()).isEqualTo(slot);
            assertThat(midway.get("phase").asText()).isEqualTo("STREAMING");
            assertThat(midway.get("health").asText()).isEqualTo("UP");
            assertThat(midway.get("confirmedLsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(midway.get("serverLsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(midway.get("lagBytes").asLong()).isNotNegative();
            assertThat(midway.get("lagSeconds").isNumber()).isTrue();
            assertThat(midway.get("walStatus").asText()).isEqualTo("reserved");
            assertThat(midway.get("safeWalSize").asLong()).isPositive();
            assertThat(midway.get("completed").asLong())
                    .isEqualTo(midway.get("received").asLong() - midway.get("inflight").asLong());
            assertThat(midway.get("lastError").isNull()).isTrue();

            release.countDown();
            JsonNode done = Await.until("the snapshot done", Duration.ofSeconds(30),
                    () -> consumerJson(console, Map.of()), c -> table(c, table).get("done").asBoolean());
            assertThat(table(done, table).get("rowsDone").asLong()).isEqualTo(30);
            assertThat(table(done, table).get("percent").asInt()).isEqualTo(100);
            assertThat(table(done, table).get("etaSeconds").isNull()).isTrue();
            assertThat(received.await(30)).hasSize(30);

            // WAL the slot does not capture moves the server's position; only a refresh reads it before the next
            // periodic reading
            String before = consumerJson(console, Map.of()).get("serverLsn").asText();
            pg().execute("CREATE TABLE " + slot + "_other (id int)", "INSERT INTO " + slot + "_other VALUES (1)");
            assertThat(consumerJson(console, Map.of()).get("serverLsn").asText()).isEqualTo(before);
            String refreshed = consumerJson(console, Map.of("refresh", "true")).get("serverLsn").asText();
            assertThat(ReplicationSlot.lsnValue(refreshed)).isGreaterThan(ReplicationSlot.lsnValue(before));

            String text = (String) console.call(DevConsole.MediaType.TEXT, Map.of());
            assertThat(text).contains("Slot: " + slot).contains("Phase: STREAMING")
                    .contains("public." + table + ": 30 of about 30 rows (100 %)").contains(", done");
        } finally {
            release.countDown();
        }
    }

    /** The console's JSON for the context's only pgcdc consumer, parsed as a client of the HTTP endpoint would. */
    private static JsonNode consumerJson(DevConsole console, Map<String, Object> options) {
        JsonObject root = (JsonObject) console.call(DevConsole.MediaType.JSON, options);
        try {
            JsonNode consumers = JSON.readTree(root.toJson()).get("consumers");
            assertThat(consumers).hasSize(1);
            return consumers.get(0);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode table(JsonNode consumer, String table) {
        for (JsonNode progress : consumer.at("/snapshot/tables")) {
            if (progress.get("table").asText().equals("public." + table)) {
                return progress;
            }
        }
        return null;
    }
}
