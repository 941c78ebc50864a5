package dev.pgcdc.connect;

import java.util.Objects;

/**
 * Where and as whom to connect. The password is deliberately left out of {@link #toString()} so it can never end up
 * in a log line or an exception message.
 */
public final class ConnectionSettings {

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final int connectTimeoutSeconds;

    public ConnectionSettings(String host, int port, String database, String user, String password,
                              int connectTimeoutSeconds) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.database = Objects.requireNonNull(database, "database");
        this.user = user;
        this.password = password;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    int connectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    /** Names the target for messages: {@code user@host:port/database}, never the password. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
