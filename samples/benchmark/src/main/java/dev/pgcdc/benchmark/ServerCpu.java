package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.pgcdc.embedded.PostgresServer;

/**
 * CPU time the database cluster's processes have used, read from {@code /proc} (Linux): the postmaster's own, its
 * ended children's (which the kernel adds to the postmaster's cutime and cstime once it reaps them) and its live
 * children's. The difference over a measurement is the server's CPU for it: backends, walsenders and background
 * workers alike (whatever else the cluster runs meanwhile, which in the benchmark is nothing).
 */
final class ServerCpu {

    /** USER_HZ: the unit of /proc's times, 100 on every Linux architecture pgcdc runs on. */
    private static final long MICROS_PER_TICK = 10_000;

    private final long postmaster;

    private ServerCpu(long postmaster) {
        this.postmaster = postmaster;
    }

    /** The cluster's CPU counter, or null where /proc cannot tell (not Linux, another host). */
    static ServerCpu of(PostgresServer cluster) {
        try {
            // a process that lives as long as the cluster, whose parent is the postmaster
            long checkpointer = cluster.queryForObject("SELECT pid FROM pg_stat_activity"
                    + " WHERE backend_type = 'checkpointer'", Integer.class);
            return new ServerCpu(fields(checkpointer)[1]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A measurement whose figures {@link #withServerCpu} completes. */
    interface Measured {
        Map<String, Object> run() throws Exception;
    }

    /**
     * The measurement's figures with the cluster's CPU per unit beside them (µs), as {@code serverCpuMicrosPerChange}:
     * every backend and walsender the measurement used. {@code server} null (no /proc): the figures alone.
     */
    static Map<String, Object> withServerCpu(ServerCpu server, long units, Measured measured) throws Exception {
        int children = server == null ? 0 : server.children();
        long before = server == null ? 0 : server.micros();
        Map<String, Object> figures = new LinkedHashMap<>(measured.run());
        if (server != null) {
            figures.put("serverCpuMicrosPerChange",
                    Math.round((server.micros(children) - before) * 10.0 / units) / 10.0);
        }
        return figures;
    }

    /**
     * Microseconds of CPU the cluster used so far. A backend whose client has just disconnected may still be ending:
     * its time moves to the postmaster's once it is reaped, and read in between it can be lost. So this first waits
     * (at most 5 s) until no more processes run than {@code children}, the count before the measurement.
     */
    long micros(int children) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (children() > children && System.nanoTime() < deadline) {
            Thread.sleep(10); // polls (bounded above) for exited backends to be reaped, whose CPU /proc only then counts
        }
        return micros();
    }

    /** The postmaster's children, ended ones not yet reaped included. */
    int children() throws IOException {
        return childStats().size();
    }

    /** Microseconds of CPU the cluster used so far. */
    long micros() throws IOException {
        long[] own = fields(postmaster);
        long ticks = own[11] + own[12] + own[13] + own[14];
        for (long[] child : childStats()) {
            if (child[0] != 'Z') { // a zombie's time is counted once the postmaster reaps it
                ticks += child[11] + child[12];
            }
        }
        return ticks * MICROS_PER_TICK;
    }

    private List<long[]> childStats() throws IOException {
        List<long[]> children = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] child;
                try {
                    child = fields(Long.parseLong(name));
                } catch (IOException e) {
                    continue; // ended meanwhile: then counted in the postmaster's cutime
                }
                if (child[1] == postmaster) {
                    children.add(child);
                }
            }
        }
        return children;
    }

    /** The fields of /proc/PID/stat after the command name: [0] the state letter, [1] ppid, ... [11] utime. */
    private static long[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] parts = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long[] values = new long[15];
        values[0] = parts[0].charAt(0);
        for (int i = 1; i < values.length; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }
}
