package dev.pgcdc.benchmark;

import java.time.Duration;
import java.util.Map;

/** Part 4b: pgcdc's memory while it streams one transaction of {@code bigTxRows} inserted rows. */
final class BigTransaction {

    private static final String SLOT = "big_transaction";

    private BigTransaction() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        int rows = run.size().bigTxRows();
        Duration timeout = Run.timeoutFor(rows);
        run.workload().truncate();
        run.slots().create(SLOT);
        run.workload().insertRows(rows);
        Map<String, Object> figures = StreamingDrain.withRate(
                run.consumers().pgcdc("pgcdc-big-transaction", "drain", SLOT, rows, 0, timeout, null).result(timeout),
                rows);
        figures.put("rows", rows);
        run.slots().drop(SLOT);
        return figures;
    }
}
