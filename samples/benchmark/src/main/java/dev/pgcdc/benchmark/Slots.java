package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import dev.pgcdc.embedded.PostgresServer;

/** Replication slots of the benchmark: each consumer gets its own, created before the data it is to read. */
final class Slots {

    /** How long a consumer that has ended may leave its walsender on the slot. */
    private static final Duration INACTIVE_TIMEOUT = Duration.ofSeconds(30);

    private final PostgresServer server;

    Slots(PostgresServer server) {
        this.server = server;
    }

    void create(String... names) {
        for (String name : names) {
            server.queryForList("SELECT pg_create_logical_replication_slot(?, 'pgoutput')", name);
        }
    }

    /** Drops the slots once nothing streams from them (see {@link #drop(Connection, String)}). */
    void drop(String... names) throws InterruptedException, SQLException {
        try (Connection connection = server.connect()) {
            for (String name : names) {
                drop(connection, name);
            }
        }
    }

    /**
     * Drops the slot, if it exists, once nothing streams from it: a consumer that has just reported and exited (or
     * stopped its Camel context) may leave its walsender a moment longer, and an active slot cannot be dropped. Also
     * for a probe JVM, which has no {@link PostgresServer}.
     */
    static void drop(Connection connection, String name) throws InterruptedException, SQLException {
        await(connection, name, false, INACTIVE_TIMEOUT);
        try (PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, name);
            drop.execute();
        }
    }

    /** Waits until a consumer streams from the slot, so that a paced writer starts against a live stream. */
    void awaitActive(String name, Duration timeout) throws InterruptedException, SQLException {
        try (Connection connection = server.connect()) {
            await(connection, name, true, timeout);
        }
    }

    private static void await(Connection connection, String name, boolean active, Duration timeout)
            throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement query = connection.prepareStatement("SELECT coalesce((SELECT active FROM"
                + " pg_replication_slots WHERE slot_name = ?), false)")) {
            query.setString(1, name);
            while (true) {
                try (ResultSet row = query.executeQuery()) {
                    if (row.next() && row.getBoolean(1) == active) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("slot " + name + (active ? " has no consumer streaming"
                            : " is still streamed") + " after " + timeout);
                }
                Thread.sleep(20); // a slot's active flag has no notification: polled, bounded by the deadline
            }
        }
    }
}
