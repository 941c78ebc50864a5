package dev.pgcdc.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 2: the whole table read by {@code COPY bench TO STDOUT} through psql (the ceiling) and by Debezium's initial
 * snapshot, and by pgcdc's snapshot (snapshotMode=initial_only) with 1 and N workers.
 */
final class SnapshotRead {

    private static final String DEBEZIUM = "snapshot_debezium";
    /** COPY runs twice and the faster run counts: the first may still pay for cold pages. */
    private static final int COPY_RUNS = 2;
    /**
     * pgcdc's snapshotParallelism: 1, and one per core. It snapshots tables in parallel, so for this one table the
     * second figure shows what the setting costs or gains, not a split of the table.
     */
    private static final int[] WORKERS = {1, Math.max(2, Runtime.getRuntime().availableProcessors())};

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

        double copySeconds = Double.MAX_VALUE;
        for (int i = 0; i < COPY_RUNS; i++) {
            copySeconds = Math.min(copySeconds, run.consumers().psqlCopy(timeout));
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        copy.put("seconds", copySeconds);
        copy.put("rowsPerSecond", Run.perSecond(rows, copySeconds));
        figures.put("copyToStdout", copy);

        for (int workers : WORKERS) {
            figures.put(workers == 1 ? "pgcdc1Worker" : "pgcdcNWorkers", pgcdc(run, "", workers, null));
        }
        if (run.baselineJar() != null) {
            List<Map<String, Object>> rounds = baselineRounds(run);
            figures.put("pgcdcBaseline1Worker", rounds.get(0).get("baseline"));
            figures.put("baselineRounds", rounds);
        }

        Map<String, Object> debezium = run.consumers().debezium("debezium-snapshot", "snapshot", DEBEZIUM, rows, timeout)
                .result(timeout);
        StreamingDrain.requireComplete(debezium);
        Map<String, Object> debeziumFigures = withRowRate(debezium, rows);
        figures.put("debezium", debeziumFigures);
        Map<String, Object> ratios = new LinkedHashMap<>();
        Object pgcdcRate = ((Map<?, ?>) figures.get("pgcdc1Worker")).get("rowsPerSecond");
        ratios.put("pgcdc1WorkerToCopy", Run.ratio(pgcdcRate, copy.get("rowsPerSecond")));
        ratios.put("pgcdc1WorkerToDebezium", Run.ratio(pgcdcRate, debeziumFigures.get("rowsPerSecond")));
        ratios.put("debeziumToCopy", Run.ratio(debeziumFigures.get("rowsPerSecond"), copy.get("rowsPerSecond")));
        if (figures.get("pgcdcBaseline1Worker") instanceof Map<?, ?> baseline) {
            ratios.put("pgcdc1WorkerToBaseline", Run.ratio(pgcdcRate, baseline.get("rowsPerSecond")));
        }
        figures.put("ratios", ratios);
        run.slots().drop(DEBEZIUM);
        return figures;
    }

    /**
     * One-worker snapshots of the baseline build and this one, alternately: the shared machine's load moves between
     * probes, so each round pairs the two builds under about the same load.
     */
    private static List<Map<String, Object>> baselineRounds(Run run) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int round = 1; round <= BASELINE_ROUNDS; round++) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("baseline", pgcdc(run, "baseline-" + round + "-", 1, run.baselineJar()));
            pair.put("current", pgcdc(run, "current-" + round + "-", 1, null));
            rounds.add(pair);
        }
        return rounds;
    }

    private static Map<String, Object> pgcdc(Run run, String prefix, int workers, Path jar)
            throws Exception {
        int rows = run.size().snapshotRows();
        Duration timeout = Run.timeoutFor(rows);
        String slot = "snapshot_pgcdc_" + prefix.replace("-", "_") + workers;
        Map<String, Object> pgcdc = run.consumers().pgcdcSnapshot("pgcdc-" + prefix + "snapshot-" + workers, slot,
                rows, workers, timeout, jar).result(timeout);
        StreamingDrain.requireComplete(pgcdc);
        Map<String, Object> figures = withRowRate(pgcdc, rows);
        figures.put("workers", workers);
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
