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
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the changes a route receives and, when asked, their commit-to-arrival latency. The counting routes
 * are synchronous on one consumer thread, but {@link #record} is synchronized anyway so a route that hands
 * over to other threads still counts correctly; it is not the bottleneck at these rates.
 */
public final class Tally {

    /** How often {@link #await} looks whether the warm-up is over. */
    private static final long WARM_UP_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

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
    /** Whether every change came with the times it was sent and read, so that the split is known. */
    private boolean split = true;
    private final CountDownLatch reached = new CountDownLatch(1);
    private long count;
    private long firstNanos;
    private long firstCpuNanos;
    private ThreadCpu firstThreadCpu;
    private long lastNanos;
    /** The JVM's JIT compilation and GC times when the measured span started, in ms; -1 when unknown. */
    private long compileMillisAtStart = -1;
    private long gcMillisAtStart = -1;
    /** The JVM's CPU time, its threads' sleeps and the time when the measured span started. */
    private long cpuNanosAtStart;
    private long sleepsAtStart = -1;
    private long nanosAtStart;
    /** Each thread's CPU time when the measured span started. */
    private ThreadCpu measuredThreadCpu;
    /** The count when the measured span started: the CPU figures are per change from there. */
    private long measuredFrom;
    /**
     * The same figures when the last expected change arrived, so that what the probe does after (sorting a million
     * latencies) is not counted; measuredByThread is null before.
     */
    private long compileMillisAtEnd;
    private long gcMillisAtEnd;
    private long cpuNanosAtEnd;
    private long sleepsAtEnd;
    private long nanosAtEnd;
    private Map<String, Object> measuredByThread;
    /** System.nanoTime's origin on the wall clock, in ms since the epoch, for the trace. */
    private final double epochMillisAtNanoZero = System.currentTimeMillis() - System.nanoTime() / 1e6;

    /**
     * @param expected      changes to wait for
     * @param warmup        how many of them (the first) are not part of the latency figures: they include JIT warm-up
     * @param keepLatencies whether to record the latencies, of which those after the warm-up are measured
     */
    public Tally(long expected, long warmup, boolean keepLatencies) {
        this.expected = expected;
        this.warmup = warmup;
        int kept = keepLatencies ? Math.toIntExact(expected) : 0;
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
     *
     * <p>Warm-up changes are recorded as the measured ones are: a branch that the route's compiled code had never
     * taken, first taken when the measured span starts, would deoptimize that code there, and the JIT would recompile
     * it while the latencies are measured. The span's start is taken by {@link #await}.
     */
    public synchronized void record(Instant commitTime, Instant sentTime, Instant readTime) {
        long now = System.nanoTime();
        if (count == 0) {
            firstNanos = now;
            firstCpuNanos = CpuClock.processCpuNanos();
            firstThreadCpu = new ThreadCpu();
        }
        lastNanos = now;
        if (latencyMicros != null && count < latencyMicros.length) {
            Instant arrival = Instant.now();
            int i = (int) count;
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
            if (measuredThreadCpu != null) {
                compileMillisAtEnd = JvmTimes.compileMillis();
                gcMillisAtEnd = JvmTimes.gcMillis();
                cpuNanosAtEnd = CpuClock.processCpuNanos();
                sleepsAtEnd = JvmTimes.sleeps();
                nanosAtEnd = now;
                measuredByThread = measuredThreadCpu.microsPerChange(expected - measuredFrom, null);
            }
            reached.countDown();
        }
    }

    /**
     * Waits until the expected number of changes arrived; false on timeout. When latencies are kept, the measured
     * span's start (the JVM's CPU, JIT, GC and sleep figures, each thread's CPU) is read here, within a millisecond
     * of the warm-up's last change (of the first change without a warm-up), on this thread rather than the route's
     * (see {@link #record}), and outside the lock the route's thread takes for each change.
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (latencyMicros != null) {
            long from;
            while ((from = count()) < Math.max(warmup, 1)) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                LockSupport.parkNanos(WARM_UP_POLL_NANOS);
            }
            if (from < expected) {
                long compileMillis = JvmTimes.compileMillis();
                long gcMillis = JvmTimes.gcMillis();
                long sleeps = JvmTimes.sleeps();
                ThreadCpu threadCpu = new ThreadCpu();
                long cpuNanos = CpuClock.processCpuNanos();
                long nanos = System.nanoTime();
                synchronized (this) {
                    compileMillisAtStart = compileMillis;
                    gcMillisAtStart = gcMillis;
                    sleepsAtStart = sleeps;
                    measuredThreadCpu = threadCpu;
                    cpuNanosAtStart = cpuNanos;
                    nanosAtStart = nanos;
                    measuredFrom = from;
                }
            }
        }
        return reached.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
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

    /**
     * CPU microseconds per measured change by thread (see {@link ThreadCpu#microsPerChange}, with {@code slot} left
     * out of the names) from the measured span's start to the last expected change; empty before that one arrived or
     * when latencies are not kept.
     */
    public synchronized Map<String, Object> measuredMicrosPerChangeByThread(String slot) {
        if (measuredByThread == null) {
            return Map.of();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        measuredByThread.forEach((thread, micros) -> figures.put(thread.replace(slot, "<slot>"), micros));
        return figures;
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
     * Also the milliseconds the JVM spent compiling (JIT, all compiler threads) and in GC from the measured span's
     * start to the last expected change (or now, before it arrived): CPU the consumer's JVM took beside its work
     * while the latencies were measured; and the JVM's CPU per measured change ({@code measuredCpuMicrosPerChange}),
     * the consumer's cost once warmed up, and how often a second its threads went to sleep
     * ({@code sleepsPerSecond}), each a wake-up that competes for a CPU.
     */
    public synchronized Map<String, Object> latencyMillis() {
        Map<String, Object> figures = percentiles(latencyMicros);
        if (compileMillisAtStart >= 0) {
            boolean ended = measuredByThread != null;
            figures.put("jitMs", (ended ? compileMillisAtEnd : JvmTimes.compileMillis()) - compileMillisAtStart);
            figures.put("gcMs", (ended ? gcMillisAtEnd : JvmTimes.gcMillis()) - gcMillisAtStart);
            figures.put("measuredCpuMicrosPerChange", CpuClock.microsPerChange(cpuNanosAtStart,
                    ended ? cpuNanosAtEnd : CpuClock.processCpuNanos(), (ended ? expected : count) - measuredFrom));
            long sleeps = ended ? sleepsAtEnd : JvmTimes.sleeps();
            long endNanos = ended ? nanosAtEnd : lastNanos;
            if (sleeps >= 0 && sleepsAtStart >= 0 && endNanos > nanosAtStart) {
                double seconds = (endNanos - nanosAtStart) / 1e9;
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

    /** How many latencies after the warm-up's are recorded. */
    private int measured() {
        return (int) Math.max(0, Math.min(count, latencyMicros.length) - warmup);
    }

    private Map<String, Object> percentiles(long[] micros) {
        long[] sorted = Arrays.copyOfRange(micros, (int) warmup, (int) warmup + measured());
        Arrays.sort(sorted);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50Ms", percentile(sorted, 0.50));
        figures.put("p99Ms", percentile(sorted, 0.99));
        figures.put("maxMs", sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1000.0);
        return figures;
    }

    /**
     * Writes one line per measured change, in arrival order: milliseconds since the first, then its latency and its
     * three parts (see {@link #latencyMillis()}; 0 when unknown) in microseconds, and its arrival on the wall clock in
     * milliseconds since the epoch (to line it up with a JFR recording or the server's log): where in the run a tail
     * is.
     */
    public synchronized void writeTrace(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("ms,latencyUs,serverUs,transitUs,insideUs,epochMs");
            int from = (int) warmup;
            for (int i = from; i < from + measured(); i++) {
                out.printf("%.3f,%d,%d,%d,%d,%.3f%n", (arrivalNanos[i] - arrivalNanos[from]) / 1e6,
                        latencyMicros[i], serverMicros[i], transitMicros[i], insideMicros[i],
                        epochMillisAtNanoZero + arrivalNanos[i] / 1e6);
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
