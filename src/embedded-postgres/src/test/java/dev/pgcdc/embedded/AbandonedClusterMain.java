package dev.pgcdc.embedded;

/** Run in a child JVM by {@link ShutdownHookTest}: starts a cluster and exits without stopping it. */
public final class AbandonedClusterMain {

    private AbandonedClusterMain() {
    }

    public static void main(String[] args) {
        PostgresCluster pg = PostgresCluster.builder().start();
        System.out.println("pid=" + pg.postmasterPid().orElseThrow());
        System.out.println("dir=" + pg.dataDir());
        System.exit(0);
    }
}
