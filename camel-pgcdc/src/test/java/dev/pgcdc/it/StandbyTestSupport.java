package dev.pgcdc.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.pgcdc.embedded.PostgresCluster;
import org.junit.jupiter.api.AfterEach;

/**
 * Plumbing for tests with a PostgreSQL 18 primary and a physical standby: starting both, the multi-host list that
 * finds whichever is primary, and a writer that follows it across a promotion.
 */
public abstract class StandbyTestSupport extends CdcTestSupport {

    protected static final String STANDBY_SLOT = "standby1";
    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected PostgresCluster primary;
    protected PostgresCluster standby;

    /** Starts a PostgreSQL 18 primary only; {@link #startStandby()} adds its standby. */
    protected void startPrimary() {
        primary = PostgresCluster.builder().binaries("18").start();
    }

    /** Starts a PostgreSQL 18 primary and its standby, streaming through the physical slot {@link #STANDBY_SLOT}. */
    protected void startPrimaryAndStandby() {
        startPrimary();
        standby = primary.startStandby(STANDBY_SLOT);
    }

    /** The primary, then the standby: pgJDBC's multi-host list, which finds the one that is primary. */
    protected String hosts() {
        return primary.host() + ":" + primary.port() + "," + standby.host() + ":" + standby.port();
    }

    @AfterEach
    void stopClusters() {
        stopContexts();
        if (standby != null) {
            standby.stop();
        }
        if (primary != null) {
            primary.stop();
        }
    }

    /** What a {@link PrimaryWriter} does on each connection: writes while {@code running} holds. */
    protected interface WriteSession {
        void write(Connection connection, BooleanSupplier running) throws SQLException;
    }

    /**
     * Writes on a thread of its own through the multi-host list to whichever server is primary, connecting again
     * after a failure (the primary is gone or the standby not yet promoted).
     */
    protected static final class PrimaryWriter implements AutoCloseable {
        private final String url;
        private final WriteSession session;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        public PrimaryWriter(String hosts, String name, WriteSession session) {
            this.url = "jdbc:postgresql://" + hosts + "/postgres?targetServerType=primary&connectTimeout=2";
            this.session = session;
            this.thread = new Thread(this::run, name);
            thread.start();
        }

        private void run() {
            Properties props = new Properties();
            props.setProperty("user", "postgres");
            props.setProperty("password", "postgres");
            while (running.get()) {
                try (Connection connection = DriverManager.getConnection(url, props)) {
                    session.write(connection, running::get);
                } catch (SQLException e) {
                    // connect again at a modest pace: the multi-host list finds the primary once there is one
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(WAIT.toMillis());
        }
    }
}
