package dev.pgcdc.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where and as whom to connect, with TLS and, optionally, through an SSH tunnel. The password is deliberately left
 * out of {@link #toString()} so it can never end up in a log line or an exception message.
 */
public final class ConnectionSettings {

    /** PostgreSQL's default {@code wal_receiver_timeout}: the same judgement, made by its own subscribers. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final List<String> addresses;
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

    /**
     * The option connectTimeout (milliseconds, as every time option) as pgjdbc counts it: whole seconds, rounded up;
     * 0 is none. A value under a second is refused rather than rounded: it is most likely a number of seconds written
     * without its unit.
     */
    public static int connectTimeoutSeconds(long millis) {
        if (millis < 0 || millis != 0 && millis < 1000) {
            throw new IllegalArgumentException("Invalid value " + millis + "ms for option connectTimeout: it must be"
                    + " 0 (no timeout) or at least 1s. A plain number is milliseconds: write e.g. connectTimeout=10s");
        }
        return Math.toIntExact((millis + 999) / 1000);
    }

    private ConnectionSettings(String host, int port, String database, String user, String password,
                               int connectTimeoutSeconds, Duration readTimeout, SslSettings ssl, SshSettings ssh) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.addresses = addressesOf(host, port);
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

    /** Another server (or host list) reached with the same port default, database, user and security settings. */
    public ConnectionSettings withHost(String otherHost) {
        return new ConnectionSettings(otherHost, port, database, user, password, connectTimeoutSeconds, readTimeout,
                ssl, null).withSsh(ssh);
    }

    /** The same target with these TLS settings. */
    public ConnectionSettings withSsl(SslSettings sslSettings) {
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, readTimeout,
                sslSettings, ssh);
    }

    /** The same target reached through this SSH tunnel; null for a direct connection. */
    public ConnectionSettings withSsh(SshSettings sshSettings) {
        if (sshSettings != null && isHostList()) {
            throw new IllegalArgumentException("host lists several servers (" + host + "), but an SSH tunnel leads to"
                    + " one: name one server in host, or reach the servers without sshHost");
        }
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, readTimeout, ssl,
                sshSettings);
    }

    /** The same target with this bound on the server's silence (see {@link #readTimeout()}). */
    public ConnectionSettings withReadTimeout(Duration timeout) {
        return new ConnectionSettings(host, port, database, user, password, connectTimeoutSeconds, timeout, ssl, ssh);
    }

    /** The host option as given: one host, or a list of {@code host[:port]} (see {@link #isHostList()}). */
    public String host() {
        return host;
    }

    /**
     * Whether host lists several servers, pgjdbc's {@code h1:5432,h2:5432} (a port-less entry uses the port option):
     * a primary and its standbys, of which connections always reach the one that is primary at the time.
     */
    public boolean isHostList() {
        return host.indexOf(',') >= 0;
    }

    /**
     * Every server as {@code host:port} (an IPv6 address in brackets), in the order given: the one server, or each
     * entry of a host list.
     */
    public List<String> addresses() {
        return addresses;
    }

    private static List<String> addressesOf(String host, int port) {
        boolean list = host.indexOf(',') >= 0;
        List<String> addresses = new ArrayList<>();
        for (String entry : host.split(",", -1)) {
            String address = entry.strip();
            if (address.isEmpty()) {
                throw new IllegalArgumentException("host " + host + " has an empty entry: list servers as"
                        + " h1:5432,h2:5432");
            }
            int colons = address.length() - address.replace(":", "").length();
            if (!list && colons > 1 && !address.startsWith("[")) {
                addresses.add("[" + address + "]:" + port); // one bare IPv6 address
                continue;
            }
            int portStart = address.lastIndexOf(':');
            boolean hasPort = portStart > address.lastIndexOf(']');
            if (hasPort && (colons > 1 && !address.startsWith("[")
                    || !address.substring(portStart + 1).matches("\\d{1,5}"))) {
                throw new IllegalArgumentException("host " + host + ": " + address + " is not host:port (write an IPv6"
                        + " address in brackets, [::1]:5432)");
            }
            addresses.add(hasPort ? address : address + ":" + port);
        }
        return List.copyOf(addresses);
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
        return (user == null ? "" : user + "@") + String.join(",", addresses()) + "/" + database
                + (ssh == null ? "" : " via SSH " + ssh);
    }
}
