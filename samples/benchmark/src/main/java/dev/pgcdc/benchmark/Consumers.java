package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.pgcdc.benchmark.probe.ProbeArgs;
import dev.pgcdc.embedded.PostgresCluster;

/**
 * Starts the measured processes against the cluster: pg_recvlogical, psql, and the pgcdc and Debezium probe JVMs.
 * Every JVM gets the same options, so heap and RSS figures compare.
 */
final class Consumers {

    /** Same for every probe JVM; the heap is left to the JVM's defaults, which is what users run. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseG1GC");

    private final PostgresCluster cluster;
    private final Path logDir;
    private final Path debeziumJar;
    private final List<String> extraJvmOptions;
    private final int maxInflight;
    /** The pgcdc probes' Camel exchange factory: prototype (Camel's default) or pooled. */
    private final String exchangeFactory;

    Consumers(PostgresCluster cluster, Path logDir, Path debeziumJar, List<String> extraJvmOptions, int maxInflight,
              String exchangeFactory) {
        this.cluster = cluster;
        this.logDir = logDir;
        this.debeziumJar = debeziumJar;
        this.extraJvmOptions = extraJvmOptions;
        this.maxInflight = maxInflight;
        this.exchangeFactory = exchangeFactory;
    }

    /** pg_recvlogical with pgoutput to /dev/null from {@code slot} until {@code endLsn}; returns its wall time. */
    double recvlogical(String slot, String endLsn, Duration timeout) throws IOException, InterruptedException {
        return Child.start("pg_recvlogical-" + slot, List.of(cluster.tool("pg_recvlogical").toString(),
                        "--dbname=" + connInfo(), "--slot=" + slot, "--start", "--no-loop", "--endpos=" + endLsn,
                        "--option=proto_version=1", "--option=publication_names=" + Workload.PUBLICATION,
                        "--file=/dev/null"),
                Map.of("PGPASSWORD", cluster.superuserPassword()), logDir).await(timeout);
    }

    /** {@code COPY bench TO STDOUT} through psql into /dev/null; returns its wall time. */
    double psqlCopy(Duration timeout) throws IOException, InterruptedException {
        return psqlCopy(Workload.TABLE, timeout);
    }

    /** Seconds {@code COPY table TO STDOUT} through psql into nothing takes. */
    double psqlCopy(String table, Duration timeout) throws IOException, InterruptedException {
        return Child.startDiscardingOutput("psql-copy", List.of(cluster.tool("psql").toString(), "--no-psqlrc",
                        "--quiet", "--command=COPY " + table + " TO STDOUT", connInfo()),
                Map.of("PGPASSWORD", cluster.superuserPassword()), logDir).await(timeout);
    }

    /**
     * The pgcdc probe ({@link PgcdcProbe}) on this JVM's classpath, or with {@code camelPgcdcJar} in front of it
     * (an older build of camel-pgcdc, for before/after figures in one run).
     */
    Child pgcdc(String name, String mode, String slot, long expected, long warmup, Duration timeout,
                Path camelPgcdcJar) throws IOException {
        return pgcdc(name, mode, slot, expected, warmup, 1, timeout, camelPgcdcJar, List.of());
    }

    /**
     * The pgcdc probe draining {@code slot} into the counting route with catch-up on for any lag
     * ({@code catchUpThreshold=1}): the backlog through the SQL interface, then streaming at the head;
     * {@code camelPgcdcJar} (an older build, or null) goes in front of the classpath.
     */
    Child pgcdcCatchUp(String name, String slot, long expected, Duration timeout, Path camelPgcdcJar)
            throws IOException {
        return pgcdc(name, "drain", slot, expected, 0, 1, timeout, camelPgcdcJar, List.of("catchUpThreshold=1"));
    }

    /**
     * The pgcdc probe draining {@code slot} in one JVM after warm-up passes, as a sink run does: from {@code slot}
     * with each of {@link PgcdcProbe#WARM_UP_SLOT_SUFFIXES}, then the measured pass (see {@link PgcdcProbe}); with
     * catch-up on when {@code catchUp} is.
     */
    Child pgcdcWarmDrain(String name, String slot, long expected, boolean catchUp, Duration timeout)
            throws IOException {
        String warmUps = "warmUpPasses=" + PgcdcProbe.WARM_UP_SLOT_SUFFIXES.size();
        return pgcdc(name, "drain", slot, expected, 0, 1, timeout, null, catchUp
                ? List.of(warmUps, "catchUpThreshold=1") : List.of(warmUps));
    }

