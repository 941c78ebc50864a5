package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.pgcdc.kafkabroker.KafkaBroker;

/**
 * Part 7: end to end into a real Kafka broker (KRaft, a JVM of its own on 127.0.0.1), every record sent by an
 * idempotent producer with acks=all, keyed by the row's key, as routes/integrations/kafka.yaml sends it.
 * Latency: pgcdc streaming while a paced writer inserts at each of the size's Kafka rates, from commit to the
 * broker's acknowledgement, after a warm-up of {@link #WARMUP_SECONDS} at the same rate. Throughput: the streaming
 * drain's backlog drained into Kafka by pgcdc (one consumer thread, then {@link #CONSUMERS} concurrentConsumers)
 * and by camel-debezium-postgres, each from its own slot into its own topic, from the first acknowledgement to the
 * last; every topic must then hold every change.
 */
final class KafkaDelivery {

    static final int CONSUMERS = 8;
    /** Where the pgcdc probe's producer sends its one warm-up record (created up front, as every topic here). */
    static final String READY_TOPIC = "bench.ready";
    private static final int WARMUP_SECONDS = 2;
    private static final String SEQUENTIAL = "kafka_pgcdc";
    private static final String CONCURRENT = "kafka_pgcdc_" + CONSUMERS;
    private static final String DEBEZIUM = "kafka_debezium";

    private KafkaDelivery() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        Path dir = Files.createTempDirectory("pgcdc-benchmark-kafka");
        Map<String, Object> figures = new LinkedHashMap<>();
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            broker.createTopics(READY_TOPIC);
            Map<String, Object> paced = new LinkedHashMap<>();
            for (int rate : run.size().kafkaRates()) {
                paced.put(String.valueOf(rate), paced(run, broker, rate));
            }
            figures.put("paced", paced);
            figures.put("backlog", backlog(run, broker));
        } finally {
            // the broker's log stays with the probes' logs; its data (every record) goes
            if (Files.exists(dir.resolve("broker.log"))) {
                Files.copy(dir.resolve("broker.log"), run.consumers().logDir().resolve("kafka-broker.log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            delete(dir);
        }
        return figures;
    }

    private static Map<String, Object> paced(Run run, KafkaBroker broker, int rate) throws Exception {
        String slot = "kafka_lag_" + rate;
        String topic = "bench.lag." + rate;
        broker.createTopics(topic);
        int seconds = WARMUP_SECONDS + run.size().lagSeconds();
        long expected = PacedWriter.rows(rate, seconds);
        Duration timeout = Run.timeoutFor(expected).plusSeconds(seconds);
        run.slots().create(slot);
        Child probe = run.consumers().pgcdcKafka("pgcdc-kafka-lag-" + rate, slot, expected,
                PacedWriter.rows(rate, WARMUP_SECONDS), 1, broker.bootstrapServers(), topic, timeout);
        LiveLag.Paced paced = LiveLag.paced(run, slot, probe, rate, seconds, timeout);
        Map<String, Object> result = paced.result();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("writerChangesPerSecond", Math.round(paced.achieved()));
        figures.put("acknowledgedChangesPerSecond",
                Run.perSecond(expected, ((Number) result.get("seconds")).doubleValue()));
        figures.put("p50Ms", result.get("p50Ms"));
        figures.put("p99Ms", result.get("p99Ms"));
        figures.put("maxMs", result.get("maxMs"));
        figures.put("measuredChanges", expected - PacedWriter.rows(rate, WARMUP_SECONDS));
        figures.put("cpuMicrosPerChange", result.get("cpuMicrosPerChange"));
        figures.put("records", records(broker, topic, expected));
        return figures;
    }

    private static Map<String, Object> backlog(Run run, KafkaBroker broker) throws Exception {
        long changes = run.size().backlogChanges();
        // Debezium's consumer hands over one change at a time and waits for its acknowledgement
        Duration timeout = Run.timeoutFor(changes).plusSeconds(changes / 500);
        // the backlog's updates and deletes address ids from the table's first row: it starts empty, as in the drain
        // (no slot exists now, so no consumer sees the truncation)
        run.workload().truncate();
        run.slots().create(SEQUENTIAL, CONCURRENT, DEBEZIUM);
        broker.createTopics("bench.pgcdc", "bench.pgcdc" + CONSUMERS, "bench.debezium");
        run.workload().writeBacklog(run.size());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("changes", changes);
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> sequential = drained(run.consumers().pgcdcKafka("pgcdc-kafka-drain", SEQUENTIAL, changes,
                0, 1, bootstrap, "bench.pgcdc", timeout).result(timeout), changes, broker, "bench.pgcdc");
        figures.put("pgcdc", sequential);
        Map<String, Object> concurrent = drained(run.consumers().pgcdcKafka("pgcdc-kafka-drain-" + CONSUMERS,
                CONCURRENT, changes, 0, CONSUMERS, bootstrap, "bench.pgcdc" + CONSUMERS, timeout).result(timeout),
                changes, broker, "bench.pgcdc" + CONSUMERS);
        figures.put("pgcdcConcurrent", concurrent);
        Map<String, Object> debezium = drained(run.consumers().debeziumKafka("debezium-kafka-drain", DEBEZIUM, changes,
                bootstrap, "bench.debezium", timeout).result(timeout), changes, broker, "bench.debezium");
        figures.put("debezium", debezium);
        run.slots().drop(SEQUENTIAL, CONCURRENT, DEBEZIUM);
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("pgcdcToDebezium", Run.ratio(sequential.get("changesPerSecond"), debezium.get("changesPerSecond")));
        ratios.put("concurrentToSequential",
                Run.ratio(concurrent.get("changesPerSecond"), sequential.get("changesPerSecond")));
        figures.put("ratios", ratios);
        return figures;
    }

    /** A drain's figures (its latencies measure the backlog's age, not delivery: left out) and its topic's records. */
    private static Map<String, Object> drained(Map<String, Object> probe, long changes, KafkaBroker broker,
                                               String topic) throws Exception {
        Map<String, Object> figures = StreamingDrain.withRate(probe, changes);
        figures.keySet().removeAll(List.of("p50Ms", "p99Ms", "maxMs"));
        figures.put("records", records(broker, topic, changes));
        return figures;
    }

    /** The records in {@code topic}, which must hold every change (the producer is idempotent: no duplicates). */
    private static long records(KafkaBroker broker, String topic, long changes) throws Exception {
        long records = broker.endOffsets(topic);
        if (records < changes) {
            throw new IllegalStateException("topic " + topic + " holds " + records + " records for " + changes
                    + " acknowledged changes");
        }
        return records;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
