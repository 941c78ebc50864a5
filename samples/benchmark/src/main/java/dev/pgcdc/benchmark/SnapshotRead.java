package dev.pgcdc.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Part 2: the whole table read by {@code COPY bench TO STDOUT} through psql (the ceiling) and by Debezium's initial
 * snapshot. pgcdc's snapshot (issue 4) is reported as pending until it is on this branch.
 */
final class SnapshotRead {

    private static final String DEBEZIUM = "snapshot_debezium";
    /** COPY runs twice and the faster run counts: the first may still pay for cold pages. */
    private static final int COPY_RUNS = 2;

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

        figures.put("pgcdc", "pending: the snapshot (issue 4) is not on this branch yet");

        Map<String, Object> debezium = run.consumers().debezium("debezium-snapshot", "snapshot", DEBEZIUM, rows, timeout)
                .result(timeout);
        StreamingDrain.requireComplete(debezium);
        Map<String, Object> debeziumFigures = new LinkedHashMap<>();
        debeziumFigures.put("rowsPerSecond", Run.perSecond(rows, ((Number) debezium.get("seconds")).doubleValue()));
        debeziumFigures.putAll(debezium);
        debeziumFigures.remove("complete");
        debeziumFigures.remove("count");
        figures.put("debezium", debeziumFigures);
        figures.put("ratios", Map.of("debeziumToCopy",
                Run.ratio(debeziumFigures.get("rowsPerSecond"), copy.get("rowsPerSecond"))));
        run.slots().drop(DEBEZIUM);
        return figures;
    }
}