    /**
     * The pgcdc probe streaming {@code slot} into {@code sinkUri} (a pgcdc-sink endpoint), with catch-up on for any
     * lag when {@code catchUp} is; it reports when {@code expected} changes are committed in the target;
     * {@code camelPgcdcJar} (an older build, or null) goes in front of the classpath. First, warm-up passes stream
     * {@code slot} with each of {@link PgcdcProbe#WARM_UP_SLOT_SUFFIXES} into the sink URI that {@code warmUpSinkUri}
     * gives for that suffix (see {@link PgcdcProbe}).
     */
    Child pgcdcSink(String name, String slot, long expected, String sinkUri, UnaryOperator<String> warmUpSinkUri,
                    boolean catchUp, Duration timeout, Path camelPgcdcJar) throws IOException {
        List<String> args = new ArrayList<>(List.of("sink=" + sinkUri,
                "warmUpPasses=" + PgcdcProbe.WARM_UP_SLOT_SUFFIXES.size()));
        for (String suffix : PgcdcProbe.WARM_UP_SLOT_SUFFIXES) {
            args.add("sink" + suffix + "=" + warmUpSinkUri.apply(suffix));
        }
        if (catchUp) {
            args.add("catchUpThreshold=1");
        }
        return pgcdc(name, "sink", slot, expected, 0, 1, timeout, camelPgcdcJar, args);
    }

    /**
     * The pgcdc probe taking the initial snapshot of {@code table} with {@code workers} as its snapshotParallelism,
     * delivered over {@code consumers} threads (concurrentConsumers), with {@code camelPgcdcJar} (an older build, or
     * null) in front of the classpath; twice, a cold pass then a warm one (see {@link PgcdcProbe}), each within
     * {@code timeout}.
     */
    Child pgcdcSnapshot(String name, String slot, String table, long rows, int workers, int consumers,
                        Duration timeout, Path camelPgcdcJar) throws IOException {
        return pgcdc(name, "snapshot", slot, rows, 0, workers, timeout, camelPgcdcJar,
                List.of("table=" + table, "consumers=" + consumers));
    }

    /**
     * The pgcdc probe delivering into a route that waits 5 ms per change, over {@code consumers} threads
     * (concurrentConsumers); latencies are commit to completion after the first {@code warmup} changes.
     */
    Child pgcdcWebhook(String name, String slot, long expected, long warmup, int consumers, Duration timeout)
            throws IOException {
        return pgcdc(name, "webhook", slot, expected, warmup, 1, timeout, null, List.of("consumers=" + consumers));
    }

    /**
     * The pgcdc probe delivering into Kafka as routes/integrations/kafka.yaml does (idempotent, acks=all), into
     * {@code topic} of the broker at {@code bootstrap}, over {@code consumers} threads (concurrentConsumers);
     * latencies are commit to the broker's acknowledgement after the first {@code warmup} changes. The probe warms its
     * producer up with one record into {@link KafkaDelivery#READY_TOPIC} before it streams.
     */
    Child pgcdcKafka(String name, String slot, long expected, long warmup, int consumers, String bootstrap,
                     String topic, Duration timeout) throws IOException {
        return pgcdc(name, "kafka", slot, expected, warmup, 1, timeout, null,
                List.of("consumers=" + consumers, "kafka=" + bootstrap, "topic=" + topic,
                        "readyTopic=" + KafkaDelivery.READY_TOPIC));
    }

    /**
     * The live-lag reference ({@link RawStreamProbe}): pgjdbc alone reading {@code slot}, latencies after the first
     * {@code warmup} changes.
     */
    Child rawStream(String name, String slot, long expected, long warmup, Duration timeout) throws IOException {
        List<String> args = new ArrayList<>(connectionArgs());
        args.addAll(List.of("slot=" + slot, "expected=" + expected, "warmup=" + warmup,
                "timeoutSeconds=" + timeout.toSeconds(), "publication=" + Workload.PUBLICATION));
        return Child.startJvm(name, List.of(System.getProperty("java.class.path")), jvmOptions(name),
                RawStreamProbe.class.getName(), args, probeEnvironment(), logDir);
    }

