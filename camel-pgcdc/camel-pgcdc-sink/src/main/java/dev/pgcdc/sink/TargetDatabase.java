package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import dev.pgcdc.connect.Secrets;
import org.apache.camel.util.URISupport;

/** Where the sink's connections come from: a DataSource bean, or a JDBC URL with user and password. */
@FunctionalInterface
interface TargetDatabase {

    String PGJDBC_URL = "jdbc:postgresql:";

    /** SQLSTATE class of a lost or refused connection. */
    String CONNECTION_EXCEPTION = "08";
    /**
     * SQLSTATE of a protocol violation, in class 08 but raised on a live connection too, e.g. by binary COPY data of
     * the wrong width ("insufficient data left in message").
     */
    String PROTOCOL_VIOLATION = "08P01";
    /** SQLSTATEs of a PostgreSQL server shutting down (admin, crash, cannot connect now): the connection is gone. */
    String SERVER_SHUTDOWN = "57P";

    Connection connect() throws SQLException;

    /** Whether {@code failure} (or a cause of it) says that {@code connection} is gone, e.g. its server restarted. */
    static boolean lost(Connection connection, Throwable failure) {
        try {
            if (connection.isClosed()) {
                return true;
            }
        } catch (SQLException e) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
            if (PROTOCOL_VIOLATION.equals(state)) {
                return !valid(connection);
            }
            if (state != null && (state.startsWith(CONNECTION_EXCEPTION) || state.startsWith(SERVER_SHUTDOWN))) {
                return true;
            }
        }
        return false;
    }

    private static boolean valid(Connection connection) {
        try {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    static TargetDatabase of(PgCdcSinkConfiguration configuration) {
        DataSource dataSource = configuration.getDataSource();
        String url = configuration.getJdbcUrl();
        if ((dataSource == null) == (url == null || url.isBlank())) {
            throw new IllegalArgumentException("pgcdc-sink:" + configuration.getName()
                    + " needs exactly one of jdbcUrl and dataSource, e.g. ?jdbcUrl=jdbc:postgresql://replica/shop");
        }
        if (dataSource != null) {
            return dataSource::getConnection;
        }
        Properties properties = new Properties();
        if (configuration.getUser() != null) {
            properties.setProperty("user", configuration.getUser());
        }
        String password = Secrets.valueOrFile("password", configuration.getPassword(), configuration.getPasswordFile());
        if (password != null) {
            properties.setProperty("password", password);
        }
        if (!url.startsWith(PGJDBC_URL) && affectedRows(url)) {
            // a connection property cannot turn it off: MariaDB Connector/J takes the URL's value over it
            throw new IllegalArgumentException("pgcdc-sink:" + configuration.getName() + ": the jdbcUrl sets"
                    + " useAffectedRows=true, with which an UPDATE that changes nothing counts no row; the sink counts"
                    + " matched rows to tell whether a row exists (tables with a unique index besides the key), so"
                    + " remove useAffectedRows=true from the jdbcUrl");
        }
        if (url.startsWith(PGJDBC_URL)) {
            // sends a batch of upserts as multi-row statements: far less work for the server per change (the URL may
            // still turn it off); StatementBatch keeps a row from appearing twice in one
            properties.setProperty("reWriteBatchedInserts", "true");
        }
        return () -> connect(configuration.getName(), url, properties);
    }

    /** Whether the URL's last useAffectedRows parameter (the one the driver takes) is true. */
    private static boolean affectedRows(String url) {
        int query = url.indexOf('?');
        boolean affected = false;
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                int equals = parameter.indexOf('=');
                if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("useAffectedRows")) {
                    String value = parameter.substring(equals + 1).trim();
                    affected = value.equalsIgnoreCase("true") || value.equals("1");
                }
            }
        }
        return affected;
    }

    /**
     * Connects through the driver that takes {@code url}. A message never shows the URL as it is, which may hold a
     * password: DriverManager's own "No suitable driver found for" does.
     */
    private static Connection connect(String name, String url, Properties properties) throws SQLException {
        String shown = URISupport.sanitizeUri(url);
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new SQLException("pgcdc-sink:" + name + ": no JDBC driver takes the jdbcUrl " + shown + ": write it"
                    + " as jdbc:postgresql://host/database or jdbc:mariadb://host:3306/database, or put the JDBC driver"
                    + " for it on the classpath", e.getSQLState());
        }
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            String message = e.getMessage();
            if (message == null || !message.contains(url)) {
                throw e;
            }
            throw new SQLException(message.replace(url, shown), e.getSQLState(), e.getErrorCode(), e.getCause());
        }
    }
}
