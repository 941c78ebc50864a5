package dev.pgcdc.kafkabroker;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.pgcdc.embedded.junit.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A real Kafka broker (KRaft, broker and controller in one process) in a JVM of its own, on free 127.0.0.1 ports,
 * with its logs under the given directory: what the routes' tests and the benchmark deliver to. Its classpath is
 * what this module resolved at build time (the {@code broker.classpath} resource beside this class), so the
 * broker's kafka-clients and Scala never meet the caller's client; the admin calls here use the caller's
 * kafka-clients.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Partitions of every topic {@link #createTopics} creates. */
    public static final int PARTITIONS = 3;

    private static final String CLASSPATH = "broker.classpath";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrap;

    private KafkaBroker(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /**
     * Formats a new log directory under {@code dir}, starts the broker and waits until it answers (at most
     * {@link #START_TIMEOUT}; then the broker is stopped and the error holds its log).
     */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        String classpath = brokerClasspath();
        Files.createDirectories(dir);
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path config = dir.resolve("server.properties");
        Properties properties = new Properties();
        properties.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("logs").toAbsolutePath().toString()),
                Map.entry("num.partitions", String.valueOf(PARTITIONS)),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "true")));
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(out, "pgcdc test broker");
        }
        Process format = java(classpath, dir.resolve("format.log"), "kafka.tools.StorageTool", "format", "-t",
                clusterId(), "-c", config.toString());
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the Kafka log directory failed: "
                    + Files.readString(dir.resolve("format.log")));
        }
        Process broker = java(classpath, dir.resolve("broker.log"), "kafka.Kafka", config.toString());
        // a test JVM that ends without close() (a fork timeout) must not leave the broker behind
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroyForcibly, "kafka-broker-reaper"));
        KafkaBroker started = new KafkaBroker(broker, "127.0.0.1:" + brokerPort);
        try {
            started.awaitReady();
        } catch (RuntimeException | AssertionError e) { // Await's timeout is an AssertionError
            started.close();
            throw new IllegalStateException("the Kafka broker did not start: " + Files.readString(dir.resolve("broker.log")),
                    e);
        }
        return started;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /**
     * Creates topics of {@link #PARTITIONS} partitions, as production creates them before the pipeline starts: a topic the
     * producer's first record auto-creates can stall an idempotent producer (its first batch meets "not leader",
     * later batches land, and the retried one is then out of sequence until delivery.timeout.ms).
     */
    public void createTopics(String... topics) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(Stream.of(topics).map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList()).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The records a topic of {@link #createTopics} holds: the sum of its partitions' end offsets (nothing is
     * deleted or compacted in a broker this young, and a transactional marker would count too; none is written).
     */
    public long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset).sum();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private void awaitReady() {
        Await.until("Kafka broker at " + bootstrap + " answering", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue());
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
                return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH + " is missing beside " + KafkaBroker.class.getName()
                        + ": build pgcdc-kafka-broker with Maven (e.g. mvn -pl routes -am verify), which writes it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static Process java(String classpath, Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding (what kafka-storage random-uuid prints). */
    private static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            byte[] bytes = new byte[16];
            for (int i = 0; i < 8; i++) {
                bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
                bytes[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
            }
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // one in 64 starts with '-', which the storage tool's argument parser takes for an option (as Kafka's own
            // Uuid.randomUuid() avoids)
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
