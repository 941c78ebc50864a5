package dev.pgcdc.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stops, at JVM exit, every cluster that is still running, so no postmaster outlives the JVM. Shutdown hooks run
 * concurrently, so a cluster whose owner stops it in a hook of its own, after what uses the cluster (the runner's demo
 * database, a Camel service stopped after the routes), is given a grace period to be stopped by it first. A cluster
 * registered once the hook has finished is not stopped: starting clusters while the JVM exits is not supported.
 */
final class ClusterReaper {

    /** Each running cluster with how long the hook leaves it to its owner (zero: no owner). */
    private static final Map<PostgresCluster, Duration> RUNNING = new LinkedHashMap<>();
    private static boolean hookInstalled;

    private ClusterReaper() {
    }

    static synchronized void register(PostgresCluster cluster) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ClusterReaper::stopAll, "pgcdc-cluster-reaper"));
            hookInstalled = true;
        }
        RUNNING.putIfAbsent(cluster, Duration.ZERO);
        ClusterReaper.class.notifyAll(); // a hook waiting on an owner's grace stops this one at once
    }

    /** Leaves a running cluster to its owner for {@code grace} after the JVM began to exit. */
    static synchronized void leaveToOwner(PostgresCluster cluster, Duration grace) {
        RUNNING.replace(cluster, grace);
        ClusterReaper.class.notifyAll(); // a waiting hook re-reads the graces
    }

    static synchronized void unregister(PostgresCluster cluster) {
        RUNNING.remove(cluster);
        ClusterReaper.class.notifyAll();
    }

    /** Stops the clusters nobody else stops at once, the others when their owner did not within its grace. */
    private static void stopAll() {
        long start = System.nanoTime();
        boolean interrupted = false;
        while (true) {
            List<PostgresCluster> due = new ArrayList<>();
            synchronized (ClusterReaper.class) {
                long wait = Long.MAX_VALUE;
                for (Map.Entry<PostgresCluster, Duration> entry : RUNNING.entrySet()) {
                    long left = entry.getValue().toNanos() - (System.nanoTime() - start);
                    if (left <= 0 || interrupted) {
                        due.add(entry.getKey());
                    } else {
                        wait = Math.min(wait, left);
                    }
                }
                if (due.isEmpty()) {
                    if (wait == Long.MAX_VALUE) {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(ClusterReaper.class, wait); // an owner's stop wakes it
                    } catch (InterruptedException e) {
                        interrupted = true; // no more waiting: what is left is stopped now
                    }
                    continue;
                }
                RUNNING.keySet().removeAll(due); // each is stopped once, even if its stop fails
            }
            due.forEach(PostgresCluster::stop);
        }
    }
}
