package dev.pgcdc.embedded;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Stops, at JVM exit, every cluster that is still running, so no postmaster outlives the JVM. */
final class ClusterReaper {

    private static final Set<PostgresCluster> RUNNING = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private ClusterReaper() {
    }

    static synchronized void register(PostgresCluster cluster) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ClusterReaper::stopAll, "pgcdc-cluster-reaper"));
            hookInstalled = true;
        }
        RUNNING.add(cluster);
    }

    static synchronized void unregister(PostgresCluster cluster) {
        RUNNING.remove(cluster);
    }

    private static void stopAll() {
        List<PostgresCluster> clusters;
        synchronized (ClusterReaper.class) {
            clusters = new ArrayList<>(RUNNING);
        }
        clusters.forEach(PostgresCluster::stop);
    }
}
