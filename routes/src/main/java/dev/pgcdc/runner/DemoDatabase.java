package dev.pgcdc.runner;

import java.time.Duration;

import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.PostgresServer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded demo database: a private PostgreSQL with {@link DemoSchema} and a running {@link DemoWorkload}.
 * It is a Camel service so the CamelContext stops it after the routes, inside its own stop: Camel Main's SIGTERM
 * hook waits for exactly that, whereas a MainListener's afterStop may be cut short by the JVM halting.
 */
final class DemoDatabase extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);
    /**
     * How long the harness's own exit hook, which runs beside Camel Main's, leaves the cluster to this service: longer
     * than Camel Main's hook waits for the context to stop (camel.main.shutdown-timeout, 10 s in the runner, plus
     * camel.main.extra-shutdown-timeout, 15 s by default), so the database outlives the routes reading it; the hook
     * still stops it if Camel never does.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final PostgresCluster cluster;
    private final DemoWorkload workload;

    private DemoDatabase(PostgresCluster cluster, DemoWorkload workload) {
        this.cluster = cluster;
        this.workload = workload;
    }

    static DemoDatabase launch() {
        PostgresCluster cluster = PostgresCluster.builder().start().stoppedByOwnerAtExit(STOP_GRACE);
        try {
            DemoSchema.create(cluster);
            return new DemoDatabase(cluster, DemoWorkload.start(cluster));
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
    }

    PostgresServer server() {
        return cluster;
    }

    @Override
    protected void doStop() {
        // the workload first: it would fail noisily writing to a stopped server
        workload.stop();
        cluster.stop();
        LOG.info("Embedded PostgreSQL stopped and deleted");
    }
}
