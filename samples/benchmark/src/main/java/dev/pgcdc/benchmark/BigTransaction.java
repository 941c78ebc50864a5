package dev.pgcdc.benchmark;

import java.time.Duration;
import java.util.Map;

/**
 * Part 4b: pgcdc's memory while it streams one transaction of {@code bigTxRows} inserted rows (and, when given, the
 * older pgcdc build's, from a slot of its own).
 */
final class BigTransaction {

    private static final String SLOT = "big_transaction";
    private static final String BASELINE = "big_transaction_baseline";

    private BigTransaction() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        int rows = run.size().bigTxRows();
        Duration timeout = Run.timeoutFor(rows);
        run.workload().truncate();
        run.slots().create(SLOT);
        if (run.baselineJar() != null) {
            run.slots().create(BASELINE);
        }
        run.workload().insertRows(rows);
        Map<String, Object> figures = StreamingDrain.withRate(
                run.consumers().pgcdc("pgcdc-big-transaction", "drain", SLOT, rows, 0, timeout, null).result(timeout),
                rows);
        figures.put("rows", rows);
        if (run.baselineJar() != null) {
            figures.put("baseline", StreamingDrain.withRate(run.consumers().pgcdc("pgcdc-baseline-big-transaction",
                    "drain", BASELINE, rows, 0, timeout, run.baselineJar()).result(timeout), rows));
        }
        run.slots().drop(SLOT, BASELINE);
        return figures;
    }
}
