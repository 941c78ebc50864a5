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
 * WAL or for the consumer, caught up), how often it slept and was preempted (its voluntary and involuntary context
 * switches), the status updates its consumer sent and the data segments it sent ({@link WalsenderSocket}), and how
 * often autovacuum or autoanalyze ran on the table.
 */
final class MachineWatch implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 100;
    private static final double SATURATED = 0.95;
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** The walsender's socket is read every this many samples: each read starts a process ({@code ss}). */
    private static final int SOCKET_EVERY = 5;

    private final PostgresServer cluster;
    private final long walsenderPid;
    private final ServerCpu serverCpu;
    private final long startNanos = System.nanoTime();
    private final long[] walsenderStart;
    private final long[] switchesStart;
    private final WalsenderSocket socket;
    private final WalsenderSocket.Counters socketStart;
    private final long socketStartNanos;
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
    private long[] switchesLast;
    private long walsenderLastNanos;
    private WalsenderSocket.Counters socketLast;
    private long socketLastNanos;

    private MachineWatch(PostgresServer cluster, ServerCpu serverCpu, long walsenderPid, WalsenderSocket socket) {
        this.cluster = cluster;
        this.walsenderPid = walsenderPid;
        this.serverCpu = serverCpu;
        this.walsenderStart = schedstat(walsenderPid);
        this.switchesStart = contextSwitches(walsenderPid);
        this.socket = socket;
        this.socketStart = socket == null ? null : socket.read();
        this.socketStartNanos = System.nanoTime();
        this.serverMicrosStart = serverMicros();
        this.autovacuumStart = autovacuumRuns();
        this.sampler = new Thread(this::sample, "machine-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts watching; {@code slot}'s walsender is the one whose CPU and waits are reported. */
    static MachineWatch start(Run run, String slot) {
        PostgresServer cluster = run.cluster();
        Integer pid = cluster.queryForObject("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?",
                Integer.class, slot);
        Integer clientPort = pid == null ? null
                : cluster.queryForObject("SELECT client_port FROM pg_stat_activity WHERE pid = ?", Integer.class, pid);
        return new MachineWatch(cluster, run.serverCpu(), pid == null ? -1 : pid,
                clientPort == null ? null : new WalsenderSocket(cluster.port(), clientPort));
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
        int sampleCount = 0;
        while (running) {
            try {
                Thread.sleep(SAMPLE_MILLIS); // a fixed sampling period: /proc/stat has no notification
            } catch (InterruptedException e) {
                return;
            }
            sampleWalsender(waitEvent);
            long[] walsender = schedstat(walsenderPid);
            long[] switches = contextSwitches(walsenderPid);
            if (walsender != null && switches != null) {
                synchronized (this) {
                    walsenderLast = walsender;
                    switchesLast = switches;
                    walsenderLastNanos = System.nanoTime();
                }
            }
            if (socket != null && ++sampleCount % SOCKET_EVERY == 0) {
                WalsenderSocket.Counters counters = socket.read();
                if (counters != null) {
                    synchronized (this) {
                        socketLast = counters;
                        socketLastNanos = System.nanoTime();
                    }
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
                if (switchesStart != null) {
                    figures.put("walsenderSleepsPerSecond",
                            Math.round((switchesLast[0] - switchesStart[0]) / walsenderSeconds));
                    figures.put("walsenderPreemptionsPerSecond",
                            Math.round((switchesLast[1] - switchesStart[1]) / walsenderSeconds));
                }
            }
            if (socketStart != null && socketLast != null && socketLastNanos > socketStartNanos) {
                double socketSeconds = (socketLastNanos - socketStartNanos) / 1e9;
                figures.put("statusUpdatesPerSecond", round((socketLast.bytesReceived() - socketStart.bytesReceived())
                        / (double) WalsenderSocket.STATUS_UPDATE_BYTES / socketSeconds));
                figures.put("walsenderSegmentsPerSecond",
                        Math.round((socketLast.dataSegmentsOut() - socketStart.dataSegmentsOut()) / socketSeconds));
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

    /**
     * {@code [voluntary, involuntary]} context switches of a process ({@code /proc/PID/status}): how often it went to
     * sleep (waiting for WAL, its consumer or its socket) and how often it was preempted; null when unreadable.
     */
    private static long[] contextSwitches(long pid) {
        try {
            long voluntary = -1;
            long involuntary = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return voluntary < 0 || involuntary < 0 ? null : new long[] {voluntary, involuntary};
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
