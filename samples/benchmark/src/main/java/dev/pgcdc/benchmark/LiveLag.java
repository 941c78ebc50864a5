package dev.pgcdc.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 3: pgcdc streaming live while a paced writer inserts at each configured rate; commit-to-exchange latency
 * percentiles after a warm-up at the same rate ({@link Size#lagWarmupSeconds()}), split (for a build that says when
 * each change was sent and read) into the lag in the server (commit to its walsender sending the change), in transit (the
 * network, and the socket while pgcdc's read loop was busy or late) and inside pgcdc (reading to the route).
 *
 * <p>Each rate is first measured with the reference consumer ({@link RawStreamProbe}: pgjdbc alone, nothing done per
 * change), whose lag is what the server and the machine give at that rate, under {@code reference}. Every run also
 * says what the machine was doing meanwhile ({@link MachineWatch}: busy cores, the cluster's and its walsender's CPU,
 * the walsender's waits for a CPU, autovacuum) and how long the writer's inserts took, statement and commit.
 *
 * <p>With baseline builds, each rate runs each baseline, the current build twice, then the baselines in reverse (one
 * baseline: baseline, current, current, baseline), so that a change in the shared machine's load weighs on every
 * build alike; the rate's figures are the current build's first run, and {@code runs} lists all in order.
 */
final class LiveLag {

    private LiveLag() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        // Autovacuum's launcher visits the database once a minute, so its runs on the writer's table fell into the same
        // slot of each rate's sequence of runs (every time into pgcdc's, never into the reference's, which runs first)
        // and took up to half a core from the walsender for seconds. Each run starts from a table vacuumed by hand.
        run.cluster().execute("ALTER TABLE " + Workload.TABLE + " SET (autovacuum_enabled = off)");
        try {
            return measureRates(run);
        } finally {
            run.cluster().execute("ALTER TABLE " + Workload.TABLE + " RESET (autovacuum_enabled)");
        }
    }

    private static Map<String, Object> measureRates(Run run) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int rate : run.size().lagRates()) {
            Map<String, Object> reference = reference(run, rate);
            if (run.baselineJars().isEmpty()) {
                Map<String, Object> current = atRate(run, rate, "pgcdc-lag-" + rate, null);
                current.put("reference", reference);
                figures.put(String.valueOf(rate), current);
                continue;
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            int round = 0;
            for (Path jar : order(run.baselineJars())) {
                round++;
                Map<String, Object> one = jar == null
                        ? atRate(run, rate, "pgcdc-lag-" + rate + "-" + round, null)
                        : atRate(run, rate, "pgcdc-baseline-lag-" + rate + "-" + round, jar);
                one.put("build", build(run, jar));
                runs.add(one);
            }
            Map<String, Object> current = new LinkedHashMap<>(runs.get(run.baselineJars().size()));
            current.remove("build");
            current.put("runs", runs);
            current.put("reference", reference);
            figures.put(String.valueOf(rate), current);
        }
        return figures;
    }

    /**
     * The builds in the order they run at one rate: the baselines, the current build (null) twice, the baselines in
     * reverse, so that a drift of the shared machine's load weighs on every build alike.
     */
    private static List<Path> order(List<Path> baselines) {
        List<Path> order = new ArrayList<>(baselines);
        order.add(null);
        order.add(null);
        for (int i = baselines.size() - 1; i >= 0; i--) {
            order.add(baselines.get(i));
        }
        return order;
    }

    /** "current", "baseline" (one baseline), or "baseline " and the jar's file name (several). */
    private static String build(Run run, Path jar) {
        if (jar == null) {
            return "current";
        }
        return run.baselineJars().size() == 1 ? "baseline" : "baseline " + jar.getFileName();
    }

    private static Map<String, Object> atRate(Run run, int rate, String name, Path camelPgcdcJar) throws Exception {
        String slot = "lag_" + rate;
        int warmup = run.size().lagWarmupSeconds();
        int seconds = warmup + run.size().lagSeconds();
        long expected = PacedWriter.rows(rate, seconds);
        Duration timeout = Run.timeoutFor(expected).plusSeconds(seconds);
        run.slots().create(slot);
        Child probe = run.consumers().pgcdc(name, "lag", slot, expected, PacedWriter.rows(rate, warmup),
                timeout, camelPgcdcJar);
        return figures(expected, PacedWriter.rows(rate, warmup), paced(run, slot, probe, rate, seconds, timeout));
    }

    /** The reference consumer at {@code rate}, with the same warm-up and measured span as a pgcdc run. */
    private static Map<String, Object> reference(Run run, int rate) throws Exception {
        String slot = "lag_reference_" + rate;
        int warmup = run.size().lagWarmupSeconds();
        int seconds = warmup + run.size().lagSeconds();
        long expected = PacedWriter.rows(rate, seconds);
        Duration timeout = Run.timeoutFor(expected).plusSeconds(seconds);
        run.slots().create(slot);
        Child probe = run.consumers().rawStream("reference-lag-" + rate, slot, expected,
                PacedWriter.rows(rate, warmup), timeout);
        return figures(expected, PacedWriter.rows(rate, warmup), paced(run, slot, probe, rate, seconds, timeout));
    }

    private static Map<String, Object> figures(long expected, long warmupChanges, Paced paced) {
        Map<String, Object> result = paced.result();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("writerChangesPerSecond", Math.round(paced.achieved()));
        figures.put("p50Ms", result.get("p50Ms"));
        figures.put("p99Ms", result.get("p99Ms"));
        figures.put("maxMs", result.get("maxMs"));
        for (String part : List.of("server", "transit", "inside")) {
            if (result.containsKey(part)) {
                figures.put(part, result.get(part));
            }
        }
        figures.put("warmupChanges", warmupChanges);
        figures.put("measuredChanges", expected - warmupChanges);
        figures.put("cpuMicrosPerChange", result.get("cpuMicrosPerChange"));
        figures.put("measuredCpuMicrosPerChange", result.get("measuredCpuMicrosPerChange"));
        figures.put("measuredCpuMicrosPerChangeByThread", result.get("measuredCpuMicrosPerChangeByThread"));
        figures.put("jitMs", result.get("jitMs"));
        figures.put("gcMs", result.get("gcMs"));
        if (result.containsKey("sleepsPerSecond")) { // Linux only
            figures.put("consumerSleepsPerSecond", result.get("sleepsPerSecond"));
        }
        figures.put("writerInsert", paced.writerInsert());
        figures.putAll(paced.machine());
        figures.put("loadAverage", Environment.loadAverage());
        return figures;
    }

    /**
     * What the probe measured while the writer kept {@code rate} changes/s into its slot, the rate achieved, how long
     * the writer's inserts took and what the machine did meanwhile ({@link MachineWatch#figures()}).
     */
    record Paced(double achieved, Map<String, Object> result, Map<String, Object> writerInsert,
                 Map<String, Object> machine) {
    }

    /**
     * Vacuums the writer's table, waits for the probe to stream, writes at the rate, collects the probe's figures and
     * drops the slot.
     */
    static Paced paced(Run run, String slot, Child probe, int rate, int seconds, Duration timeout) throws Exception {
        // every run starts from a vacuumed table, its statistics fresh
        run.cluster().execute("VACUUM (ANALYZE) " + Workload.TABLE);
        try {
            run.slots().awaitActive(slot, Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            probe.kill();
            throw e;
        }
        PacedWriter writer = new PacedWriter(run.cluster());
        double achieved;
        Map<String, Object> machine;
        try (MachineWatch watch = MachineWatch.start(run, slot)) {
            achieved = writer.write(rate, seconds);
            machine = watch.figures();
        }
        Map<String, Object> result = probe.result(timeout);
        StreamingDrain.requireComplete(result);
        run.slots().drop(slot);
        return new Paced(achieved, result, writer.insertMillis(), machine);
    }
}
