package dev.pgcdc.connect;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordinary JDBC connection for a periodic task (heartbeat, slot monitor): opened on first use and again after
 * the task closed it on a failure, so one lost connection costs one skipped round, not the task.
 */
public final class LazyConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LazyConnection.class);

    private final PgConnector connector;
    private final String applicationName;
    private Connection connection;

    public LazyConnection(PgConnector connector, String applicationName) {
        this.connector = connector;
        this.applicationName = applicationName;
    }

    public synchronized Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connector.openBounded(applicationName);
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the {} connection failed: {}", applicationName, e.getMessage());
            }
            connection = null;
        }
    }
}
