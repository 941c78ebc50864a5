package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.ReplicationSlot;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shipped integrations end to end: a private PostgreSQL in, the real destination out. */
class IntegrationsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void jsonlFilesAppendsEachRowChangeToItsTablesFile() {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE jsonl_a (id int PRIMARY KEY, name text)", "CREATE TABLE jsonl_b (id int PRIMARY KEY)");
        try (RunningRoutes routes = RunningRoutes.capture(pg, "jsonl", "public.jsonl_a,public.jsonl_b",
                RunningRoutes.integration("jsonl-files.yaml"), "jsonl.dir=" + dir)) {
            pg.execute("INSERT INTO jsonl_a VALUES (1, 'one')", "INSERT INTO jsonl_b VALUES (7)",
                    "UPDATE jsonl_a SET name = 'uno'", "DELETE FROM jsonl_b", "TRUNCATE jsonl_a",
                    "INSERT INTO jsonl_b VALUES (8)");

            // the last insert follows the truncate, so once it arrived the truncate would have too
            List<JsonNode> b = awaitLines(dir.resolve("public.jsonl_b.jsonl"), 3);
            List<JsonNode> a = lines(dir.resolve("public.jsonl_a.jsonl"));
            assertThat(a).extracting(line -> line.get("op").asText() + " " + line.get("after").get("name").asText())
                    .containsExactly("c one", "u uno");
            assertThat(b).extracting(line -> line.get("op").asText() + " " + line.get("key").get("id").asInt())
                    .containsExactly("c 7", "d 7", "c 8");
        }
    }

    @Test
    void postgresReplicaEqualsTheSourceKeepsTheHistoryTableAndSkipsTheFilteredTable() {
        PostgresServer pg = PG.server();
        pg.createDatabase("replica");
        pg.execute("CREATE TABLE rep_audit (id int PRIMARY KEY, name text)");
        for (String database : List.of("postgres", "replica")) {
            try (var connection = pg.connectTo(database); var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE rep_orders (id int PRIMARY KEY, status text, amount numeric(10,2))");
                statement.execute("CREATE TABLE rep_secrets (id int PRIMARY KEY)");
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
        }
        try (var connection = pg.connectTo("replica"); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE rep_audit (id int, name text, _pgcdc_op char(1), _pgcdc_commit_lsn bigint,"
                    + " _pgcdc_seq bigint, _pgcdc_lsn bigint, _pgcdc_commit_ts timestamptz,"
                    + " PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        try (RunningRoutes routes = RunningRoutes.capture(pg, "replica",
                "public.rep_orders,public.rep_secrets,public.rep_audit",
                RunningRoutes.integration("postgres-replica.yaml"), "replica.url=" + pg.jdbcUrl("replica"),
                "replica.user=" + pg.superuser(), "replica.password=" + pg.superuserPassword(),
                "replica.skip-table=rep_secrets", "replica.table-modes=public.rep_audit:append")) {
            pg.execute("INSERT INTO rep_orders VALUES (1, 'new', 10.50), (2, 'new', 3.00)",
                    "INSERT INTO rep_secrets VALUES (1)", "INSERT INTO rep_audit VALUES (1, 'one')",
                    "UPDATE rep_orders SET status = 'paid' WHERE id = 1", "DELETE FROM rep_orders WHERE id = 2",
                    "UPDATE rep_orders SET id = 3 WHERE id = 1", "UPDATE rep_audit SET name = 'uno'");
            String rows = "SELECT string_agg(id || ' ' || status || ' ' || amount, ', ' ORDER BY id) FROM rep_orders";
            String source = pg.queryForObject(rows, String.class);
            Await.until("the replica equals the source", DEADLINE, () -> source.equals(replicaValue(pg, rows)));
            assertThat(source).isEqualTo("3 paid 10.50");
            assertThat(replicaValue(pg, "SELECT count(*)::text FROM rep_secrets")).isEqualTo("0");
            String history = "SELECT string_agg(_pgcdc_op || ' ' || id || ' ' || name, ', '"
                    + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq) FROM rep_audit";
            Await.until("the history table has every change", DEADLINE,
                    () -> "c 1 one, u 1 uno".equals(replicaValue(pg, history)));
        }
    }

    private static String replicaValue(PostgresServer pg, String sql) {
        try (var connection = pg.connectTo("replica"); var statement = connection.createStatement();
             var result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void webhookRetriesEachChangeAndDeadLettersWhatKeepsFailing() throws IOException {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE wh_orders (id int PRIMARY KEY, status text)", "CREATE TABLE wh_customers (id int PRIMARY KEY)");
        Path deadLetters = dir.resolve("dead");
        try (WebhookReceiver receiver = new WebhookReceiver();
             RunningRoutes routes = RunningRoutes.capture(pg, "webhook", "public.wh_orders,public.wh_customers",
                     RunningRoutes.integration("webhook.yaml"), "webhook.url=" + receiver.url(),
                     "webhook.tables=wh_orders", "webhook.retries=2", "webhook.retry-delay=50",
                     "webhook.dead-letter-dir=" + deadLetters)) {
            pg.execute("INSERT INTO wh_customers VALUES (1)", "INSERT INTO wh_orders VALUES (1, 'new')",
                    "INSERT INTO wh_orders VALUES (2, '" + WebhookReceiver.REJECT + "')",
                    "UPDATE wh_orders SET status = 'paid' WHERE id = 1");

            List<WebhookReceiver.Delivery> accepted = Await.until("both changes of order 1 accepted", DEADLINE,
                    receiver::accepted, list -> list.size() >= 2);
            assertThat(accepted).extracting(d -> parse(d.body())).extracting(
                    json -> json.get("table").asText() + " " + json.get("op").asText() + " " + json.get("after").get("status").asText())
                    .containsExactly("wh_orders c new", "wh_orders u paid");
            assertThat(accepted).allSatisfy(d -> assertThat(d.idempotencyKey()).isEqualTo(parse(d.body()).get("id").asText()));
            List<Path> dead = Await.until("the rejected order dead-lettered", DEADLINE, () -> files(deadLetters),
                    files -> !files.isEmpty());
            assertThat(dead).hasSize(1);
            assertThat(parse(Files.readString(dead.get(0))).get("after").get("id").asInt()).isEqualTo(2);
            // the dead-lettered change was handled, so acknowledging moved past it to the update behind it
            long updateCommit = ReplicationSlot.lsnValue(parse(accepted.get(1).body()).get("commitLsn").asText());
            Await.until("slot confirmed past the update", DEADLINE, () -> pg.replicationSlots().stream()
                    .anyMatch(slot -> slot.slotName().equals("webhook") && slot.confirmedFlushLsnValue() > updateCommit));
        }
    }

    @Test
    void rabbitMqQueueReceivesEachRowChangeWithItsProperties() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE rabbit_t (id int PRIMARY KEY, name text)");
        String queue = "pgcdc.test." + System.nanoTime(); // durable queues outlive a run: one of its own
        // receiveLocalOnly: RabbitMQ 3.10's AMQP 1.0 plugin fails on the drain a remote receive with timeout sends
        try (JMSContext rabbit = new JmsConnectionFactory("guest", "guest",
                "amqp://127.0.0.1:5672?jms.receiveLocalOnly=true").createContext();
             JMSConsumer consumer = rabbit.createConsumer(rabbit.createQueue("/queue/" + queue))) {
            try (RunningRoutes routes = RunningRoutes.capture(pg, "rabbit", "public.rabbit_t",
                    RunningRoutes.integration("rabbitmq.yaml"), "rabbitmq.queue=" + queue)) {
                pg.execute("INSERT INTO rabbit_t VALUES (1, 'one')", "UPDATE rabbit_t SET name = 'uno'",
                        "DELETE FROM rabbit_t", "TRUNCATE rabbit_t");
                List<String> received = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Message message = consumer.receive(DEADLINE.toMillis());
                    assertThat(message).as("message " + (i + 1)).isNotNull();
                    JsonNode body = parse(message.getBody(String.class));
                    // Content-Type as the JMS binding spells a header name with a hyphen
                    assertThat(message.getStringProperty("Content_HYPHEN_Type")).isEqualTo("application/json");
                    if (i == 0) {
                        // the body, spelled exactly as marshal: json writes a change
                        assertThat(message.getBody(String.class)).isEqualTo("{\"op\":\"c\",\"schema\":\"public\","
                                + "\"table\":\"rabbit_t\",\"key\":{\"id\":1},\"before\":null,"
                                + "\"after\":{\"id\":1,\"name\":\"one\"},\"unchanged\":[],\"id\":\"" + body.get("id").asText()
                                + "\",\"lsn\":\"" + body.get("lsn").asText() + "\",\"commitLsn\":\""
                                + body.get("commitLsn").asText() + "\",\"txId\":" + body.get("txId").asLong()
                                + ",\"commitTimestamp\":\"" + body.get("commitTimestamp").asText() + "\",\"snapshot\":false}");
                    }
                    assertThat(message.getStringProperty("pgcdc_op")).isEqualTo(body.get("op").asText());
                    assertThat(message.getStringProperty("pgcdc_lsn")).isEqualTo(body.get("lsn").asText());
                    assertThat(message.getStringProperty("pgcdc_id")).isEqualTo(body.get("id").asText());
                    received.add(message.getStringProperty("pgcdc_schema") + "." + message.getStringProperty("pgcdc_table")
                            + " " + body.get("op").asText());
                }
                assertThat(received).containsExactly("public.rabbit_t c", "public.rabbit_t u", "public.rabbit_t d",
                        "public.rabbit_t t");
            }
        }
    }

    @Test
    void natsJetStreamStoresInsertsAndUpdatesWithTheirMessageIds() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE nats_t (id int PRIMARY KEY, name text)");
        // a stream and subjects of their own: JetStream keeps streams across runs and rejects overlapping subjects
        String stream = "PGCDC_TEST_" + System.nanoTime();
        String prefix = "pgcdc.test" + System.nanoTime();
        try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement jsm = nats.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".>").build());
            try (RunningRoutes routes = RunningRoutes.capture(pg, "nats", "public.nats_t",
                    RunningRoutes.integration("nats-jetstream.yaml"), "nats.prefix=" + prefix)) {
                pg.execute("INSERT INTO nats_t VALUES (1, 'one')", "UPDATE nats_t SET name = 'uno'", "DELETE FROM nats_t",
                        "INSERT INTO nats_t VALUES (2, 'two')");
                Await.until("3 messages in " + stream, DEADLINE, () -> messageCount(jsm, stream), n -> n >= 3);
                List<MessageInfo> messages = List.of(jsm.getMessage(stream, 1), jsm.getMessage(stream, 2),
                        jsm.getMessage(stream, 3));
                assertThat(messages).extracting(m -> parse(new String(m.getData(), StandardCharsets.UTF_8)))
                        .extracting(json -> json.get("op").asText() + " " + json.get("after").get("name").asText())
                        .containsExactly("c one", "u uno", "c two");
                assertThat(messages).allSatisfy(m -> {
                    assertThat(m.getSubject()).isEqualTo(prefix + ".public.nats_t");
                    assertThat(m.getHeaders().getFirst("Nats-Msg-Id"))
                            .isEqualTo(parse(new String(m.getData(), StandardCharsets.UTF_8)).get("id").asText());
                });
            } finally {
                jsm.deleteStream(stream);
            }
        }
    }

    @Test
    void natsJetStreamKeepsEveryRowOfACopyOnceThoughTwoSlotsDeliverIt() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE nats_copy (id int PRIMARY KEY)");
        String stream = "PGCDC_TEST_" + System.nanoTime();
        String prefix = "pgcdc.test" + System.nanoTime();
        int rows = 2_000;
        try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement jsm = nats.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".>").build());
            // the second slot delivers every change again, as a restart without acknowledgement would
            try (RunningRoutes first = RunningRoutes.capture(pg, "nats_copy_a", "public.nats_copy",
                    RunningRoutes.integration("nats-jetstream.yaml"), "nats.prefix=" + prefix);
                 RunningRoutes second = RunningRoutes.capture(pg, "nats_copy_b", "public.nats_copy",
                         RunningRoutes.integration("nats-jetstream.yaml"), "nats.prefix=" + prefix)) {
                try (var connection = pg.connectTo("postgres")) {
                    String data = IntStream.rangeClosed(1, rows).mapToObj(Integer::toString)
                            .collect(Collectors.joining("\n", "", "\n"));
                    connection.unwrap(PGConnection.class).getCopyAPI()
                            .copyIn("COPY nats_copy FROM STDIN", new StringReader(data));
                }
                long end = ReplicationSlot.lsnValue(
                        pg.queryForObject("SELECT pg_current_wal_insert_lsn()::text", String.class));
                Await.until("both slots confirmed past the COPY", DEADLINE, () -> pg.replicationSlots().stream()
                        .filter(slot -> slot.slotName().startsWith("nats_copy_") && slot.confirmedFlushLsnValue() >= end)
                        .count() == 2);
                // a dropped duplicate is never stored, so the count is final once both deliveries were acknowledged
                assertThat(messageCount(jsm, stream)).isEqualTo(rows);
            } finally {
                jsm.deleteStream(stream);
            }
        }
    }

    private static long messageCount(JetStreamManagement jsm, String stream) {
        try {
            return jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
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

    private static List<JsonNode> awaitLines(Path file, int count) {
        return Await.until(count + " lines in " + file, DEADLINE, () -> lines(file), lines -> lines.size() >= count);
    }

    /** The file's JSON lines; none while it does not exist. */
    static List<JsonNode> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(IntegrationsTest::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
