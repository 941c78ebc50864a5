package dev.pgcdc.connect;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and as whom to connect, with TLS and, optionally, through an SSH tunnel. The password is deliberately left
 * out of {@link #toString()} so it can never end up in a log line or an exception message.
 */
public final class ConnectionSettings {

    /** PostgreSQL's default {@code wal_receiver_timeout}: the same judgement, made by its own subscribers. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final int connectTimeoutSeconds;
    private final Duration readTimeout;
    private final SslSettings ssl;
    private final SshSettings ssh;

    public ConnectionSettings(String host, int port, String database, String user, String password,
                              int connectTimeoutSeconds) {
        this(host, port, database, user, password, connectTimeoutSeconds, DEFAULT_READ_TIMEOUT, SslSettings.DEFAULT,
                null);
    }

    private ConnectionSettings(String host, int port, String database, String user, String password,
                               int connectTimeoutSeconds, Duration readTimeout, SslSettings ssl, SshSettings ssh) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.database = Objects.requireNonNull(database, "database");
        this.user = user;
        this.password = password;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive, was " + readTimeout);
        }
        this.readTimeout = readTimeout;
        this.ssl = Objects.requireNonNull(ssl, "ssl");
        this.ssh = ssh;
    }

    /** The same target with these TLS settings. */
    public ConnectionSettings withSsl(SslSettings sslSettings) {
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, readTimeout,
                sslSettings, ssh);
    }

    /** The same target reached through this SSH tunnel; null for a direct connection. */
    public ConnectionSettings withSsh(SshSettings sshSettings) {
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, readTimeout, ssl,
                sshSettings);
    }

    /** The same target with this bound on the server's silence (see {@link #readTimeout()}). */
    public ConnectionSettings withReadTimeout(Duration timeout) {
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, timeout, ssl, ssh);
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

    /**
     * How long a connection that should be talking may stay silent before it counts as dead: the replication stream
     * without any message, a monitoring query without an answer. Like PostgreSQL's own {@code wal_receiver_timeout}.
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    public SslSettings ssl() {
        return ssl;
    }

    /** The SSH tunnel's settings, or null for a direct connection. */
    public SshSettings ssh() {
        return ssh;
    }

    /** Names the target for messages: {@code user@host:port/database [via ssh ...]}, never a secret. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + ":" + port + "/" + database
                + (ssh == null ? "" : " via SSH " + ssh);
    }
}
