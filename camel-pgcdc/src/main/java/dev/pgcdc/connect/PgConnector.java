package dev.pgcdc.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

/**
 * Opens the two kinds of connection the consumer needs: an ordinary JDBC session (inspection, setup, snapshot,
 * heartbeat) and a logical replication session. Both run with {@code TimeZone=UTC} so that text values of
 * {@code timestamptz} arrive in UTC, both use the same TLS settings, and both go through the SSH tunnel when one is
 * configured; the tunnel is (re)established before each connection, so reconnecting after a lost tunnel works.
 * A failed connect is one {@link SQLException} whose message names the target and the likely cause, never a secret.
 * Close the connector when done: it owns the tunnel and any converted client key.
 */
public final class PgConnector implements AutoCloseable {

    /** pgjdbc reports a refused or failed tunnel like any connection that could not be established. */
    private static final String UNABLE_TO_CONNECT = "08001";

    private final ConnectionSettings settings;
    private final TlsProperties tls;
    private final SshTunnel tunnel;
    /** Once closed, no connection is opened: a new one would reopen the tunnel, which nobody would close again. */
    private volatile boolean closed;

    /** Fails at once, with a message naming the option, when a key or certificate file cannot be used. */
    public PgConnector(ConnectionSettings settings) {
        this.settings = settings;
        this.tls = new TlsProperties(settings.ssl());
        this.tunnel = settings.ssh() == null ? null : new SshTunnel(settings.ssh(), settings.host(), settings.port(),
                Duration.ofSeconds(Math.max(1, settings.connectTimeoutSeconds())));
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** An ordinary SQL session, auto-commit on. */
    public Connection openJdbc(String applicationName) throws SQLException {
        return connect(baseProperties(applicationName), null);
    }

    /**
     * A bounded session (see {@link #openBounded}) with one server of the host list, whichever its role, e.g. to
     * inspect a standby.
     */
    public Connection openBoundedAt(String address, String applicationName) throws SQLException {
        Properties props = boundedProperties(applicationName);
        PGProperty.TARGET_SERVER_TYPE.set(props, "any");
        return connect(props, null, List.of(address));
    }

    /**
     * An ordinary SQL session for short queries (slot monitor, heartbeat, catalog look-ups): a statement is cancelled
     * after the read timeout, and a server that does not answer at all fails the read, so no thread waits forever on a
     * lost connection.
     */
    public Connection openBounded(String applicationName) throws SQLException {
        return connect(boundedProperties(applicationName), null);
    }

    private Properties boundedProperties(String applicationName) {
        Properties props = baseProperties(applicationName);
        PGProperty.OPTIONS.set(props, PGProperty.OPTIONS.getOrDefault(props) + " -c statement_timeout="
                + settings.readTimeout().toMillis());
        boundReads(props);
        return props;
    }

    /**
     * A {@code replication=database} session for START_REPLICATION; {@code traffic} learns of every byte that
     * arrives. Blocking reads (logging in, ending the stream) fail after the read timeout.
     */
    public PGConnection openReplication(String applicationName, InboundTraffic traffic) throws SQLException {
        Properties props = baseProperties(applicationName);
        PGProperty.REPLICATION.set(props, "database");
        // The replication protocol only understands the simple query protocol.
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        boundReads(props);
        return connect(props, traffic).unwrap(PGConnection.class);
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (tunnel != null) {
                tunnel.close();
            }
        } finally {
            tls.close();
        }
    }

    /** Opens the connection; with {@code traffic}, through sockets that report arriving bytes to it. */
    private Connection connect(Properties props, InboundTraffic traffic) throws SQLException {
        return connect(props, traffic, settings.addresses());
    }

    private Connection connect(Properties props, InboundTraffic traffic, List<String> addresses) throws SQLException {
        if (closed) {
            throw new IllegalStateException("The connector to " + settings + " is closed (its consumer stopped): it"
                    + " opens no more connections");
        }
        InetSocketAddress localEnd = null;
        if (tunnel != null) {
            try {
                localEnd = tunnel.ensureOpen();
            } catch (IOException e) {
                throw new SQLException("Cannot connect to " + settings + ": " + e.getMessage(), UNABLE_TO_CONNECT, e);
            }
            PGProperty.SOCKET_FACTORY.set(props, TunnelSocketFactory.class.getName());
            PGProperty.SOCKET_FACTORY_ARG.set(props, TunnelSocketFactory.argument(localEnd));
        }
        String trafficKey = null;
        if (traffic != null) {
            trafficKey = TrafficSocketFactory.register(localEnd, traffic);
            PGProperty.SOCKET_FACTORY.set(props, TrafficSocketFactory.class.getName());
            PGProperty.SOCKET_FACTORY_ARG.set(props, trafficKey);
        }
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + String.join(",", addresses) + "/", props);
        } catch (SQLException e) {
            throw ConnectFailure.of(e, settings);
        } finally {
            if (trafficKey != null) {
                TrafficSocketFactory.unregister(trafficKey);
            }
        }
    }

    /**
     * A read that blocks longer than the read timeout fails (one second more, so that a live server's own
     * statement_timeout answers first, with its clearer message).
     */
    private void boundReads(Properties props) {
        PGProperty.SOCKET_TIMEOUT.set(props, (int) settings.readTimeout().toSeconds() + 1);
    }

    private Properties baseProperties(String applicationName) {
        Properties props = new Properties();
        // The database goes in a property, not the URL, so that any name works without URL encoding.
        PGProperty.PG_DBNAME.set(props, settings.database());
        if (settings.user() != null) {
            PGProperty.USER.set(props, settings.user());
        }
        if (settings.password() != null) {
            PGProperty.PASSWORD.set(props, settings.password());
        }
        PGProperty.APPLICATION_NAME.set(props, applicationName);
        PGProperty.CONNECT_TIMEOUT.set(props, settings.connectTimeoutSeconds());
        PGProperty.OPTIONS.set(props, "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex -c extra_float_digits=3");
        PGProperty.TCP_KEEP_ALIVE.set(props, true);
        if (settings.isHostList()) {
            // a list names a primary and its standbys: the slot, the stream and every write belong to the primary,
            // so after a failover each reconnect finds the promoted one
            PGProperty.TARGET_SERVER_TYPE.set(props, "primary");
        }
        tls.apply(props);
        return props;
    }
}
