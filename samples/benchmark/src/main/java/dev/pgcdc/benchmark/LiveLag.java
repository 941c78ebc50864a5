package dev.pgcdc.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Part 3: pgcdc streaming live while a paced writer inserts at each configured rate; commit-to-exchange latency
 * percentiles after a warm-up of {@link #WARMUP_SECONDS} at the same rate.
 */
final class LiveLag {

    private static final int WARMUP_SECONDS = 2;

    private LiveLag() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int rate : run.size().lagRates()) {
            figures.put(String.valueOf(rate), atRate(run, rate));
        }
        return figures;
    }

    private static Map<String, Object> atRate(Run run, int rate) throws Exception {
        String slot = "lag_" + rate;
        int seconds = WARMUP_SECONDS + run.size().lagSeconds();
        long expected = PacedWriter.rows(rate, seconds);
        Duration timeout = Run.timeoutFor(expected).plusSeconds(seconds);
        run.slots().create(slot);
        Child probe = run.consumers().pgcdc("pgcdc-lag-" + rate, "lag", slot, expected,
                PacedWriter.rows(rate, WARMUP_SECONDS), timeout, null);
        Paced paced = paced(run, slot, probe, rate, seconds, timeout);
        Map<String, Object> result = paced.result();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("writerChangesPerSecond", Math.round(paced.achieved()));
        figures.put("p50Ms", result.get("p50Ms"));
        figures.put("p99Ms", result.get("p99Ms"));
        figures.put("maxMs", result.get("maxMs"));
        figures.put("measuredChanges", expected - PacedWriter.rows(rate, WARMUP_SECONDS));
        return figures;
    }

    /** What the probe measured while the writer kept {@code rate} changes/s into its slot, and the rate achieved. */
    record Paced(double achieved, Map<String, Object> result) {
    }

    /** Waits for the probe to stream, writes at the rate, collects the probe's figures and drops the slot. */
    static Paced paced(Run run, String slot, Child probe, int rate, int seconds, Duration timeout) throws Exception {
        try {
            run.slots().awaitActive(slot, Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            probe.kill();
            throw e;
        }
        double achieved = new PacedWriter(run.cluster()).write(rate, seconds);
        Map<String, Object> result = probe.result(timeout);
        StreamingDrain.requireComplete(result);
        run.slots().drop(slot);
        return new Paced(achieved, result);
    }
}
