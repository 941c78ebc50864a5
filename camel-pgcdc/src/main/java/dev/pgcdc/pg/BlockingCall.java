package dev.pgcdc.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import dev.pgcdc.connect.PgConnector;
import org.postgresql.PGConnection;

/**
 * Statements that may wait on other sessions for long (a slot's creation waits for every transaction with an id that
 * is open, an advisory lock for its holder), run on a thread of their own over a connection this call owns, so that
 * whatever ends the wait (done, deadline, the consumer stopping, an error) also ends the statement: the server
 * cancels it and the connection is closed, which also releases the session's locks. A slot whose creation was
 * cancelled is not left behind: the server drops a slot it has not finished.
 */
public final class BlockingCall<T> implements AutoCloseable {

    /** How often a wait looks whether it should end. */
    private static final long SLICE_MILLIS = 100;

    /** The work; it runs on the call's thread. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Thrown when the consumer stops while the call waits: the start ends, nothing is left behind. */
    public static final class StoppedException extends SQLException {
        public StoppedException(String message) {
            super(message, "57014");
        }
    }

    private final PgConnector connector;
    private final String applicationName;
    private final Connection connection;
    private final int pid;
    private final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private BlockingCall(PgConnector connector, String applicationName, Connection connection, Work<T> work)
            throws SQLException {
        this.connector = connector;
        this.applicationName = applicationName;
        this.connection = connection;
        this.pid = connection.unwrap(PGConnection.class).getBackendPID();
        this.thread = new Thread(() -> {
            try {
                result.complete(work.run(connection));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, applicationName);
        thread.setDaemon(true);
    }

    /** Starts {@code work} on a new connection of {@code connector}'s, which the call owns. */
    public static <T> BlockingCall<T> start(PgConnector connector, String applicationName, Work<T> work)
            throws SQLException {
        Connection connection = connector.openJdbc(applicationName);
        BlockingCall<T> call;
        try {
            call = new BlockingCall<>(connector, applicationName, connection, work);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        call.thread.start();
        return call;
    }

    /**
     * Runs {@code work} to its end, at most {@code timeout}, and ends it when {@code stopping} says so.
     *
     * @param blocked what the failure after {@code timeout} says; the sessions the call waits for follow
     * @throws StoppedException when {@code stopping} said so first
     */
    public static <T> T run(PgConnector connector, String applicationName, Duration timeout, BooleanSupplier stopping,
                            String blocked, Work<T> work) throws SQLException, InterruptedException {
        try (BlockingCall<T> call = start(connector, applicationName, work)) {
            return call.finish(timeout, stopping, blocked);
        }
    }

    /**
     * Waits for the work to end, at most {@code timeout}, and ends the wait when {@code stopping} says so; the
     * connection stays open until {@link #close}, holding what the work took (a session lock).
     *
     * @param blocked what the failure after {@code timeout} says; the sessions the call waits for follow
     * @return the work's result
     * @throws StoppedException when {@code stopping} said so first
     */
    public T finish(Duration timeout, BooleanSupplier stopping, String blocked)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!await(SLICE_MILLIS)) {
            if (stopping.getAsBoolean()) {
                throw new StoppedException(applicationName + ": the consumer stopped while it waited");
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException(blocked + " It did not finish within " + timeout.toSeconds() + " s"
                        + blockers() + ".");
            }
        }
        return result();
    }

    /**
     * Waits up to {@code millis} for the work to end.
     *
     * @return whether it ended
     * @throws SQLException what the work threw
     */
    public boolean await(long millis) throws SQLException, InterruptedException {
        try {
            result.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(thread.getName() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The work's result, once {@link #await} said it ended. */
    public T result() {
        return result.join();
    }

    /**
     * The sessions the call's statement waits for, as {@code pg_stat_activity} shows them: process id, state and when
     * their transaction began, never what they run (a query's text may hold values).
     */
    public String blockers() {
        List<String> found = new ArrayList<>();
        try (Connection other = connector.openBounded(applicationName + " blockers");
             PreparedStatement ps = other.prepareStatement("SELECT pid, state, xact_start, backend_type"
                     + " FROM pg_catalog.pg_stat_activity WHERE pid = ANY (pg_catalog.pg_blocking_pids(?))"
                     + " ORDER BY xact_start")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ", transaction started "
                            + rs.getObject(3, OffsetDateTime.class) + ", " + rs.getString(4) + ")");
                }
            }
        } catch (SQLException e) {
            return "; the sessions it waits for could not be read: " + e.getMessage();
        }
        return found.isEmpty() ? "" : "; it waits for the transactions of " + String.join(", ", found)
                + ": end them (COMMIT or ROLLBACK there, or SELECT pg_terminate_backend(pid);) and start again";
    }

    /** Ends the work if it still runs (the server cancels its statement), then closes the connection. */
    @Override
    public void close() throws SQLException {
        try {
            if (!result.isDone()) {
                connection.unwrap(PGConnection.class).cancelQuery();
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connection.close();
        }
    }
}
