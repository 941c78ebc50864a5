package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes the figures of one run as {@code report.json} (everything), {@code report.md} (the tables the README
 * shows) and the {@link Charts} it embeds. The markdown and the charts read the JSON tree, so none can disagree.
 */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    static void write(Map<String, Object> figures, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("report.json"), JSON.writeValueAsString(figures) + "\n");
        Files.writeString(outDir.resolve("report.md"), markdown(figures));
        Charts.write(figures, outDir);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    static String markdown(Map<String, Object> figures) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> run = map(figures, "run");
        Map<String, Object> machine = map(figures, "machine");
        md.append("Size `").append(run.get("size")).append("`, ").append(run.get("date")).append("; ")
                .append(machine.get("cores")).append(" cores, ").append(machine.get("memoryGb")).append(" GB, load ")
                .append(machine.get("loadAverageAtStart")).append(" at start, ").append(run.get("loadAverageAtEnd"))
                .append(" at end; ").append(map(figures, "versions").get("postgresql"));
        if ("pooled".equals(run.get("exchangeFactory"))) {
            md.append("; pgcdc's Camel contexts with pooled exchanges");
        }
        md.append("\n\n");

        Set<String> charts = Charts.draw(figures).keySet();
        if (figures.containsKey("streaming")) {
            streaming(md, map(figures, "streaming"));
            embed(md, charts, Charts.DRAIN, "Streaming drain throughput over time");
        }
        if (figures.containsKey("catchUp")) {
            md.append("Catch-up part (the drain without Debezium):\n\n");
            streaming(md, map(figures, "catchUp"));
        }
        if (figures.containsKey("sink")) {
            sink(md, map(figures, "sink"));
        }
        if (figures.containsKey("snapshot")) {
            snapshot(md, map(figures, "snapshot"));
            embed(md, charts, Charts.SNAPSHOT, "Snapshot rows/s by reader and worker count");
        }
        if (figures.containsKey("liveLag")) {
            liveLag(md, map(figures, "liveLag"));
            embed(md, charts, Charts.LIVE_LAG, "Live lag percentiles by writer rate");
        }
        if (figures.containsKey("bigTransaction")) {
            bigTransaction(md, map(figures, "bigTransaction"));
        }
        if (figures.containsKey("parallelDelivery")) {
            parallelDelivery(md, map(figures, "parallelDelivery"));
        }
        if (figures.containsKey("takeover")) {
            takeover(md, map(figures, "takeover"));
        }
        if (figures.containsKey("kafka")) {
            kafka(md, map(figures, "kafka"));
        }
        return md.toString();
    }

    private static void streaming(StringBuilder md, Map<String, Object> drain) {
        md.append("**Streaming drain** of ").append(drain.get("changes")).append(" changes\n\n")
                .append("| consumer | changes/s | seconds | CPU µs/change | peak heap used MB | peak live heap MB"
                        + " | peak RSS MB |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String consumer : new String[] {"pgRecvlogical", "pgcdc", "pgcdcCatchUp", "pgcdcCatchUpBaseline", "pgcdcBaseline",
                "debezium", "pgRecvlogicalAgain"}) {
            if (drain.get(consumer) instanceof Map<?, ?>) {
                Map<String, Object> c = map(drain, consumer);
                md.append("| ").append(consumer).append(" | ").append(c.get("changesPerSecond")).append(" | ")
                        .append(seconds(c.get("seconds"))).append(" | ").append(orDash(c.get("cpuMicrosPerChange")))
                        .append(" | ").append(orDash(c.get("peakHeapUsedMb")))
                        .append(" | ").append(orDash(c.get("peakLiveHeapMb"))).append(" | ")
                        .append(orDash(c.get("peakRssMb"))).append(" |\n");
            }
        }
        md.append("\nRatios: ").append(map(drain, "ratios")).append("\n\n");
    }

    private static void sink(StringBuilder md, Map<String, Object> sink) {
        md.append("**Sink**: ").append(sink.get("changes")).append(" changes (").append(sink.get("rowsAtEnd"))
                .append(" rows at the end) applied into another database of the same cluster, batchSize ")
                .append(sink.get("batchSize")).append("\n\n")
                .append("pgcdc runs are warm (the probe's last pass over the backlog, after its warm-up passes);"
                        + " *cold*: its first pass, a fresh JVM paying for the JIT; *2nd pass*: after one warm-up pass,"
                        + " the JIT still recompiling. Server CPU of a pgcdc run: per change of all its passes.\n\n")
                .append("| applier | rows/s | seconds | CPU µs/change | server CPU µs/change | peak RSS MB"
                        + " | cold rows/s | cold CPU µs/change | 2nd pass rows/s | 2nd pass CPU µs/change |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        String[][] rows = {{"pgcdcDrain", "pgcdc drain without a sink (reference)", "changesPerSecond"},
                {"upsert", "pgcdc → pgcdc-sink, upsert", "rowsPerSecond"},
                {"upsertBaseline", "baseline build → pgcdc-sink, upsert", "rowsPerSecond"},
                {"append", "pgcdc → pgcdc-sink, append", "rowsPerSecond"},
                {"appendBaseline", "baseline build → pgcdc-sink, append", "rowsPerSecond"},
                {"pgcdcDrainCatchUp", "pgcdc drain with catch-up, no sink (reference)", "changesPerSecond"},
                {"appendCatchUp", "pgcdc with catch-up → pgcdc-sink, append", "rowsPerSecond"},
                {"upsertCatchUp", "pgcdc with catch-up → pgcdc-sink, upsert", "rowsPerSecond"},
                {"jdbcBatches", "plain JDBC, same changes, batches of " + sink.get("batchSize") + " (reference)",
                        "rowsPerSecond"},
                {"jdbcRewrittenBatches", "plain JDBC with reWriteBatchedInserts, same changes, batches of "
                        + sink.get("batchSize") + " (reference)", "rowsPerSecond"},
                {"jdbcAppendBatches", "plain JDBC, append's inserts, batches of " + sink.get("batchSize")
                        + " (reference)", "rowsPerSecond"},
                {"jdbcCopyAppend", "plain JDBC, append's method: COPY to a staging table + INSERT ... SELECT per batch"
                        + " of " + sink.get("batchSize") + " (reference)", "rowsPerSecond"},
                {"jdbcCopyDirect", "plain JDBC, append's method for appends only: COPY into the target per batch of "
                        + sink.get("batchSize") + " (reference)", "rowsPerSecond"},
                {"copyIn", "COPY FROM STDIN, as many rows (reference)", "rowsPerSecond"}};
        for (String[] row : rows) {
            if (sink.get(row[0]) instanceof Map<?, ?>) {
                Map<String, Object> r = map(sink, row[0]);
                md.append("| ").append(row[1]).append(" | ").append(r.get(row[2])).append(" | ")
                        .append(seconds(r.get("seconds"))).append(" | ").append(orDash(r.get("cpuMicrosPerChange")))
                        .append(" | ").append(orDash(r.get("serverCpuMicrosPerChange"))).append(" | ")
                        .append(orDash(r.get("peakRssMb"))).append(" | ").append(orDash(cold(r).get(row[2])))
                        .append(" | ").append(orDash(cold(r).get("cpuMicrosPerChange"))).append(" | ")
                        .append(orDash(secondPass(r).get(row[2]))).append(" | ")
                        .append(orDash(secondPass(r).get("cpuMicrosPerChange"))).append(" |\n");
            }
        }
        if (map(sink, "append").containsKey("targetServerCpuMicrosPerChange")) {
            md.append("\nTarget-side server CPU µs/change (the sink run's minus the drain's decoding): upsert ")
                    .append(map(sink, "upsert").get("targetServerCpuMicrosPerChange")).append(", append ")
                    .append(map(sink, "append").get("targetServerCpuMicrosPerChange")).append("\n");
        }
        md.append("\nRatios: ").append(map(sink, "ratios")).append("\n\n");
    }

    private static void snapshot(StringBuilder md, Map<String, Object> snapshot) {
        md.append("**Snapshot** of ").append(snapshot.get("rows")).append(" rows. COPY counts its fastest of five runs;"
                + " each pgcdc reader reads the table twice in its JVM, each pass through a fresh slot: rows/s and CPU"
                + " are the second pass's (*warm*: a JVM that has compiled its code, as a long-running consumer's is"
                + " when it snapshots a big table or re-snapshots one), *cold* the first pass's (a fresh JVM, what a"
                + " short-lived job sees: it pays for the JIT). Debezium reads once in a fresh JVM: cold. *Server CPU*:"
                + " the cluster's CPU per row read (backends and walsender, /proc), over all COPY runs or both"
                + " passes.\n\n");
        snapshotReaders(md, snapshot);
        if (snapshot.get("pgcdc1Worker") instanceof Map<?, ?> oneWorker) {
            snapshotThreads(md, oneWorker);
        }
        if (snapshot.get("keyless") instanceof Map<?, ?>) {
            md.append("\nThe same rows in a table without a key (ctid ranges):\n\n");
            snapshotReaders(md, map(snapshot, "keyless"));
        }
        md.append("\nRatios (warm; *Cold* ones of the first passes): ").append(map(snapshot, "ratios"))
                .append("\n\n");
        if (snapshot.get("baselineRounds") instanceof List<?> rounds) {
            md.append("Baseline and this build alternately (1 worker, warm, then cold):\n\n| round | baseline rows/s"
                    + " | rows/s | baseline CPU µs/row | CPU µs/row | cold: baseline rows/s | rows/s"
                    + " | baseline CPU µs/row | CPU µs/row |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            int round = 1;
            for (Object pair : rounds) {
                Map<?, ?> baseline = (Map<?, ?>) ((Map<?, ?>) pair).get("baseline");
                Map<?, ?> current = (Map<?, ?>) ((Map<?, ?>) pair).get("current");
                md.append("| ").append(round++);
                for (Map<?, ?>[] passes : List.of(new Map<?, ?>[] {baseline, current},
                        new Map<?, ?>[] {cold(baseline), cold(current)})) {
                    md.append(" | ").append(orDash(passes[0].get("rowsPerSecond"))).append(" | ")
                            .append(orDash(passes[1].get("rowsPerSecond"))).append(" | ")
                            .append(orDash(passes[0].get("cpuMicrosPerChange"))).append(" | ")
                            .append(orDash(passes[1].get("cpuMicrosPerChange")));
                }
                md.append(" |\n");
            }
            md.append("\n");
        }
    }

    /** COPY, then each pgcdc (and Debezium) reader of one table, pgcdc's warm pass and its cold one. */
    private static void snapshotReaders(StringBuilder md, Map<String, Object> readers) {
        md.append("| reader | workers | lanes | rows/s | seconds | CPU µs/row | server CPU µs/row | cold rows/s"
                        + " | cold CPU µs/row | load average after |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Map<String, Object> copy = map(readers, "copyToStdout");
        md.append("| COPY TO STDOUT (psql) | – | – | ").append(copy.get("rowsPerSecond")).append(" | ")
                .append(seconds(copy.get("seconds"))).append(" | – | ")
                .append(orDash(copy.get("serverCpuMicrosPerChange"))).append(" | – | – | – |\n");
        for (String reader : readers.keySet()) {
            if (reader.startsWith("pgcdc") || reader.equals("debezium")) {
                Map<String, Object> r = map(readers, reader);
                Map<?, ?> cold = cold(r);
                md.append("| ").append(reader).append(" | ").append(orDash(r.get("workers"))).append(" | ")
                        .append(orDash(r.get("lanes"))).append(" | ").append(r.get("rowsPerSecond")).append(" | ")
                        .append(seconds(r.get("seconds"))).append(" | ").append(r.get("cpuMicrosPerChange"))
                        .append(" | ").append(orDash(r.get("serverCpuMicrosPerChange")))
                        .append(" | ").append(orDash(cold.get("rowsPerSecond"))).append(" | ")
                        .append(orDash(cold.get("cpuMicrosPerChange"))).append(" | ")
                        .append(orDash(r.get("loadAverage"))).append(" |\n");
            }
        }
    }

    /** Where the one-worker reader's CPU per row went, by thread, in its warm pass and its cold one. */
    private static void snapshotThreads(StringBuilder md, Map<?, ?> reader) {
        if (!(reader.get("cpuMicrosPerChangeByThread") instanceof Map<?, ?> warm)) {
            return;
        }
        Map<?, ?> cold = cold(reader).get("cpuMicrosPerChangeByThread") instanceof Map<?, ?> c ? c : Map.of();
        md.append("\npgcdc1Worker's CPU µs/row by thread (*jvm*: the JVM's own threads, JIT compilers and GC):\n\n"
                + "| thread | warm | cold |\n|---|---:|---:|\n");
        warm.forEach((thread, micros) -> md.append("| ").append(thread).append(" | ").append(micros).append(" | ")
                .append(orDash(cold.get(thread))).append(" |\n"));
    }

    /** A pgcdc snapshot reader's first pass, in a fresh JVM; empty for a reader that reads once. */
    private static Map<?, ?> cold(Map<?, ?> reader) {
        return reader.get("cold") instanceof Map<?, ?> cold ? cold : Map.of();
    }

    private static Map<?, ?> secondPass(Map<?, ?> run) {
        return run.get("secondPass") instanceof Map<?, ?> second ? second : Map.of();
    }

    private static void liveLag(StringBuilder md, Map<String, Object> lag) {
        md.append("**Live lag** (commit to exchange; its parts: *server*, commit to the walsender sending the"
                        + " change; *transit*, sent to the consumer reading it; *inside*, read to the route;"
                        + " *reference*: pgjdbc alone reading the stream, no decoding, no Camel)\n\n")
                .append("| target changes/s | build | achieved | p50 ms | p99 ms | max ms | server p50 / p99 / max ms"
                        + " | transit p50 / p99 / max ms | inside p50 / p99 / max ms | CPU µs/change"
                        + " | measured CPU µs/change | load average |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        StringBuilder machine = new StringBuilder("**The machine during each live-lag run** (busy cores: mean of 100 ms"
                + " samples, and the share of samples with 95 % of the cores or more busy; the cluster's CPU; its"
                + " walsender's CPU and time runnable but waiting for a CPU, per second, and the share of samples in"
                + " which it was working (no wait event: decoding, sending or waiting for a CPU) or its socket was"
                + " full (WalSenderWriteData: the consumer not reading); how often per second it slept (voluntary"
                + " context switches) and was preempted (involuntary), the status updates its consumer sent and the"
                + " data segments it sent, from its TCP socket; the writer's inserts, statement and commit;"
                + " autovacuum and autoanalyze runs on the table; the consumer JVM's time"
                + " compiling (JIT, summed over its compiler threads) and in GC while the latencies were measured, and"
                + " how often per second its threads went to sleep (voluntary context switches: each a wake-up))\n\n")
                .append("| target changes/s | build | busy cores | saturated share | cluster cores | walsender CPU ms/s"
                        + " | walsender CPU wait ms/s | walsender working | walsender socket full"
                        + " | walsender sleeps/s | walsender preempted/s | status updates/s | walsender segments/s"
                        + " | insert p50 / p99 / max ms | autovacuum runs | consumer JIT ms | consumer GC ms"
                        + " | consumer sleeps/s |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String rate : lag.keySet()) {
            Map<String, Object> r = map(lag, rate);
            List<Map<?, ?>> rows = new ArrayList<>();
            if (r.get("reference") instanceof Map<?, ?> reference) {
                Map<Object, Object> row = new LinkedHashMap<>(reference);
                row.put("build", "reference");
                rows.add(row);
            }
            if (r.get("runs") instanceof List<?> runs) {
                runs.forEach(one -> rows.add((Map<?, ?>) one));
            } else {
                rows.add(r);
            }
            for (Map<?, ?> row : rows) {
                lagRow(md, rate, row);
                machineRow(machine, rate, row);
            }
        }
        md.append('\n').append(machine).append('\n');
    }

    private static void lagRow(StringBuilder md, String rate, Map<?, ?> r) {
        md.append("| ").append(rate).append(" | ").append(build(r))
                .append(" | ").append(r.get("writerChangesPerSecond")).append(" | ").append(r.get("p50Ms"))
                .append(" | ").append(r.get("p99Ms")).append(" | ").append(r.get("maxMs")).append(" | ")
                .append(percentiles(r.get("server"))).append(" | ").append(percentiles(r.get("transit"))).append(" | ")
                .append(percentiles(r.get("inside"))).append(" | ").append(orDash(r.get("cpuMicrosPerChange")))
                .append(" | ").append(orDash(r.get("measuredCpuMicrosPerChange")))
                .append(" | ").append(orDash(r.get("loadAverage"))).append(" |\n");
    }

    private static void machineRow(StringBuilder md, String rate, Map<?, ?> r) {
        md.append("| ").append(rate).append(" | ").append(build(r)).append(" | ")
                .append(orDash(r.get("machineBusyCores"))).append(" | ").append(orDash(r.get("machineSaturatedShare")))
                .append(" | ").append(orDash(r.get("clusterCores"))).append(" | ")
                .append(orDash(r.get("walsenderCpuMsPerSecond"))).append(" | ")
                .append(orDash(r.get("walsenderCpuWaitMsPerSecond"))).append(" | ")
                .append(orDash(r.get("walsenderWorkingShare"))).append(" | ")
                .append(orDash(r.get("walsenderSocketFullShare"))).append(" | ")
                .append(orDash(r.get("walsenderSleepsPerSecond"))).append(" | ")
                .append(orDash(r.get("walsenderPreemptionsPerSecond"))).append(" | ")
                .append(orDash(r.get("statusUpdatesPerSecond"))).append(" | ")
                .append(orDash(r.get("walsenderSegmentsPerSecond"))).append(" | ")
                .append(percentiles(r.get("writerInsert"))).append(" | ").append(orDash(r.get("autovacuumRuns")))
                .append(" | ").append(orDash(r.get("jitMs"))).append(" | ").append(orDash(r.get("gcMs")))
                .append(" | ").append(orDash(r.get("consumerSleepsPerSecond"))).append(" |\n");
    }

    private static Object build(Map<?, ?> r) {
        return r.get("build") == null ? "current" : r.get("build");
    }

    private static String percentiles(Object figures) {
        return figures instanceof Map<?, ?> p ? p.get("p50Ms") + " / " + p.get("p99Ms") + " / " + p.get("maxMs") : "–";
    }

    private static void parallelDelivery(StringBuilder md, Map<String, Object> parallel) {
        md.append("**Parallel delivery** (a route waiting 5 ms per change; concurrentConsumers)\n\n")
                .append("| consumers | backlog changes | changes/s | paced changes/s | p50 ms | p99 ms | max ms |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int consumers : ParallelDelivery.CONSUMERS) {
            Map<String, Object> r = map(parallel, String.valueOf(consumers));
            md.append("| ").append(consumers).append(" | ").append(r.get("backlogChanges")).append(" | ")
                    .append(r.get("changesPerSecond")).append(" | ").append(r.get("pacedChangesPerSecond"))
                    .append(" | ").append(r.get("p50Ms")).append(" | ").append(r.get("p99Ms")).append(" | ")
                    .append(r.get("maxMs")).append(" |\n");
        }
        md.append("\nRatios: ").append(parallel.get("ratios")).append("\n\n");
    }

    private static void takeover(StringBuilder md, Map<String, Object> takeover) {
        md.append("**Takeover** (two instances of one `master:` route, PgClusterService, checkInterval ")
                .append(takeover.get("checkIntervalMs")).append(" ms; the active one killed with SIGKILL while a"
                        + " writer inserts ").append(takeover.get("writerChangesPerSecond")).append(" changes/s)\n\n")
                .append("| kill | killed (pid) | survivor | kill → elected ms | kill → first change ms | delivered"
                        + " again |\n")
                .append("|---:|---|---|---:|---:|---:|\n");
        int kill = 1;
        for (Object repetition : (List<?>) takeover.get("repetitions")) {
            Map<?, ?> r = (Map<?, ?>) repetition;
            md.append("| ").append(kill++).append(" | ").append(r.get("killed")).append(" (").append(r.get("killedPid"))
                    .append(") | ").append(r.get("survivor")).append(" | ").append(r.get("electedMs")).append(" | ")
                    .append(r.get("takeoverMs")).append(" | ")
                    .append(r.get("redeliveredChanges")).append(" |\n");
        }
        md.append("\nMedian ").append(takeover.get("medianMs")).append(" ms (min ").append(takeover.get("minMs"))
                .append(", max ").append(takeover.get("maxMs")).append("); ").append(takeover.get("writtenChanges"))
                .append(" changes written, ").append(takeover.get("lostChanges")).append(" lost (must be 0), ")
                .append(takeover.get("redeliveredChanges")).append(" delivered twice\n\n");
    }

    private static void kafka(StringBuilder md, Map<String, Object> kafka) {
        md.append("**Into Kafka** (idempotent producer, acks=all, keyed by the row's key; commit to the broker's"
                        + " acknowledgement)\n\n")
                .append("| target changes/s | writer achieved | acknowledged changes/s | p50 ms | p99 ms | max ms"
                        + " | CPU µs/change | records |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Object> paced = map(kafka, "paced");
        for (String rate : paced.keySet()) {
            Map<String, Object> r = map(paced, rate);
            md.append("| ").append(rate).append(" | ").append(r.get("writerChangesPerSecond")).append(" | ")
                    .append(r.get("acknowledgedChangesPerSecond")).append(" | ").append(r.get("p50Ms")).append(" | ")
                    .append(r.get("p99Ms")).append(" | ").append(r.get("maxMs")).append(" | ")
                    .append(r.get("cpuMicrosPerChange")).append(" | ").append(r.get("records")).append(" |\n");
        }
        Map<String, Object> backlog = map(kafka, "backlog");
        md.append("\nBacklog of ").append(backlog.get("changes")).append(" changes drained into Kafka\n\n")
                .append("| consumer | changes/s | seconds | CPU µs/change | peak RSS MB | records in topic |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        String[][] rows = {{"pgcdc", "pgcdc"},
                {"pgcdcConcurrent", "pgcdc, concurrentConsumers " + KafkaDelivery.CONSUMERS},
                {"debezium", "camel-debezium-postgres"}};
        for (String[] row : rows) {
            Map<String, Object> c = map(backlog, row[0]);
            md.append("| ").append(row[1]).append(" | ").append(c.get("changesPerSecond")).append(" | ")
                    .append(seconds(c.get("seconds"))).append(" | ").append(c.get("cpuMicrosPerChange")).append(" | ")
                    .append(c.get("peakRssMb")).append(" | ").append(c.get("records")).append(" |\n");
        }
        md.append("\nRatios: ").append(backlog.get("ratios")).append("\n\n");
    }

    private static void bigTransaction(StringBuilder md, Map<String, Object> big) {
        md.append("**One transaction of ").append(big.get("rows")).append(" rows** (pgcdc): ")
                .append(big.get("changesPerSecond")).append(" changes/s, ").append(big.get("cpuMicrosPerChange"))
                .append(" CPU µs/change, peak heap used ")
                .append(big.get("peakHeapUsedMb")).append(" MB, peak live heap ").append(big.get("peakLiveHeapMb"))
                .append(" MB, peak RSS ").append(big.get("peakRssMb")).append(" MB\n");
        if (big.get("baseline") instanceof Map<?, ?>) {
            Map<String, Object> baseline = map(big, "baseline");
            md.append("Baseline build: ").append(baseline.get("changesPerSecond")).append(" changes/s, ")
                    .append(baseline.get("cpuMicrosPerChange")).append(" CPU µs/change, peak heap used ")
                    .append(baseline.get("peakHeapUsedMb")).append(" MB, peak RSS ").append(baseline.get("peakRssMb"))
                    .append(" MB\n");
        }
    }

    /** A chart next to the report, when the figures had data for it. */
    private static void embed(StringBuilder md, Set<String> charts, String file, String caption) {
        if (charts.contains(file)) {
            md.append("![").append(caption).append("](").append(file).append(")\n\n");
        }
    }

    private static String seconds(Object value) {
        return String.format("%.2f", ((Number) value).doubleValue());
    }

    private static Object orDash(Object value) {
        return value == null ? "–" : value;
    }
}
