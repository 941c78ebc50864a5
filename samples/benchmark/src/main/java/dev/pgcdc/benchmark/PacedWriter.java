package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.embedded.PostgresServer;

/**
 * Inserts rows at a steady rate: 200 transactions a second (one every 5 ms), each of {@code rate / 200} rows, or below
 * 200 rows/s one single-row transaction every {@code 1 / rate} s, on a fixed schedule (a late tick is caught up at
 * once, so the average rate holds even on a loaded machine). Each insert is a transaction of its own (autocommit);
 * how long each took, statement and commit, is kept: the writer's own view of how quickly the server answers.
 */
final class PacedWriter {

    private static final int MAX_TICKS_PER_SECOND = 200;
    /** Inserts whose time is kept: an hour of ticks; an endless run keeps its first hour's. */
    private static final int MAX_KEPT_INSERTS = MAX_TICKS_PER_SECOND * 3600;

    private final PostgresServer server;
    /** Microseconds each insert (statement and commit) of the last run took. */
    private long[] insertMicros = new long[0];

    PacedWriter(PostgresServer server) {
        this.server = server;
    }

    /** The rows one run of {@link #write} inserts. */
    static long rows(int rate, int seconds) {
        return (long) rowsPerTick(rate) * ticksPerSecond(rate) * seconds;
    }

    private static int ticksPerSecond(int rate) {
        return Math.min(MAX_TICKS_PER_SECOND, rate);
    }

    private static int rowsPerTick(int rate) {
        return Math.max(1, rate / ticksPerSecond(rate));
    }

    /** Writes {@code rate} rows a second for {@code seconds}; returns the rate achieved. */
    double write(int rate, int seconds) throws SQLException {
        return write(rate, (long) ticksPerSecond(rate) * seconds, () -> false);
    }

    /** p50, p99 and max milliseconds an insert (statement and commit) of the last run took. */
    Map<String, Object> insertMillis() {
        long[] sorted = insertMicros.clone();
        Arrays.sort(sorted);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50Ms", percentile(sorted, 0.50));
        figures.put("p99Ms", percentile(sorted, 0.99));
        figures.put("maxMs", percentile(sorted, 1.0));
        return figures;
    }

    private static double percentile(long[] sorted, double fraction) {
        return sorted.length == 0 ? 0.0 : sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)] / 1000.0;
    }

    /** Writes {@code rate} rows a second until {@code stop} says so; returns the rate achieved. */
    double writeUntil(int rate, BooleanSupplier stop) throws SQLException {
        return write(rate, Long.MAX_VALUE, stop);
    }

    private double write(int rate, long ticks, BooleanSupplier stop) throws SQLException {
        int rows = rowsPerTick(rate);
        long tickNanos = TimeUnit.SECONDS.toNanos(1) / ticksPerSecond(rate);
        try (Connection connection = server.connect();
             PreparedStatement insert = connection.prepareStatement(Workload.INSERT_ROWS)) {
            insert.setInt(1, rows);
            long[] micros = new long[(int) Math.min(ticks, MAX_KEPT_INSERTS)];
            long start = System.nanoTime();
            long tick = 0;
            for (; tick < ticks && !stop.getAsBoolean(); tick++) {
                long due = start + tick * tickNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long before = System.nanoTime();
                insert.executeUpdate();
                if (tick < micros.length) {
                    micros[(int) tick] = (System.nanoTime() - before) / 1_000;
                }
            }
            insertMicros = Arrays.copyOf(micros, (int) Math.min(tick, micros.length));
            return rows * tick / ((System.nanoTime() - start) / 1e9);
        }
    }
}
