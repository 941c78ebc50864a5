package dev.pgcdc.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Run in a child JVM by {@link ShutdownHookTest}: starts a cluster and exits without stopping it. With argument
 * {@code owner} the cluster is left to an owner whose own shutdown hook still uses it (a query on a connection it
 * holds, as routes draining at exit) and then stops it; with {@code owner-gone} it is left to an owner that never
 * stops it.
 */
public final class AbandonedClusterMain {

    private AbandonedClusterMain() {
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "";
        PostgresCluster pg = PostgresCluster.builder().start();
        System.out.println("pid=" + pg.postmasterPid().orElseThrow());
        System.out.println("dir=" + pg.dataDir());
        if (mode.equals("owner")) {
            pg.stoppedByOwnerAtExit(Duration.ofSeconds(30));
            Connection connection = pg.connect();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Statement statement = connection.createStatement()) {
                    // work that takes a while at exit, long enough for a concurrent stop to cut it off
                    statement.execute("SELECT pg_sleep(1)");
                    System.out.println("owner's work done");
                } catch (SQLException e) {
                    System.out.println("owner's work failed: " + e.getMessage());
                }
                pg.stop();
            }, "owner"));
        } else if (mode.equals("owner-gone")) {
            pg.stoppedByOwnerAtExit(Duration.ofSeconds(1));
        }
        System.exit(0);
    }
}
