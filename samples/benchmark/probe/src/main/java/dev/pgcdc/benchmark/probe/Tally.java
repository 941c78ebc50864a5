package dev.pgcdc.benchmark.probe;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Counts the changes a route receives and, when asked, their commit-to-arrival latency. The counting routes
 * are synchronous on one consumer thread, but {@link #record} is synchronized anyway so a route that hands
 * over to other threads still counts correctly; it is not the bottleneck at these rates.
 */
public final class Tally {

    private final long expected;
    private final long warmup;
    private final long[] latencyMicros;
    private final CountDownLatch reached = new CountDownLatch(1);
    private long count;
    private long firstNanos;
    private long firstCpuNanos;
    private long lastNanos;

    /**
     * @param expected      changes to wait for
     * @param warmup        how many of them (the first) are not part of the latency figures: they include JIT warm-up
     * @param keepLatencies whether to record one latency per change after the warm-up
     */
    public Tally(long expected, long warmup, boolean keepLatencies) {
        this.expected = expected;
        this.warmup = warmup;
        this.latencyMicros = keepLatencies ? new long[Math.toIntExact(expected - warmup)] : null;
    }

    /** Records one change; {@code commitTime} may be null when latencies are not kept. */
    public synchronized void record(Instant commitTime) {
        long now = System.nanoTime();
        if (count == 0) {
            firstNanos = now;
            firstCpuNanos = CpuClock.processCpuNanos();
        }
        lastNanos = now;
        long measured = count - warmup;
        if (latencyMicros != null && measured >= 0 && measured < latencyMicros.length) {
            Instant arrival = Instant.now();
            latencyMicros[(int) measured] = (arrival.getEpochSecond() - commitTime.getEpochSecond()) * 1_000_000L
                    + (arrival.getNano() - commitTime.getNano()) / 1_000;
        }
        if (++count == expected) {
            reached.countDown();
        }
    }

    /** Waits until the expected number of changes arrived; false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return reached.await(timeout, unit);
    }

    public synchronized long count() {
        return count;
    }

    /** Nanos (System.nanoTime) of the first change. */
    public synchronized long firstNanos() {
        return firstNanos;
    }

    /** The JVM's CPU time when the first change arrived: CPU figures leave start-up out, as the rates do. */
    public synchronized long firstCpuNanos() {
        return firstCpuNanos;
    }

    /** Nanos (System.nanoTime) of the latest change. */
    public synchronized long lastNanos() {
        return lastNanos;
    }

    /** p50, p99 and max of the recorded latencies, in milliseconds. */
    public synchronized Map<String, Object> latencyMillis() {
        long[] sorted = Arrays.copyOf(latencyMicros, (int) Math.max(0, Math.min(count - warmup, latencyMicros.length)));
        Arrays.sort(sorted);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50Ms", percentile(sorted, 0.50));
        figures.put("p99Ms", percentile(sorted, 0.99));
        figures.put("maxMs", sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1000.0);
        return figures;
    }

    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0.0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