    private Child pgcdc(String name, String mode, String slot, long expected, long warmup, int workers,
                        Duration timeout, Path camelPgcdcJar, List<String> extraArgs) throws IOException {
        List<String> classpath = new ArrayList<>();
        if (camelPgcdcJar != null) {
            classpath.add(camelPgcdcJar.toString());
        }
        classpath.add(System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(connectionArgs());
        args.addAll(List.of("mode=" + mode, "slot=" + slot, "expected=" + expected, "warmup=" + warmup,
                "maxInflight=" + maxInflight, "workers=" + workers, "timeoutSeconds=" + timeout.toSeconds(),
                "publication=" + Workload.PUBLICATION, "table=" + Workload.TABLE,
                "exchangeFactory=" + exchangeFactory));
        args.addAll(extraArgs);
        return Child.startJvm(name, classpath, jvmOptions(name), PgcdcProbe.class.getName(), args, probeEnvironment(),
                logDir);
    }

    /**
     * One instance of the clustered pgcdc application ({@link ClusteredInstance}) streaming {@code slot} when it is
     * elected; it runs until killed.
     */
    Child clusteredInstance(String name, String slot, String instance) throws IOException {
        List<String> args = new ArrayList<>(connectionArgs());
        args.addAll(List.of("slot=" + slot, "instance=" + instance, "publication=" + Workload.PUBLICATION,
                "table=" + Workload.TABLE));
        return Child.startJvm(name, List.of(System.getProperty("java.class.path")), jvmOptions(name),
                ClusteredInstance.class.getName(), args, probeEnvironment(), logDir);
    }

    /** The Debezium probe (its own module's jar and dependencies, Camel 4.17) in {@code stream} or {@code snapshot} mode. */
    Child debezium(String name, String mode, String slot, long expected, Duration timeout) throws IOException {
        return debezium(name, mode, slot, expected, timeout, List.of());
    }

    /** The Debezium probe streaming {@code slot} into {@code topic} with the pgcdc probe's Kafka producer settings. */
    Child debeziumKafka(String name, String slot, long expected, String bootstrap, String topic, Duration timeout)
            throws IOException {
        return debezium(name, "kafka", slot, expected, timeout, List.of("kafka=" + bootstrap, "topic=" + topic));
    }

    private Child debezium(String name, String mode, String slot, long expected, Duration timeout,
                           List<String> extraArgs) throws IOException {
        if (!Files.isRegularFile(debeziumJar)) {
            throw new IllegalStateException("Debezium probe not built: " + debeziumJar
                    + " (build with -pl samples/benchmark -am, or set -Dpgcdc.benchmark.debeziumJar)");
        }
        List<String> args = new ArrayList<>(connectionArgs());
        args.addAll(List.of("mode=" + mode, "slot=" + slot, "expected=" + expected,
                "timeoutSeconds=" + timeout.toSeconds(), "publication=" + Workload.PUBLICATION,
                "table=" + Workload.TABLE));
        args.addAll(extraArgs);
        return Child.startJvm(name, List.of(debeziumJar.toString()), jvmOptions(name),
                "dev.pgcdc.benchmark.debezium.DebeziumProbe", args, probeEnvironment(), logDir);
    }

    /** Where the probes' logs and the report go. */
    Path logDir() {
        return logDir;
    }

    private List<String> jvmOptions(String name) {
        List<String> options = new ArrayList<>(JVM_OPTIONS);
        for (String option : extraJvmOptions) {
            options.add(option.replace("{name}", logDir.resolve(name).toString()));
        }
        return options;
    }

    private List<String> connectionArgs() {
        return List.of("host=" + cluster.host(), "port=" + cluster.port(), "user=" + cluster.superuser(),
                "database=postgres");
    }

    private Map<String, String> probeEnvironment() {
        return Map.of(ProbeArgs.PASSWORD_VARIABLE, cluster.superuserPassword());
    }

    private String connInfo() {
        return "host=" + cluster.host() + " port=" + cluster.port() + " user=" + cluster.superuser() + " dbname=postgres";
    }
}
