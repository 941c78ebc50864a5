package dev.pgcdc.connect;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordinary JDBC connection for a periodic task (heartbeat, slot monitor): opened on first use and again after
 * the task dropped it on a failure ({@link #reset()}), so one lost connection costs one skipped round, not the task.
 * Once {@link #close() closed} it opens none.
 */
public final class LazyConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LazyConnection.class);

    private final PgConnector connector;
    private final String applicationName;
    private Connection connection;
    private boolean closed;

    public LazyConnection(PgConnector connector, String applicationName) {
        this.connector = connector;
        this.applicationName = applicationName;
    }

    public synchronized Connection get() throws SQLException {
        if (closed) {
            throw new IllegalStateException("The " + applicationName + " connection is closed: its task has ended");
        }
        if (connection == null || connection.isClosed()) {
            connection = connector.openBounded(applicationName);
        }
        return connection;
    }

    /** Drops the connection after a failure: the next {@link #get()} opens a new one. */
    public synchronized void reset() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the {} connection failed: {}", applicationName, e.getMessage());
            }
            connection = null;
        }
    }

    /** Closes the connection for good. */
    @Override
    public synchronized void close() {
        closed = true;
        reset();
    }
}
