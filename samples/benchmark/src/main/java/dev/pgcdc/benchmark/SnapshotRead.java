package dev.pgcdc.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 2: the whole table read by {@code COPY bench TO STDOUT} through psql (the ceiling) and by Debezium's initial
 * snapshot, and by pgcdc's snapshot (snapshotMode=initial_only) with 1, 2 and 4 workers (snapshotParallelism: the
 * table is split into that many key ranges read at once), 4 workers also with 4 delivery lanes (concurrentConsumers);
 * then the same for a copy of the table without a key (ctid ranges) beside its own COPY. Each pgcdc reader reads the
 * table twice in its JVM and its second, warm pass counts, as COPY's faster run does; its first, cold pass (a fresh
 * JVM: what a short-lived job sees) is reported beside it. Debezium's snapshot is measured cold, one pass.
 */
final class SnapshotRead {

    private static final String DEBEZIUM = "snapshot_debezium";
    /**
     * COPY runs five times and the fastest run counts: the first may still pay for cold pages, and one run of under two
     * seconds on a shared machine can lose a third of its rate to a neighbour, which would flatter every ratio to COPY.
     */
    private static final int COPY_RUNS = 5;
    /** pgcdc's snapshotParallelism: readers of the one table, each on a range of its key. */
    private static final int[] WORKERS = {1, 2, 4};
    private static final int LANES = 4;

    /** Rounds of baseline and current build with {@code --baseline-jar}. */
    private static final int BASELINE_ROUNDS = 3;

    private SnapshotRead() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        int rows = run.size().snapshotRows();
        Duration timeout = Run.timeoutFor(rows);
        run.workload().truncate();
        run.workload().insertRows(rows);
        run.workload().vacuum();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rows", rows);

        Map<String, Object> copy = copy(run, Workload.TABLE);
        figures.put("copyToStdout", copy);
        figures.putAll(pgcdcByWorkers(run, Workload.TABLE, ""));
        figures.put("pgcdc" + LANES + "Workers" + LANES + "Lanes",
                pgcdc(run, "lanes-", Workload.TABLE, WORKERS[WORKERS.length - 1], LANES, null));
        if (run.baselineJar() != null) {
            List<Map<String, Object>> rounds = baselineRounds(run);
            figures.put("pgcdcBaseline1Worker", rounds.get(0).get("baseline"));
            figures.put("baselineRounds", rounds);
        }

        Map<String, Object> debezium = ServerCpu.withServerCpu(run.serverCpu(), rows,
                () -> run.consumers().debezium("debezium-snapshot", "snapshot", DEBEZIUM, rows, timeout)
                        .result(timeout));
        StreamingDrain.requireComplete(debezium);
        Map<String, Object> debeziumFigures = withRowRate(debezium, rows);
        figures.put("debezium", debeziumFigures);
        run.slots().drop(DEBEZIUM);

        run.workload().createKeylessCopy();
        Map<String, Object> keyless = new LinkedHashMap<>();
        try {
            keyless.put("copyToStdout", copy(run, Workload.KEYLESS_TABLE));
            keyless.putAll(pgcdcByWorkers(run, Workload.KEYLESS_TABLE, "keyless-"));
        } finally {
            run.workload().dropKeylessCopy();
            run.workload().dropSnapshotTables();
        }
        figures.put("keyless", keyless);

