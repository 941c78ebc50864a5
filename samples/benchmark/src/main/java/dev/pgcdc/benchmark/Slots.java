package dev.pgcdc.benchmark;

import java.time.Duration;

import dev.pgcdc.embedded.PostgresServer;

/** Replication slots of the benchmark: each consumer gets its own, created before the data it is to read. */
final class Slots {

    private final PostgresServer server;

    Slots(PostgresServer server) {
        this.server = server;
    }

    void create(String... names) {
        for (String name : names) {
            server.queryForList("SELECT pg_create_logical_replication_slot(?, 'pgoutput')", name);
        }
    }

    void drop(String... names) {
        for (String name : names) {
            server.queryForList("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?", name);
        }
    }

    /** Waits until a consumer streams from the slot, so that a paced writer starts against a live stream. */
    void awaitActive(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(server.queryForObject("SELECT coalesce((SELECT active FROM pg_replication_slots"
                + " WHERE slot_name = ?), false)", Boolean.class, name))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no consumer started streaming slot " + name + " within " + timeout);
            }
            Thread.sleep(20); // a slot's active flag has no notification: polled, bounded by the deadline
        }
    }
}
