package dev.pgcdc.benchmark;

import java.util.List;

/**
 * How much work one run does. {@code full} is the workload; {@code small} is for development on a shared
 * machine; {@code smoke} only proves in CI that every measurement still runs and reports.
 *
 * @param inserts         backlog inserts (then updates of the first rows, then deletes of the next ones)
 * @param updates         backlog updates
 * @param deletes         backlog deletes
 * @param rowsPerTx       rows per backlog transaction
 * @param snapshotRows    rows in the table for the snapshot measurement
 * @param lagRates        paced writer rates (changes/s) for the live-lag measurement
 * @param lagSeconds      how long each paced run is measured (after a warm-up of the same rate)
 * @param lagWarmupSeconds how long the live-lag part writes at each rate before it measures: at full size long enough
 *                        for the consumer JVM's JIT to have compiled the hot path on two shared cores, so that the
 *                        measurement shows a consumer in its steady state (what runs for days in production), not its
 *                        compiler threads taking CPU from the walsender; the same for every build and the reference
 * @param bigTxRows       rows inserted by the single large transaction of the memory measurement
 * @param takeovers       how many times the takeover measurement kills the active instance
 * @param kafkaRates      paced writer rates (changes/s) of the Kafka measurement
 */
record Size(String name, int inserts, int updates, int deletes, int rowsPerTx, int snapshotRows, List<Integer> lagRates,
            int lagSeconds, int lagWarmupSeconds, int bigTxRows, int takeovers, List<Integer> kafkaRates) {

    static final Size FULL = new Size("full", 500_000, 300_000, 200_000, 1_000, 2_000_000, List.of(20_000, 50_000),
            20, 10, 5_000_000, 5, List.of(10_000, 30_000));
    static final Size SMALL = new Size("small", 25_000, 15_000, 10_000, 1_000, 200_000, List.of(20_000, 50_000),
            5, 2, 250_000, 3, List.of(10_000, 30_000));
    static final Size SMOKE = new Size("smoke", 500, 300, 200, 100, 2_000, List.of(1_000, 2_000), 1, 2, 5_000, 1,
            List.of(1_000, 2_000));

    static Size named(String name) {
        for (Size size : List.of(FULL, SMALL, SMOKE)) {
            if (size.name.equals(name)) {
                return size;
            }
        }
        throw new IllegalArgumentException("unknown size " + name + " (full, small or smoke)");
    }

    /** This size with other live-lag rates (to measure one rate while developing). */
    Size withLagRates(List<Integer> rates) {
        return new Size(name, inserts, updates, deletes, rowsPerTx, snapshotRows, List.copyOf(rates), lagSeconds,
                lagWarmupSeconds, bigTxRows, takeovers, kafkaRates);
    }

    /** The backlog's changes: the updates, inserts and deletes plus one final marker insert. */
    long backlogChanges() {
        return (long) inserts + updates + deletes + 1;
    }
}
