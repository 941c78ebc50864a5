package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.embedded.PostgresServer;

/**
 * Inserts rows at a steady rate: one transaction every {@link #TICK_NANOS}, each of {@code rate / 200} rows, on a
 * fixed schedule (a late tick is caught up at once, so the average rate holds even on a loaded machine).
 */
final class PacedWriter {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int TICKS_PER_SECOND = 200;

    private final PostgresServer server;

    PacedWriter(PostgresServer server) {
        this.server = server;
    }

    /** The rows one run of {@link #write} inserts. */
    static long rows(int rate, int seconds) {
        return (long) rowsPerTick(rate) * TICKS_PER_SECOND * seconds;
    }

    private static int rowsPerTick(int rate) {
        return Math.max(1, rate / TICKS_PER_SECOND);
    }

    /** Writes {@code rate} rows a second for {@code seconds}; returns the rate achieved. */
    double write(int rate, int seconds) throws SQLException {
        int rows = rowsPerTick(rate);
        long ticks = (long) TICKS_PER_SECOND * seconds;
        try (Connection connection = server.connect();
             PreparedStatement insert = connection.prepareStatement(Workload.INSERT_ROWS)) {
            insert.setInt(1, rows);
            long start = System.nanoTime();
            for (long tick = 0; tick < ticks; tick++) {
                long due = start + tick * TICK_NANOS;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                insert.executeUpdate();
            }
            return rows * ticks / ((System.nanoTime() - start) / 1e9);
        }
    }
}
