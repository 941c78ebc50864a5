package dev.pgcdc;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.snapshot.RepositoryStateStore;
import dev.pgcdc.snapshot.SnapshotMode;
import dev.pgcdc.snapshot.SnapshotOptions;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.snapshot.SnapshotSetup;
import dev.pgcdc.snapshot.SnapshotStateStore;
import dev.pgcdc.snapshot.Snapshotter;
import dev.pgcdc.snapshot.TableStateStore;
import dev.pgcdc.stream.Replicator;
import dev.pgcdc.stream.ReplicatorState;
import dev.pgcdc.stream.StreamOptions;
import dev.pgcdc.stream.StreamPreflight;
import dev.pgcdc.stream.StreamStats;
import dev.pgcdc.stream.StreamTap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the parts together: preflight on start, the replication thread ({@link Replicator}), the thread that
 * hands changes to the route ({@link ExchangeDispatcher}) and the snapshot ({@link Snapshotter}).
 */
@ManagedResource(description = "pgcdc consumer: streams changes of a PostgreSQL database and snapshots its tables")
public class PgCdcConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PgCdcConsumer.class);

    private final PgCdcConfiguration configuration;
    private ExecutorService executor;
    private ExchangeDispatcher dispatcher;
    private Replicator replicator;
    private Future<?> replicatorDone;
    private Snapshotter snapshotter;
    private SnapshotStateStore snapshotState;
    private ExecutorService snapshotWorkers;

    PgCdcConsumer(PgCdcEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public PgCdcEndpoint getEndpoint() {
        return (PgCdcEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PgConnector connector = new PgConnector(new ConnectionSettings(configuration.getHost(), configuration.getPort(),
                configuration.getDatabase(), configuration.getUser(), configuration.getPassword(),
                configuration.getConnectTimeout()));
        SnapshotOptions snapshotOptions = configuration.snapshotOptions();
        boolean stateInDatabase = configuration.getSnapshotStateRepository() == null;
        boolean snapshots;
        try (Connection connection = connector.openJdbc("pgcdc " + configuration.getSlotName() + " setup")) {
            new StreamPreflight(connection, configuration.getSlotName(), configuration.resolvedPublication(),
                    configuration.tableList()).run();
            // with snapshotMode=never the signal table is optional: without it only on-demand snapshots are missing
            snapshots = new SnapshotSetup(connection, snapshotOptions)
                    .ensure(stateInDatabase, snapshotOptions.mode() != SnapshotMode.NEVER);
        }
        StreamTap tap = StreamTap.NONE;
        if (snapshots) {
            snapshotState = stateInDatabase
                    ? new TableStateStore(connector, configuration.getSlotName(), snapshotOptions.stateTable())
                    : new RepositoryStateStore(configuration.getSnapshotStateRepository(), configuration.getSlotName());
            snapshotter = new Snapshotter(connector, snapshotOptions, snapshotState, new SnapshotEvents());
            tap = snapshotter.tap();
        }
        StreamOptions options = new StreamOptions(configuration.getSlotName(),
                List.of(configuration.resolvedPublication()), configuration.getMaxInflight(),
                Duration.ofMillis(configuration.getStatusInterval()), Duration.ofMillis(configuration.getShutdownTimeout()));
        dispatcher = new ExchangeDispatcher(this);
        replicator = new Replicator(connector, options, dispatcher, tap, Duration.ofMillis(configuration.getReconnectDelay()),
                Duration.ofMillis(configuration.getReconnectMaxDelay()),
                (message, cause) -> getExceptionHandler().handleException(message, cause));
        ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        executor = executors.newFixedThreadPool(this, "pgcdc-" + configuration.getSlotName(), snapshots ? 3 : 2);
        executor.submit(dispatcher);
        replicatorDone = executor.submit(replicator);
        if (snapshotter != null) {
            snapshotWorkers = executors.newFixedThreadPool(this, "pgcdc-" + configuration.getSlotName() + "-snapshot",
                    snapshotOptions.parallelism());
            try {
                // the third thread of the consumer's pool takes snapshot requests from the signal table
                snapshotter.start(snapshotWorkers, executor);
            } catch (Exception e) {
                doStop(); // e.g. a table without primary key: stop the threads already running, then fail
                throw e;
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (snapshotter != null) {
            snapshotter.stop();
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(snapshotWorkers, 5000);
            if (snapshotState instanceof AutoCloseable closeable) {
                closeable.close();
            }
            snapshotter = null;
        }
        if (replicator != null) {
            replicator.requestStop();
        }
        if (executor != null) {
            executor.shutdown();
            // The replicator drains in-flight exchanges (bounded by shutdownTimeout) before the dispatcher may stop.
            try {
                replicatorDone.get(configuration.getShutdownTimeout() + 10_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("pgcdc:{}: the replication thread did not stop in time", configuration.getSlotName());
            }
            dispatcher.stop();
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            }
            executor = null;
        }
        super.doStop();
    }

    /** A change exchange failed and the route did not handle it: tell Camel's exception handler. */
    void routeFailed(Exchange exchange, Throwable cause) {
        getExceptionHandler().handleException("pgcdc:" + configuration.getSlotName()
                + ": change exchange failed; it is not acknowledged and will be delivered again", exchange, cause);
    }

    /** What the replication thread is doing; for health checks. */
    public ReplicatorState state() {
        return replicator == null ? ReplicatorState.STARTING : replicator.state();
    }

    /** Counters and positions of the stream; null before start. */
    public StreamStats stats() {
        return replicator == null ? null : replicator.stats();
    }

    /** Where the snapshot stands; for health checks. */
    public SnapshotPhase snapshotPhase() {
        return snapshotter == null ? SnapshotPhase.COMPLETED : snapshotter.phase();
    }

    @ManagedAttribute(description = "Where the snapshot stands: PENDING, RUNNING, COMPLETED or FAILED")
    public String getSnapshotPhase() {
        return snapshotPhase().name();
    }

    /**
     * Snapshots one table again while streaming continues, e.g. after a sink lost data. From SQL: insert a row into
     * the signal table, {@code INSERT INTO pgcdc_signal (slot_name, kind, table_name) VALUES ('slot', 'snapshot',
     * 'public.orders')}.
     */
    @ManagedOperation(description = "Snapshots one published table (schema.table) again while streaming continues")
    public void resnapshotTable(String table) throws Exception {
        if (snapshotter == null) {
            throw new IllegalStateException("Snapshots are unavailable: the signal table "
                    + configuration.getSignalTable() + " is missing or not in publication "
                    + configuration.resolvedPublication() + ". Run:\n"
                    + SnapshotSetup.requiredSql(configuration.snapshotOptions(),
                            configuration.getSnapshotStateRepository() == null));
        }
        snapshotter.resnapshot(table);
    }

    /** Reports snapshot failures to Camel, and ends the route after the snapshot in mode initial_only. */
    private final class SnapshotEvents implements Snapshotter.Listener {

        private final AtomicBoolean routeStopped = new AtomicBoolean();

        @Override
        public void failed(String message, Throwable cause) {
            getExceptionHandler().handleException(message, cause);
        }

        @Override
        public void completed() {
            if (configuration.getSnapshotMode() == SnapshotMode.INITIAL_ONLY && routeStopped.compareAndSet(false, true)) {
                LOG.info("pgcdc:{}: snapshot complete (snapshotMode=initial_only): stopping route {}",
                        configuration.getSlotName(), getRouteId());
                // a route must not be stopped from one of its own consumer's threads
                Thread stopper = new Thread(() -> {
                    try {
                        getEndpoint().getCamelContext().getRouteController().stopRoute(getRouteId());
                    } catch (Exception e) {
                        getExceptionHandler().handleException("pgcdc: could not stop route " + getRouteId(), e);
                    }
                }, "pgcdc-" + configuration.getSlotName() + "-stop");
                stopper.start();
            }
        }
    }
}