        // warm passes make the headline ratios, as COPY's faster run does; the cold ones stand beside them
        Map<String, Object> ratios = new LinkedHashMap<>();
        Object copyRate = copy.get("rowsPerSecond");
        Object keylessCopyRate = ((Map<?, ?>) keyless.get("copyToStdout")).get("rowsPerSecond");
        Map<?, ?> oneWorker = (Map<?, ?>) figures.get("pgcdc1Worker");
        Object pgcdcRate = oneWorker.get("rowsPerSecond");
        Object pgcdcColdRate = cold(oneWorker).get("rowsPerSecond");
        ratios.put("pgcdc1WorkerToCopy", Run.ratio(pgcdcRate, copyRate));
        ratios.put("pgcdc1WorkerColdToCopy", Run.ratio(pgcdcColdRate, copyRate));
        ratios.put("pgcdcBestToCopy", Run.ratio(best(figures, false), copyRate));
        ratios.put("pgcdcBestColdToCopy", Run.ratio(best(figures, true), copyRate));
        ratios.put("keylessBestToCopy", Run.ratio(best(keyless, false), keylessCopyRate));
        ratios.put("keylessBestColdToCopy", Run.ratio(best(keyless, true), keylessCopyRate));
        ratios.put("pgcdc1WorkerToDebezium", Run.ratio(pgcdcRate, debeziumFigures.get("rowsPerSecond")));
        ratios.put("pgcdc1WorkerColdToDebezium", Run.ratio(pgcdcColdRate, debeziumFigures.get("rowsPerSecond")));
        ratios.put("debeziumToCopy", Run.ratio(debeziumFigures.get("rowsPerSecond"), copyRate));
        if (figures.get("pgcdcBaseline1Worker") instanceof Map<?, ?> baseline) {
            ratios.put("pgcdc1WorkerToBaseline", Run.ratio(pgcdcRate, baseline.get("rowsPerSecond")));
            ratios.put("pgcdc1WorkerColdToBaseline", Run.ratio(pgcdcColdRate, cold(baseline).get("rowsPerSecond")));
        }
        figures.put("ratios", ratios);
        return figures;
    }

    /** The fastest of {@link #COPY_RUNS} runs of {@code COPY table TO STDOUT}. */
    private static Map<String, Object> copy(Run run, String table) throws Exception {
        int rows = run.size().snapshotRows();
        // the server's CPU over all runs, per row read
        return ServerCpu.withServerCpu(run.serverCpu(), (long) COPY_RUNS * rows, () -> {
            double seconds = Double.MAX_VALUE;
            for (int i = 0; i < COPY_RUNS; i++) {
                seconds = Math.min(seconds, run.consumers().psqlCopy(table, Run.timeoutFor(rows)));
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("seconds", seconds);
            copy.put("rowsPerSecond", Run.perSecond(rows, seconds));
            return copy;
        });
    }

    /** pgcdc's snapshot of {@code table} with each worker count, one delivery lane, by figure name. */
    private static Map<String, Object> pgcdcByWorkers(Run run, String table, String prefix) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int workers : WORKERS) {
            figures.put(workers == 1 ? "pgcdc1Worker" : "pgcdc" + workers + "Workers",
                    pgcdc(run, prefix, table, workers, 1, null));
        }
        return figures;
    }

    /** The highest pgcdc rate among the figures, of their warm passes or of their {@code cold} ones. */
    private static double best(Map<String, Object> figures, boolean cold) {
        return figures.entrySet().stream()
                .filter(e -> e.getKey().startsWith("pgcdc") && !e.getKey().contains("Baseline")
                        && e.getValue() instanceof Map<?, ?>)
                .map(e -> (Map<?, ?>) e.getValue())
                .mapToDouble(r -> ((Number) (cold ? cold(r) : r).get("rowsPerSecond")).doubleValue())
                .max().orElse(0);
    }

    /** The figures of a pgcdc reader's first pass, in its fresh JVM (see {@link #pgcdc}). */
    private static Map<?, ?> cold(Map<?, ?> reader) {
        return (Map<?, ?>) reader.get("cold");
    }

    /**
     * One-worker snapshots of the baseline build and this one, alternately: the shared machine's load moves between
     * probes, so each round pairs the two builds under about the same load.
     */
    private static List<Map<String, Object>> baselineRounds(Run run) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int round = 1; round <= BASELINE_ROUNDS; round++) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("baseline", pgcdc(run, "baseline-" + round + "-", Workload.TABLE, 1, 1, run.baselineJar()));
            pair.put("current", pgcdc(run, "current-" + round + "-", Workload.TABLE, 1, 1, null));
            rounds.add(pair);
        }
        return rounds;
    }

    /**
     * One pgcdc reader of the table, in a JVM of its own that reads it twice (PgcdcProbe's snapshot mode): the
     * figures of the second pass, in a warm JVM, with those of the first under {@code cold}.
     */
    private static Map<String, Object> pgcdc(Run run, String prefix, String table, int workers, int lanes, Path jar)
            throws Exception {
        int rows = run.size().snapshotRows();
        Duration timeout = Run.timeoutFor(rows); // each pass's
        Duration bothPasses = timeout.multipliedBy(2);
        String slot = "snapshot_pgcdc_" + prefix.replace("-", "_") + workers + "_" + lanes;
        // the server's CPU over both passes (chunk reads, watermarks, progress, the walsender), per row read
        Map<String, Object> pgcdc = ServerCpu.withServerCpu(run.serverCpu(), 2L * rows,
                () -> run.consumers().pgcdcSnapshot("pgcdc-" + prefix + "snapshot-" + workers
                        + (lanes > 1 ? "-lanes-" + lanes : ""), slot, table, rows, workers, lanes, timeout, jar)
                        .result(bothPasses));
        StreamingDrain.requireComplete(pgcdc);
        Map<String, Object> figures = withRowRate(pgcdc, rows);
        @SuppressWarnings("unchecked")
        Map<String, Object> cold = (Map<String, Object>) pgcdc.get("cold");
        figures.put("cold", withRowRate(cold, rows));
        figures.put("workers", workers);
        figures.put("lanes", lanes);
        // the machine may be shared: the load when each figure was taken says how much it is disturbed
        figures.put("loadAverage", Environment.loadAverage());
        run.slots().drop(slot);
        return figures;
    }

    /** A probe's figures with its rate (first to last row) in front. */
    static Map<String, Object> withRowRate(Map<String, Object> probe, long rows) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rowsPerSecond", Run.perSecond(rows, ((Number) probe.get("seconds")).doubleValue()));
        figures.putAll(probe);
        figures.remove("complete");
        figures.remove("count");
        return figures;
    }
}
