package dev.pgcdc.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Run in a child JVM by {@link ShutdownHookTest}: starts a cluster and exits without stopping it. With argument
 * {@code owner} the cluster is left to an owner whose own shutdown hook still uses it (a query on a connection it
 * holds, as routes draining at exit) and then stops it; with {@code owner-gone} it is left to an owner whose hook uses
 * it the same way but never stops it.
 */
public final class AbandonedClusterMain {

    /** How long the owner's hook uses the cluster at exit, a part of {@link #GRACE}. */
    static final Duration OWNERS_WORK = Duration.ofSeconds(1);
    static final Duration GRACE = Duration.ofSeconds(30);

    private AbandonedClusterMain() {
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "";
        PostgresCluster pg = PostgresCluster.builder().start();
        System.out.println("pid=" + pg.postmasterPid().orElseThrow());
        System.out.println("dir=" + pg.dataDir());
        if (mode.equals("owner") || mode.equals("owner-gone")) {
            pg.stoppedByOwnerAtExit(mode.equals("owner") ? GRACE : OWNERS_WORK.multipliedBy(3));
            Connection connection = pg.connect();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Statement statement = connection.createStatement()) {
                    // work that takes a while at exit, long enough for a concurrent stop to cut it off
                    statement.execute("SELECT pg_sleep(" + OWNERS_WORK.toMillis() / 1000.0 + ")");
                    System.out.println("owner's work done");
                } catch (SQLException e) {
                    System.out.println("owner's work failed: " + e.getMessage());
                }
                if (mode.equals("owner")) {
                    pg.stop();
                }
            }, "owner"));
        }
        System.out.println("exiting");
        System.exit(0);
    }
}
