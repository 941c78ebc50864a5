package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pgcdc.embedded.PostgresServer;

/**
 * What the machine was doing while a paced writer ran (Linux {@code /proc}; nothing elsewhere), so that a live-lag
 * tail can be told apart from a machine that had no CPU to give: the whole machine's busy cores, sampled every 100 ms
 * (their mean, and the share of samples with at least 95 % of the cores busy), the cluster's CPU ({@link ServerCpu}),
 * the walsender's own CPU and the time it spent runnable but waiting for a CPU ({@code /proc/PID/schedstat}), what
 * the walsender was doing in each sample ({@code pg_stat_activity.wait_event}: nothing, i.e. decoding, sending or
 * waiting for a CPU; {@code WalSenderWriteData}, its socket full because the consumer is not reading; waiting for new
 * WAL or for the consumer, caught up), and how often autovacuum or autoanalyze ran on the table.
 */
final class MachineWatch implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 100;
    private static final double SATURATED = 0.95;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final PostgresServer cluster;
    private final long walsenderPid;
    private final ServerCpu serverCpu;
    private final long startNanos = System.nanoTime();
    private final long[] walsenderStart;
    private final long serverMicrosStart;
    private final long autovacuumStart;
    private final Thread sampler;
    private volatile boolean running = true;
    private int samples;
    private int saturatedSamples;
    private double busyCoresSum;
    /** Samples of the walsender's wait event: none (working or runnable), socket full, anything else (caught up). */
    private int walsenderSamples;
    private int walsenderWorking;
    private int walsenderSocketFull;
    /**
     * The walsender's latest schedstat reading and when it was taken: it is read at every sample, because the
     * walsender ends as soon as its consumer has the last change, which can be before the writer returns.
     */
    private long[] walsenderLast;
    private long walsenderLastNanos;

    private MachineWatch(PostgresServer cluster, long walsenderPid) {
        this.cluster = cluster;
        this.walsenderPid = walsenderPid;
        this.serverCpu = ServerCpu.of(cluster);
        this.walsenderStart = schedstat(walsenderPid);
        this.serverMicrosStart = serverMicros();
        this.autovacuumStart = autovacuumRuns();
        this.sampler = new Thread(this::sample, "machine-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts watching; {@code slot}'s walsender is the one whose CPU and waits are reported. */
    static MachineWatch start(PostgresServer cluster, String slot) {
        Integer pid = cluster.queryForObject("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?",
                Integer.class, slot);
        return new MachineWatch(cluster, pid == null ? -1 : pid);
    }

    private void sample() {
        try (Connection connection = cluster.connect();
             PreparedStatement waitEvent = connection.prepareStatement("SELECT coalesce(wait_event, '')"
                     + " FROM pg_stat_activity WHERE pid = ?")) {
            waitEvent.setLong(1, walsenderPid);
            sample(waitEvent);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot sample the walsender's wait event: " + e.getMessage(), e);
        }
    }

    private void sample(PreparedStatement waitEvent) throws SQLException {
        long[] previous = cpuTicks();
        while (running) {
            try {
                Thread.sleep(SAMPLE_MILLIS); // a fixed sampling period: /proc/stat has no notification
            } catch (InterruptedException e) {
                return;
            }
            sampleWalsender(waitEvent);
            long[] walsender = schedstat(walsenderPid);
            if (walsender != null) {
                synchronized (this) {
                    walsenderLast = walsender;
                    walsenderLastNanos = System.nanoTime();
                }
            }
            long[] now = cpuTicks();
            if (now == null || previous == null) {
                continue;
            }
            long total = now[0] - previous[0];
            if (total > 0) {
                double busy = 1 - (double) (now[1] - previous[1]) / total;
                synchronized (this) {
                    samples++;
                    busyCoresSum += busy * Runtime.getRuntime().availableProcessors();
                    if (busy >= SATURATED) {
                        saturatedSamples++;
                    }
                }
            }
            previous = now;
        }
    }

    private void sampleWalsender(PreparedStatement waitEvent) throws SQLException {
        try (ResultSet row = waitEvent.executeQuery()) {
            if (row.next()) {
                String event = row.getString(1);
                synchronized (this) {
                    walsenderSamples++;
                    if (event.isEmpty()) {
                        walsenderWorking++;
                    } else if (event.equals("WalSenderWriteData")) {
                        walsenderSocketFull++;
                    }
                }
            }
        }
    }

    /** The figures since the start; stops the sampling. */
    Map<String, Object> figures() throws InterruptedException {
        running = false;
        sampler.join();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        synchronized (this) {
            if (samples > 0) {
                figures.put("machineBusyCores", round(busyCoresSum / samples));
                figures.put("machineSaturatedShare", round((double) saturatedSamples / samples));
            }
            if (walsenderSamples > 0) {
                figures.put("walsenderWorkingShare", round((double) walsenderWorking / walsenderSamples));
                figures.put("walsenderSocketFullShare", round((double) walsenderSocketFull / walsenderSamples));
            }
        }
        long serverMicros = serverMicros();
        if (serverMicros >= 0 && serverMicrosStart >= 0) {
            figures.put("clusterCores", round((serverMicros - serverMicrosStart) / 1e6 / seconds));
        }
        synchronized (this) {
            if (walsenderLast != null && walsenderStart != null) {
                double walsenderSeconds = (walsenderLastNanos - startNanos) / 1e9;
                figures.put("walsenderCpuMsPerSecond",
                        round((walsenderLast[0] - walsenderStart[0]) / 1e6 / walsenderSeconds));
                figures.put("walsenderCpuWaitMsPerSecond",
                        round((walsenderLast[1] - walsenderStart[1]) / 1e6 / walsenderSeconds));
            }
        }
        figures.put("autovacuumRuns", autovacuumRuns() - autovacuumStart);
        return figures;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
    }

    /** {@code [all ticks, idle and iowait ticks]} of the machine, or null without /proc/stat. */
    private static long[] cpuTicks() {
        try {
            String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code [ns on a CPU, ns runnable but waiting for one]} of a process, or null when it cannot be read. */
    private static long[] schedstat(long pid) {
        try {
            String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "schedstat")).trim().split(" ");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private long serverMicros() {
        try {
            return serverCpu == null ? -1 : serverCpu.micros();
        } catch (IOException e) {
            return -1;
        }
    }

    private long autovacuumRuns() {
        Long runs = cluster.queryForObject("SELECT autovacuum_count + autoanalyze_count FROM pg_stat_user_tables"
                + " WHERE relid = ?::regclass", Long.class, Workload.TABLE);
        return runs == null ? 0 : runs;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
