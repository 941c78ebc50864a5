package dev.pgcdc.benchmark.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** Commit to the server sending the change: the lag in the server. */
    private final long[] serverMicros;
    /** The server sending the change to the consumer reading it: the lag in the network and the consumer's socket. */
    private final long[] transitMicros;
    /** The consumer reading the change to its arrival in the route: the lag inside the consumer. */
    private final long[] insideMicros;
    private final long[] arrivalNanos;
    /** Whether every measured change came with the times it was sent and read, so that the split is known. */
    private boolean split = true;
    private final CountDownLatch reached = new CountDownLatch(1);
    private long count;
    private long firstNanos;
    private long firstCpuNanos;
    private ThreadCpu firstThreadCpu;
    private long lastNanos;
    /** The JVM's JIT compilation and GC times when the first measured change arrived, in ms; -1 when unknown. */
    private long compileMillisAtStart = -1;
    private long gcMillisAtStart = -1;
    /** The JVM's CPU time, its threads' sleeps and the time when the first measured change arrived. */
    private long cpuNanosAtStart;
    private long sleepsAtStart = -1;
    private long nanosAtStart;

    /**
     * @param expected      changes to wait for
     * @param warmup        how many of them (the first) are not part of the latency figures: they include JIT warm-up
     * @param keepLatencies whether to record one latency per change after the warm-up
     */
    public Tally(long expected, long warmup, boolean keepLatencies) {
        this.expected = expected;
        this.warmup = warmup;
        int kept = keepLatencies ? Math.toIntExact(expected - warmup) : 0;
        this.latencyMicros = keepLatencies ? new long[kept] : null;
        this.serverMicros = new long[kept];
        this.transitMicros = new long[kept];
        this.insideMicros = new long[kept];
        this.arrivalNanos = new long[kept];
    }

    /** Records one change; {@code commitTime} may be null when latencies are not kept. */
    public void record(Instant commitTime) {
        record(commitTime, null, null);
    }

    /**
     * Records one change; {@code commitTime} may be null when latencies are not kept, {@code sentTime} (when the
     * server sent the change) and {@code readTime} (when the consumer read it) when the consumer does not say.
     */
    public synchronized void record(Instant commitTime, Instant sentTime, Instant readTime) {
        long now = System.nanoTime();
        if (count == 0) {
            firstNanos = now;
            firstCpuNanos = CpuClock.processCpuNanos();
            firstThreadCpu = new ThreadCpu();
        }
        lastNanos = now;
        long measured = count - warmup;
        if (latencyMicros != null && measured == 0) {
            compileMillisAtStart = JvmTimes.compileMillis();
            gcMillisAtStart = JvmTimes.gcMillis();
            cpuNanosAtStart = CpuClock.processCpuNanos();
            sleepsAtStart = JvmTimes.sleeps();
            nanosAtStart = System.nanoTime();
        }
        if (latencyMicros != null && measured >= 0 && measured < latencyMicros.length) {
            Instant arrival = Instant.now();
            int i = (int) measured;
            latencyMicros[i] = micros(commitTime, arrival);
            arrivalNanos[i] = now;
            if (sentTime == null || readTime == null) {
                split = false;
            } else {
                serverMicros[i] = micros(commitTime, sentTime);
                transitMicros[i] = micros(sentTime, readTime);
                insideMicros[i] = micros(readTime, arrival);
            }
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

    /** Each thread's CPU time when the first change arrived; null before it did. */
    public synchronized ThreadCpu firstThreadCpu() {
        return firstThreadCpu;
    }

    /** Nanos (System.nanoTime) of the latest change. */
    public synchronized long lastNanos() {
        return lastNanos;
    }

    private static long micros(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) * 1_000_000L + (to.getNano() - from.getNano()) / 1_000;
    }

    /**
     * p50, p99 and max of the recorded latencies, in milliseconds; when the consumer said when each change was sent
     * and read, the same of its three parts: {@code server} (commit to sent), {@code transit} (sent to read: the
     * network, and the socket while the consumer's read loop was busy or late) and {@code inside} (read to route).
     * Also the milliseconds the JVM spent compiling (JIT, all compiler threads) and in GC from the first measured
     * change to now: CPU the consumer's JVM took beside its work while the latencies were measured; and the JVM's CPU
     * per measured change ({@code measuredCpuMicrosPerChange}), the consumer's cost once warmed up, and how often a
     * second its threads went to sleep ({@code sleepsPerSecond}), each a wake-up that competes for a CPU.
     */
    public synchronized Map<String, Object> latencyMillis() {
        Map<String, Object> figures = percentiles(latencyMicros);
        if (compileMillisAtStart >= 0) {
            figures.put("jitMs", JvmTimes.compileMillis() - compileMillisAtStart);
            figures.put("gcMs", JvmTimes.gcMillis() - gcMillisAtStart);
            figures.put("measuredCpuMicrosPerChange",
                    CpuClock.microsPerChange(cpuNanosAtStart, CpuClock.processCpuNanos(), measured()));
            long sleeps = JvmTimes.sleeps();
            if (sleeps >= 0 && sleepsAtStart >= 0 && lastNanos > nanosAtStart) {
                double seconds = (lastNanos - nanosAtStart) / 1e9;
                figures.put("sleepsPerSecond", Math.round((sleeps - sleepsAtStart) / seconds));
            }
        }
        if (split && measured() > 0) {
            figures.put("server", percentiles(serverMicros));
            figures.put("transit", percentiles(transitMicros));
            figures.put("inside", percentiles(insideMicros));
        }
        return figures;
    }

    private int measured() {
        return (int) Math.max(0, Math.min(count - warmup, latencyMicros.length));
    }

    private Map<String, Object> percentiles(long[] micros) {
        long[] sorted = Arrays.copyOf(micros, measured());
        Arrays.sort(sorted);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50Ms", percentile(sorted, 0.50));
        figures.put("p99Ms", percentile(sorted, 0.99));
        figures.put("maxMs", sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1000.0);
        return figures;
    }

    /**
     * Writes one line per measured change, in arrival order: milliseconds since the first, then its latency and its
     * three parts (see {@link #latencyMillis()}; 0 when unknown) in microseconds: where in the run a tail is.
     */
    public synchronized void writeTrace(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("ms,latencyUs,serverUs,transitUs,insideUs");
            int n = measured();
            for (int i = 0; i < n; i++) {
                out.printf("%.3f,%d,%d,%d,%d%n", (arrivalNanos[i] - arrivalNanos[0]) / 1e6, latencyMicros[i],
                        serverMicros[i], transitMicros[i], insideMicros[i]);
            }
        }
    }

    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0.0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
