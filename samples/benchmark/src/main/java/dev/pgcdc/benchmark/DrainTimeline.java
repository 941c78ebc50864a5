package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;

/**
 * How far the server has sent a slot's backlog to its consumer, sampled every {@value #PERIOD_MILLIS} ms from
 * {@code pg_stat_replication} while the consumer drains: the data of the drain chart, measured the same way for
 * every consumer, none of which has to report progress. WAL sent counts as changes in proportion to the backlog's
 * WAL (its transactions are alike); a consumer that applies backpressure holds its walsender back, so the sent
 * position follows what the consumer takes.
 */
final class DrainTimeline implements AutoCloseable {

    static final long PERIOD_MILLIS = 250;

    private final Connection connection;
    private final String slot;
    private final long startLsn;
    private final long walBytes;
    private final long changes;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "benchmark-drain-timeline");
        thread.setDaemon(true);
        return thread;
    });
    /** [seconds since start, changes sent]; guarded by this. */
    private final List<List<Number>> samples = new ArrayList<>();
    private SQLException failure;

    private DrainTimeline(Connection connection, String slot, long startLsn, long endLsn, long changes) {
        this.connection = connection;
        this.slot = slot;
        this.startLsn = startLsn;
        this.walBytes = Math.max(1, endLsn - startLsn);
        this.changes = changes;
    }

    /** Starts sampling the slot, whose backlog of {@code changes} ends at {@code endLsn}. */
    static DrainTimeline start(PostgresServer server, String slot, String endLsn, long changes) throws SQLException {
        Connection connection = server.connect();
        try (PreparedStatement ps = connection.prepareStatement("SELECT (confirmed_flush_lsn - '0/0')::bigint,"
                + " (?::pg_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, endLsn);
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no slot " + slot);
                }
                DrainTimeline timeline = new DrainTimeline(connection, slot, rs.getLong(1), rs.getLong(2), changes);
                timeline.sampler.scheduleAtFixedRate(timeline::sample, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                return timeline;
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private void sample() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT (r.sent_lsn - '0/0')::bigint"
                + " FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid"
                + " WHERE s.slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                long sent = rs.next() ? Math.min(walBytes, Math.max(0, rs.getLong(1) - startLsn)) : -1;
                double seconds = Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
                synchronized (this) {
                    if (sent >= 0) {
                        samples.add(List.of(seconds, Math.round((double) changes * sent / walBytes)));
                    }
                }
            }
        } catch (SQLException e) {
            synchronized (this) {
                failure = e;
            }
            throw new IllegalStateException(e); // ends the sampling; samples() reports it
        }
    }

    /** Stops sampling; the samples taken while a consumer streamed the slot. */
    List<List<Number>> samples() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        synchronized (this) {
            if (failure != null) {
                throw new IllegalStateException("sampling slot " + slot + " failed: " + failure.getMessage(), failure);
            }
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        connection.close();
    }
}
