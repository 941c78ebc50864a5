package dev.pgcdc.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pgcdc.embedded.PostgresCluster;

/**
 * The benchmark (see README.md): one private cluster, every measurement in one run, report.json and report.md.
 *
 * <pre>
 * java -jar samples/benchmark/target/pgcdc-benchmark.jar [--size full|small|smoke] [--out DIR]
 *      [--baseline-jar OLD-camel-pgcdc.jar]... [--jvm-option OPTION]... [--max-inflight N]
 *      [--parts streaming,catchUp,sink,snapshot,liveLag,bigTransaction,parallelDelivery,takeover,kafka]
 *      [--lag-rates 20000,50000] [--exchange-factory prototype|pooled]
 * </pre>
 *
 * {@code --jvm-option} goes to every probe JVM; {@code {name}} in it becomes the probe's log path without extension,
 * e.g. {@code --jvm-option -XX:StartFlightRecording=filename={name}.jfr}. Every part measures the first
 * {@code --baseline-jar} beside the current build; the live lag measures each one given.
 */
public final class Benchmark {

    /** The measurements, in the order they run; {@code --parts} selects some of them (for development). */
    private static final Set<String> PARTS = Set.of("streaming", "catchUp", "sink", "snapshot", "liveLag",
            "bigTransaction", "parallelDelivery", "takeover", "kafka");
    /** What runs without {@code --parts}: catchUp is the streaming part without Debezium, so not both. */
    private static final Set<String> DEFAULT_PARTS = PARTS.stream().filter(part -> !part.equals("catchUp"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Size size = Size.SMALL;
        Path out = defaultOutDir();
        List<Path> baselines = new ArrayList<>();
        List<String> jvmOptions = new ArrayList<>();
        int maxInflight = 4000; // pgcdc's default
        Set<String> parts = DEFAULT_PARTS;
        List<Integer> lagRates = null;
        String exchangeFactory = "prototype";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--size" -> size = Size.named(value);
                case "--out" -> out = Path.of(value);
                case "--baseline-jar" -> baselines.add(Path.of(value));
                case "--jvm-option" -> jvmOptions.add(value);
                case "--max-inflight" -> maxInflight = Integer.parseInt(value);
                case "--parts" -> parts = parts(value);
                case "--lag-rates" -> lagRates = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--exchange-factory" -> exchangeFactory = exchangeFactory(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see README.md)");
            }
            i++;
        }
        if (lagRates != null) {
            size = size.withLagRates(lagRates);
        }
        Files.createDirectories(out);
        Report.write(run(size, out, baselines, jvmOptions, maxInflight, exchangeFactory, parts), out);
        System.out.println(Files.readString(out.resolve("report.md")));
        System.out.println("Written to " + out.toAbsolutePath());
    }

    private static String exchangeFactory(String name) {
        if (!name.equals("prototype") && !name.equals("pooled")) {
            throw new IllegalArgumentException("unknown exchange factory " + name + " (prototype or pooled)");
        }
        return name;
    }

    private static Set<String> parts(String list) {
        Set<String> parts = Set.of(list.split(","));
        for (String part : parts) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("unknown part " + part + " (one of " + PARTS + ")");
            }
        }
        if (parts.contains("streaming") && parts.contains("catchUp")) {
            throw new IllegalArgumentException("part catchUp is part streaming without Debezium (streaming measures"
                    + " catch-up too): name one of them");
        }
        return parts;
    }

    static Map<String, Object> run(Size size, Path out, List<Path> baselines, List<String> jvmOptions,
                                   int maxInflight, String exchangeFactory, Set<String> parts) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Object> runFacts = new LinkedHashMap<>();
        runFacts.put("size", size.name());
        runFacts.put("date", Instant.now().toString());
        runFacts.put("maxInflight", maxInflight);
        runFacts.put("exchangeFactory", exchangeFactory);
        figures.put("run", runFacts);
        figures.put("machine", Environment.machine());
        try (PostgresCluster cluster = PostgresCluster.builder()
                // PostgreSQL's default, which the private cluster turns off for speed: without it a commit waits for
                // the WAL writer (up to wal_writer_delay, 200 ms) before a walsender may send it, which is then
                // measured as live lag and as the snapshot's watermark round trips
                .setting("synchronous_commit", "on")
                .setting("shared_buffers", "512MB")
                .setting("max_wal_size", "8GB")
                .setting("checkpoint_timeout", "30min")
                // the sink part's slots, three per probe (two warm-up passes), with a baseline build's too
                .setting("max_replication_slots", "40")
                .setting("max_wal_senders", "40")
                .start()) {
            figures.put("versions", Environment.versions(cluster));
            Workload workload = new Workload(cluster);
            workload.createSchema();
            Consumers consumers = new Consumers(cluster, out, debeziumJar(), jvmOptions, maxInflight,
                    exchangeFactory);
            Run run = new Run(size, cluster, workload, new Slots(cluster), consumers, List.copyOf(baselines),
                    ServerCpu.of(cluster));
            Map<String, Measurement> measurements = new LinkedHashMap<>();
            measurements.put("streaming", () -> StreamingDrain.measure(run, true));
            // the drain without Debezium: catch-up beside streaming and pg_recvlogical, quick enough at full size
            measurements.put("catchUp", () -> StreamingDrain.measure(run, false));
            measurements.put("sink", () -> SinkApply.measure(run));
            measurements.put("snapshot", () -> SnapshotRead.measure(run));
            measurements.put("liveLag", () -> LiveLag.measure(run));
            measurements.put("bigTransaction", () -> BigTransaction.measure(run));
            measurements.put("parallelDelivery", () -> ParallelDelivery.measure(run));
            measurements.put("takeover", () -> Takeover.measure(run));
            measurements.put("kafka", () -> KafkaDelivery.measure(run));
            for (Map.Entry<String, Measurement> part : measurements.entrySet()) {
                if (parts.contains(part.getKey())) {
                    figures.put(part.getKey(), phase(part.getKey(), part.getValue()));
                }
            }
        }
        runFacts.put("loadAverageAtEnd", Environment.loadAverage());
        return figures;
    }

    private interface Measurement {
        Map<String, Object> measure() throws Exception;
    }

    private static Map<String, Object> phase(String name, Measurement measurement) throws Exception {
        System.out.println("[benchmark] " + name + " ...");
        long start = System.nanoTime();
        Map<String, Object> figures = measurement.measure();
        System.out.printf("[benchmark] %s done in %.1f s%n", name, (System.nanoTime() - start) / 1e9);
        return figures;
    }

    /** Next to this module's target directory when run from the built jar. */
    private static Path defaultOutDir() {
        return ownJarDir().resolve("benchmark-results");
    }

    /** The Debezium probe is another module's jar: by property, or where the reactor builds it. */
    private static Path debeziumJar() {
        String configured = System.getProperty("pgcdc.benchmark.debeziumJar");
        return configured != null ? Path.of(configured)
                : ownJarDir().resolve("../debezium/target/pgcdc-benchmark-debezium.jar").normalize();
    }

    private static Path ownJarDir() {
        try {
            return Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
