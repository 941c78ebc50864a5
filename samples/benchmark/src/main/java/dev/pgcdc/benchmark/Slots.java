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

    /**
     * Drops the slots once nothing streams from them: a consumer that has just reported and exited may leave its
     * walsender a moment longer, and an active slot cannot be dropped.
     */
    void drop(String... names) throws InterruptedException {
        for (String name : names) {
            awaitInactive(name, Duration.ofSeconds(30));
            server.queryForList("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?", name);
        }
    }

    /** Waits until a consumer streams from the slot, so that a paced writer starts against a live stream. */
    void awaitActive(String name, Duration timeout) throws InterruptedException {
        await(name, true, timeout);
    }

    /** Waits until no process streams from the slot (a killed consumer's walsender has ended), so it can be dropped. */
    private void awaitInactive(String name, Duration timeout) throws InterruptedException {
        await(name, false, timeout);
    }

    private void await(String name, boolean active, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active != Boolean.TRUE.equals(server.queryForObject("SELECT coalesce((SELECT active FROM"
                + " pg_replication_slots WHERE slot_name = ?), false)", Boolean.class, name))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + name + (active ? " has no consumer streaming" : " is still"
                        + " streamed") + " after " + timeout);
            }
            Thread.sleep(20); // a slot's active flag has no notification: polled, bounded by the deadline
        }
    }
}
