package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.ReplicationSlot;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.kafkabroker.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kafka.yaml and outbox-kafka.yaml against a real Kafka broker (KRaft) and a private PostgreSQL. */
class KafkaIntegrationsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(60);

    /** The broker's logs and the runner processes' output, kept for a failure's diagnosis. */
    static final Path DIR = Path.of("target", "kafka-" + UUID.randomUUID());

    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start(DIR);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One record as the test reads it back. */
    record Received(String key, String value, Map<String, String> headers, int partition) {

        JsonNode json() {
            try {
                return JSON.readTree(value);
            } catch (Exception e) {
                throw new AssertionError(value, e);
            }
        }
    }

    @Test
    void everyChangeArrivesInItsTablesTopicKeyedByItsRow() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE kafka_t (id int, region text, name text, PRIMARY KEY (region, id))");
        kafka.createTopics("pgcdc.public.kafka_t");
        try (RunningRoutes routes = RunningRoutes.capture(pg, "kafka", "public.kafka_t",
                RunningRoutes.integration("kafka.yaml"), "kafka.brokers=" + kafka.bootstrapServers())) {
            pg.execute("INSERT INTO kafka_t VALUES (1, 'eu', 'one')", "UPDATE kafka_t SET name = 'uno' WHERE id = 1",
                    "INSERT INTO kafka_t VALUES (2, 'us', 'two \"2\" \uD83D\uDE00')", "DELETE FROM kafka_t WHERE id = 1");
            long end = currentWalLsn(pg);
            List<Received> records = consume("pgcdc.public.kafka_t", list -> list.size() >= 4);
            assertThat(records).hasSize(4);
            Map<String, List<String>> opsByKey = records.stream().collect(Collectors.groupingBy(Received::key,
                    Collectors.mapping(r -> r.json().get("op").asText(), Collectors.toList())));
            // the key is the row's key as JSON: one row's changes share a partition, so they stay in order
            assertThat(opsByKey).containsOnly(Map.entry("{\"id\":1,\"region\":\"eu\"}", List.of("c", "u", "d")),
                    Map.entry("{\"id\":2,\"region\":\"us\"}", List.of("c")));
            assertThat(records).allSatisfy(r -> assertThat(r.headers()).containsOnly(
                    Map.entry("pgcdc_id", r.json().get("id").asText()), Map.entry("pgcdc_op", r.json().get("op").asText()),
                    Map.entry("pgcdc_schema", "public"), Map.entry("pgcdc_table", "kafka_t"),
                    Map.entry("Content-Type", "application/json")));
            // the value, spelled exactly as marshal: json writes a change (field order, escapes, a character outside the BMP
            // as an escaped surrogate pair)
            Received two = records.stream().filter(r -> r.key().contains("\"us\"")).findFirst().orElseThrow();
            JsonNode json = two.json();
            assertThat(two.value()).isEqualTo("{\"op\":\"c\",\"schema\":\"public\",\"table\":\"kafka_t\","
                    + "\"key\":{\"id\":2,\"region\":\"us\"},\"before\":null,"
                    + "\"after\":{\"id\":2,\"region\":\"us\",\"name\":\"two \\\"2\\\" \\uD83D\\uDE00\"},\"unchanged\":[],"
                    + "\"id\":\"" + json.get("id").asText() + "\",\"lsn\":\"" + json.get("lsn").asText() + "\","
                    + "\"commitLsn\":\"" + json.get("commitLsn").asText() + "\",\"txId\":" + json.get("txId").asLong()
                    + ",\"commitTimestamp\":\"" + json.get("commitTimestamp").asText() + "\",\"snapshot\":false}");
            // acknowledged only once the broker has the records, and then all of them
            Await.until("slot kafka confirmed past the last change", DEADLINE,
                    () -> slot(pg, "kafka").confirmedFlushLsnValue() >= end);
        }
    }

    @Test
    void outboxEventsGoToTheirAggregateTypesTopicOncePerCommit() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE shop_orders (id int PRIMARY KEY, status text)",
                "CREATE TABLE shop_outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL, aggregateid text NOT NULL,"
                        + " type text, payload jsonb)");
        kafka.createTopics("outbox.order", "outbox.customer");
        try (RunningRoutes routes = RunningRoutes.capture(pg, "outbox_kafka", "public.shop_orders,public.shop_outbox",
                RunningRoutes.integration("outbox-kafka.yaml"), "kafka.brokers=" + kafka.bootstrapServers(),
                "camel.component.pgcdc.outboxTables=public.shop_outbox");
             Connection connection = pg.connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (int order = 1; order <= 3; order++) {
                // the application's transaction: its business row and its event, the published row deleted at once
                sql.execute("INSERT INTO shop_orders VALUES (" + order + ", 'new')");
                sql.execute("INSERT INTO shop_outbox VALUES (gen_random_uuid(), 'order', '" + order + "', 'created',"
                        + " '{\"order\": " + order + "}')");
                sql.execute("INSERT INTO shop_outbox VALUES (gen_random_uuid(), 'customer', 'c" + order + "', 'ordered',"
                        + " '{\"order\": " + order + "}')");
                sql.execute("DELETE FROM shop_outbox");
                connection.commit();
                sql.execute("INSERT INTO shop_orders VALUES (" + (100 + order) + ", 'never')");
                sql.execute("INSERT INTO shop_outbox VALUES (gen_random_uuid(), 'order', '" + (100 + order)
                        + "', 'created', '{}')");
                connection.rollback();
            }
            List<Received> orders = consume("outbox.order", list -> list.size() >= 3);
            List<Received> customers = consume("outbox.customer", list -> list.size() >= 3);
            // once each, none of the rolled-back ones; the key (aggregate id) keeps one aggregate's events in order
            assertThat(orders).extracting(Received::key, Received::value).containsExactlyInAnyOrder(
                    tuple("1", "{\"order\":1}"), tuple("2", "{\"order\":2}"), tuple("3", "{\"order\":3}"));
            assertThat(customers).extracting(Received::key).containsExactlyInAnyOrder("c1", "c2", "c3");
            assertThat(orders).allSatisfy(r -> assertThat(r.headers()).containsEntry("type", "created")
                    .containsKey("id"));
            assertThat(orders.stream().map(r -> r.headers().get("id")).distinct()).hasSize(3);
        }
    }

    @Test
    void afterAKillAndARestartEveryChangeIsInTheTopic() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE kafka_kill (id int PRIMARY KEY)");
        kafka.createTopics("pgcdc.public.kafka_kill");
        int rows = 4_000;
        killMidStreamAndRestart(pg, "kafka_kill", "kafka.yaml", rows,
                id -> List.of("INSERT INTO kafka_kill VALUES (" + id + ")"), "pgcdc.tables=public.kafka_kill");

        List<Received> records = consume("pgcdc.public.kafka_kill", distinctAtLeast("pgcdc_id", rows));
        Map<String, List<Received>> byChangeId = records.stream().collect(Collectors.groupingBy(r -> r.headers().get("pgcdc_id")));
        Set<Integer> ids = records.stream().map(r -> r.json().get("after").get("id").asInt()).collect(Collectors.toSet());
        assertThat(ids).hasSize(rows);
        assertThat(byChangeId).hasSize(rows);
        // a duplicate is the same change again, recognisable by its id
        assertThat(byChangeId.values()).allSatisfy(same -> assertThat(same.stream().map(Received::value).distinct()).hasSize(1));
        System.out.printf("kafka.yaml, kill -9 mid-stream: %d changes, %d records, %d duplicates%n", rows, records.size(),
                records.size() - rows);
    }

    @Test
    void afterAKillAndARestartEveryOutboxEventIsInTheTopicUnderItsEventId() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE kill_orders (id int PRIMARY KEY)",
                "CREATE TABLE kill_outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL, aggregateid text NOT NULL,"
                        + " type text, payload jsonb)");
        kafka.createTopics("outbox.kill_order");
        int events = 2_000;
        killMidStreamAndRestart(pg, "outbox_kill", "outbox-kafka.yaml", events, id -> List.of(
                        "INSERT INTO kill_orders VALUES (" + id + ")",
                        "INSERT INTO kill_outbox VALUES (gen_random_uuid(), 'kill_order', '" + id + "', 'created',"
                                + " '{\"order\": " + id + "}')",
                        "DELETE FROM kill_outbox"),
                "pgcdc.tables=public.kill_orders,public.kill_outbox",
                "camel.component.pgcdc.outboxTables=public.kill_outbox");

        List<Received> records = consume("outbox.kill_order", distinctAtLeast("id", events));
        Map<String, List<Received>> byEventId = records.stream().collect(Collectors.groupingBy(r -> r.headers().get("id")));
        assertThat(byEventId).hasSize(events);
        assertThat(records.stream().map(Received::key).distinct()).hasSize(events);
        // a redelivered event carries the id it had: the same record again
        assertThat(byEventId.values()).allSatisfy(same -> assertThat(same.stream()
                .map(r -> r.key() + " " + r.value()).distinct()).hasSize(1));
        System.out.printf("outbox-kafka.yaml, kill -9 mid-stream: %d events, %d records, %d duplicates%n", events,
                records.size(), records.size() - events);
    }

    /**
     * Runs the integration in a JVM of its own while {@code count} transactions commit, kills it with SIGKILL once
     * some are acknowledged (but not all), restarts it and waits until the slot is confirmed past the last one.
     */
    private void killMidStreamAndRestart(PostgresServer pg, String slot, String integration, int count,
                                         IntFunction<List<String>> transaction, String... properties) throws Exception {
        Process child = startRunner(pg, slot, integration, properties);
        Thread writer = null;
        try {
            Await.until("slot " + slot + " streaming", DEADLINE, () -> pg.replicationSlots().stream()
                    .anyMatch(s -> s.slotName().equals(slot) && s.active()));
            long start = currentWalLsn(pg);
            writer = new Thread(() -> commitEach(pg, count, transaction), "writer");
            writer.start();
            Await.until("some changes acknowledged", DEADLINE, () -> slot(pg, slot).confirmedFlushLsnValue() > start);
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown, nothing flushed
        }
        writer.join();
        long end = currentWalLsn(pg);
        assertThat(slot(pg, slot).confirmedFlushLsnValue()).as("killed before everything was acknowledged").isLessThan(end);

        Process restarted = startRunner(pg, slot, integration, properties);
        try {
            Await.until("slot " + slot + " confirmed past the last change", Duration.ofSeconds(120),
                    () -> slot(pg, slot).confirmedFlushLsnValue() >= end);
        } finally {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startRunner(PostgresServer pg, String slot, String integration, String... properties)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PgCdcRunner.class.getName(),
                RunningRoutes.integration(integration).toString(), "pgcdc.host=" + pg.host(), "pgcdc.port=" + pg.port(),
                "pgcdc.user=" + pg.superuser(), "pgcdc.password=" + pg.superuserPassword(), "pgcdc.slot=" + slot,
                "camel.component.pgcdc.snapshotMode=never", "kafka.brokers=" + kafka.bootstrapServers()));
        command.addAll(List.of(properties));
        File log = DIR.resolve("runner-" + slot + "-" + System.nanoTime() + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    /** Commits transactions 1 to {@code count}, each of the given statements. */
    private static void commitEach(PostgresServer pg, int count, IntFunction<List<String>> transaction) {
        try (Connection connection = pg.connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (int i = 1; i <= count; i++) {
                for (String statement : transaction.apply(i)) {
                    sql.execute(statement);
                }
                connection.commit();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Predicate<List<Received>> distinctAtLeast(String header, int count) {
        return list -> list.stream().map(r -> r.headers().get(header)).distinct().count() >= count;
    }

    /** Reads the topic from the start until the records satisfy the condition (or the deadline passes). */
    private static List<Received> consume(String topic, Predicate<List<Received>> done) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<Received> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            return Await.until("records in " + topic, DEADLINE, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    received.add(new Received(r.key(), r.value(), headers, r.partition()));
                }
                return List.copyOf(received);
            }, done);
        }
    }

    private static ReplicationSlot slot(PostgresServer pg, String name) {
        return pg.replicationSlots().stream().filter(s -> s.slotName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no slot " + name));
    }

    private static long currentWalLsn(PostgresServer pg) {
        return ReplicationSlot.lsnValue(pg.queryForObject("SELECT pg_current_wal_insert_lsn()::text", String.class));
    }
}
