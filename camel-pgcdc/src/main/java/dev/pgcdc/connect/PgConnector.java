package dev.pgcdc.connect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

/**
 * Opens the two kinds of connection the consumer needs: an ordinary JDBC session (inspection, setup, snapshot,
 * heartbeat) and a logical replication session. Both run with {@code TimeZone=UTC} so that text values of
 * {@code timestamptz} arrive in UTC.
 */
public final class PgConnector {

    private final ConnectionSettings settings;

    public PgConnector(ConnectionSettings settings) {
        this.settings = settings;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** An ordinary SQL session, auto-commit on. */
    public Connection openJdbc(String applicationName) throws SQLException {
        return DriverManager.getConnection(url(), baseProperties(applicationName));
    }

    /** A {@code replication=database} session, for CREATE_REPLICATION_SLOT and START_REPLICATION. */
    public PGConnection openReplication(String applicationName) throws SQLException {
        Properties props = baseProperties(applicationName);
        PGProperty.REPLICATION.set(props, "database");
        // The replication protocol only understands the simple query protocol.
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        Connection connection = DriverManager.getConnection(url(), props);
        return connection.unwrap(PGConnection.class);
    }

    private String url() {
        return "jdbc:postgresql://" + bracketIpv6(settings.host()) + ":" + settings.port() + "/";
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
        return props;
    }

    private static String bracketIpv6(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
