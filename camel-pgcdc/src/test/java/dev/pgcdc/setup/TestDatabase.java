package dev.pgcdc.setup;

import static dev.pgcdc.pg.Identifiers.quote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

import dev.pgcdc.embedded.PostgresServer;

/**
 * A fresh database per test on the class's shared server, with roles and a slot name of its own, so tests never
 * see each other's tables, publications, roles or slots. Closing it drops the slots it created.
 */
final class TestDatabase implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final PostgresServer server;
    private final String name;
    private final List<Connection> connections = new ArrayList<>();

    TestDatabase(PostgresServer server) {
        this.server = server;
        this.name = "setup_" + COUNTER.incrementAndGet();
        server.createDatabase(name);
    }

    String name() {
        return name;
    }

    /** A role name unique to this test, so roles (cluster-wide) do not clash between tests. */
    String role(String base) {
        return base + "_" + name;
    }

    String slot() {
        return "slot_" + name;
    }

    /** Connections as setup makes them, to this database as {@code role} (trust authentication: no password). */
    PgConnector connector(String role) {
        return new PgConnector(new ConnectionSettings(server.host(), server.port(), name, role, null, 10));
    }

    /** Creates a role unique to this test; {@code attributes} as in CREATE ROLE, e.g. LOGIN REPLICATION. */
    String createRole(String base, String attributes) {
        String role = role(base);
        server.execute("CREATE ROLE " + quote(role) + " " + attributes);
        return role;
    }

    /** Runs SQL (one or several statements) in this database as the superuser. */
    void asSuperuser(String sql) {
        try (Connection connection = connect(server.superuser()); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    /**
     * Runs a script the way an administrator handed the file would: psql, as the superuser, stopping at the first
     * error.
     */
    void runScriptWithPsql(String script) {
        try {
            Process psql = new ProcessBuilder(server.tool("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                    "-h", server.host(), "-p", Integer.toString(server.port()), "-U", server.superuser(), "-d", name)
                    .redirectErrorStream(true).start();
            try (var stdin = psql.getOutputStream()) {
                stdin.write(script.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (psql.waitFor() != 0) {
                throw new AssertionError("psql failed: " + output + "\n" + script);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An open connection to this database as {@code role}, closed with the database. */
    Connection connectAs(String role) {
        Connection connection = connect(role);
        connections.add(connection);
        return connection;
    }

    /** Creates the slot the way the consumer will: over a replication connection, as {@code role}. */
    void createSlotOverReplicationConnection(String role) throws SQLException {
        try (Connection replication = openReplicationConnection(role)) {
            replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot()).withOutputPlugin(SetupRequest.PGOUTPUT).make();
        }
    }

    Connection openReplicationConnection(String role) throws SQLException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, role);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(server.jdbcUrl(name), properties);
    }

    private Connection connect(String role) {
        try {
            Connection connection = DriverManager.getConnection(server.jdbcUrl(name), role, null);
            // the test server runs with synchronous_commit off, and decoding only sees flushed WAL: flush at commit
            // so that a change is visible to pg_logical_slot_peek_binary_changes right after it
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET synchronous_commit = on");
            }
            return connection;
        } catch (SQLException e) {
            throw new AssertionError("cannot connect as " + role + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection connection : connections) {
            connection.close();
        }
        server.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                + name + "'");
    }
}
