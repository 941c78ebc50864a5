package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 6: a route that waits 5 ms per change (a stand-in for a webhook) with 1, 8 and 32 {@code concurrentConsumers}.
 * Throughput: a backlog of {@code lagSeconds} of ideal work (200 changes/s per consumer) drained, from the first
 * completed change to the last. Latency: commit to completion while a paced writer inserts at half the ideal rate,
 * after a warm-up of {@link #WARMUP_SECONDS} at that rate.
 */
final class ParallelDelivery {

    static final List<Integer> CONSUMERS = List.of(1, 8, 32);
    private static final int CHANGES_PER_SECOND_PER_CONSUMER = 200; // 5 ms each
    private static final int BACKLOG_ROWS_PER_TX = 100;
    private static final int WARMUP_SECONDS = 2;

    private ParallelDelivery() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int consumers : CONSUMERS) {
            Map<String, Object> result = new LinkedHashMap<>(drain(run, consumers));
            result.putAll(paced(run, consumers));
            figures.put(String.valueOf(consumers), result);
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (int consumers : CONSUMERS.subList(1, CONSUMERS.size())) {
            ratios.put(consumers + "To1", Run.ratio(rate(figures, consumers), rate(figures, 1)));
        }
        figures.put("ratios", ratios);
        return figures;
    }

    private static Object rate(Map<String, Object> figures, int consumers) {
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) figures.get(String.valueOf(consumers));
        return result.get("changesPerSecond");
    }

    private static Map<String, Object> drain(Run run, int consumers) throws Exception {
        String slot = "parallel_" + consumers;
        long changes = (long) consumers * CHANGES_PER_SECOND_PER_CONSUMER * run.size().lagSeconds();
        run.slots().create(slot);
        try (Connection connection = run.cluster().connect();
             PreparedStatement insert = connection.prepareStatement(Workload.INSERT_ROWS)) {
            insert.setInt(1, BACKLOG_ROWS_PER_TX);
            for (long written = 0; written < changes; written += BACKLOG_ROWS_PER_TX) {
                insert.executeUpdate();
            }
        }
        changes = (changes + BACKLOG_ROWS_PER_TX - 1) / BACKLOG_ROWS_PER_TX * BACKLOG_ROWS_PER_TX;
        Duration timeout = Run.timeoutFor(changes).plusSeconds(2L * run.size().lagSeconds());
        Map<String, Object> result = run.consumers().pgcdcWebhook("pgcdc-parallel-drain-" + consumers, slot, changes,
                0, consumers, timeout).result(timeout);
        StreamingDrain.requireComplete(result);
        run.slots().drop(slot);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("backlogChanges", changes);
        figures.put("changesPerSecond", Run.perSecond(changes, ((Number) result.get("seconds")).doubleValue()));
        return figures;
    }

    private static Map<String, Object> paced(Run run, int consumers) throws Exception {
        String slot = "parallel_lag_" + consumers;
        int rate = consumers * CHANGES_PER_SECOND_PER_CONSUMER / 2;
        int seconds = WARMUP_SECONDS + run.size().lagSeconds();
        long expected = PacedWriter.rows(rate, seconds);
        Duration timeout = Run.timeoutFor(expected).plusSeconds(seconds);
        run.slots().create(slot);
        Child probe = run.consumers().pgcdcWebhook("pgcdc-parallel-lag-" + consumers, slot, expected,
                PacedWriter.rows(rate, WARMUP_SECONDS), consumers, timeout);
        LiveLag.Paced paced = LiveLag.paced(run, slot, probe, rate, seconds, timeout);
        Map<String, Object> result = paced.result();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("pacedChangesPerSecond", Math.round(paced.achieved()));
        figures.put("p50Ms", result.get("p50Ms"));
        figures.put("p99Ms", result.get("p99Ms"));
        figures.put("maxMs", result.get("maxMs"));
        return figures;
    }
}
