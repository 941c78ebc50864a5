package dev.pgcdc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.pg.CatalogSourceTables;
import dev.pgcdc.pg.Identifiers;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.setup.ChangeModelPreflight;
import dev.pgcdc.setup.ConnectorTable;
import dev.pgcdc.setup.Setup;
import dev.pgcdc.setup.SetupMode;
import dev.pgcdc.setup.SetupPlan;
import dev.pgcdc.setup.SetupRequest;
import dev.pgcdc.setup.SetupServers;
import dev.pgcdc.snapshot.RepositoryStateStore;
import dev.pgcdc.snapshot.SnapshotMode;
import dev.pgcdc.snapshot.SnapshotOptions;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.snapshot.SnapshotProgress;
import dev.pgcdc.snapshot.SnapshotSetup;
import dev.pgcdc.snapshot.SnapshotStateStore;
import dev.pgcdc.snapshot.Snapshotter;
import dev.pgcdc.snapshot.TableStateStore;
import dev.pgcdc.stream.DecodingOptions;
import dev.pgcdc.stream.Heartbeat;
import dev.pgcdc.stream.KeylessTableWatch;
import dev.pgcdc.stream.OutputPlugin;
import dev.pgcdc.stream.PgOutputPlugin;
import dev.pgcdc.stream.Replicator;
import dev.pgcdc.stream.ReplicatorState;
import dev.pgcdc.stream.SlotWatch;
import dev.pgcdc.stream.StreamStats;
import dev.pgcdc.stream.StreamTap;
import dev.pgcdc.task.Periodic;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the parts together: setup on start, the replication thread ({@link Replicator}), the threads that hand
 * changes to the route ({@link Dispatcher}), the snapshot ({@link Snapshotter}), heartbeats and the slot
 * monitor; exposes health and managed attributes.
 */
@ManagedResource(description = "pgcdc consumer: streams changes of a PostgreSQL database and snapshots its tables")
public class PgCdcConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PgCdcConsumer.class);
    /** Micrometer is an optional dependency: meters are registered only when the application has it. */
    private static final boolean MICROMETER_PRESENT = isPresent("io.micrometer.core.instrument.MeterRegistry");

    private final PgCdcConfiguration configuration;
    private final PgCdcOptions options;
    private PgConnector connector;
    /** Where everything that writes goes: the primary when decoding from a standby, else {@link #connector}. */
    private PgConnector writer;
    /** What producers (the sink) learn about the source tables; lives as long as the connector. */
    private CatalogSourceTables sourceTables;
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    /** Its own thread: the monitor's tasks may each wait on the database for up to readTimeout. */
    private ScheduledExecutorService keepAliveTimer;
    private Dispatcher dispatcher;
    private Replicator replicator;
    private Future<?> replicatorDone;
    private SlotWatch slotWatch;
    /** The slot watch's runs, the scheduler's and the dev console's, with their failures said once. */
    private Runnable slotMonitor;
    private KeylessTableWatch keylessWatch;
    private Heartbeat heartbeat;
    private PgCdcMeters meters;
    private Snapshotter snapshotter;
    private SnapshotStateStore snapshotState;
    private ExecutorService snapshotWorkers;
    private volatile String snapshotError;
    /** With setupMode=plan, what the start planned (and logged) instead of streaming. */
    private volatile SetupPlan plannedOnly;
    /** A stop was asked for: a start still waiting to create the slot ends instead of holding the stop up. */
    private volatile boolean stopping;
    /** This start created the slot: the only one a start that fails may drop (dropSlotOnStop). */
    private volatile boolean slotCreated;
    /** The last start streamed (did not fail, was no setupMode=plan dry run): its stop may drop a slot it did not
     *  create (dropSlotOnStop). */
    private volatile boolean startCompleted;

    PgCdcConsumer(PgCdcEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
        this.options = endpoint.options();
    }

    @Override
    public PgCdcEndpoint getEndpoint() {
        return (PgCdcEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        stopping = false;
        slotCreated = false;
        startCompleted = false;
        // a restart's setup must not show the previous run's phase, snapshot or failure
        replicator = null;
        snapshotter = null;
        snapshotError = null;
        slotWatch = null;
        slotMonitor = null;
        keylessWatch = null;
        heartbeat = null;
        plannedOnly = null;
        connector = new PgConnector(options.connection());
        writer = options.decodesFromStandby() ? new PgConnector(options.primary()) : connector;
        DecodingOptions decoding = options.decoding();
        OutputPlugin plugin = options.plugin();
        SnapshotOptions snapshotOptions = options.snapshot();
        boolean stateInDatabase = configuration.getSnapshotStateRepository() == null;
        boolean snapshots;
        SetupPlan plan;
        // Camel's stops wait for a start to end: a context's stop says so to its lifecycle strategies first
        LifecycleStrategy stopsSetup = new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext context) {
                stopping = true;
            }
        };
        getEndpoint().getCamelContext().addLifecycleStrategy(stopsSetup);
        try (Connection connection = writer.openJdbc("pgcdc " + configuration.getSlotName() + " setup")) {
            List<ConnectorTable> snapshotTables = snapshotsWanted(connection, snapshotOptions)
                    ? SnapshotSetup.tables(snapshotOptions, stateInDatabase) : List.of();
            snapshots = !snapshotTables.isEmpty();
            if (snapshots) {
                snapshotState = stateInDatabase
                        ? new TableStateStore(writer, configuration.getSlotName(), snapshotOptions.stateTable())
                        : new RepositoryStateStore(configuration.getSnapshotStateRepository(),
                                configuration.getSlotName());
            }
            plan = prepareServer(connection, decoding, plugin, snapshotTables);
            if (options.setupMode() == SetupMode.PLAN) {
                // a dry run: startCompleted stays false, so dropSlotOnStop leaves an existing slot alone
                plannedOnly = plan;
                return;
            }
        } finally {
            getEndpoint().getCamelContext().getLifecycleStrategies().remove(stopsSetup);
        }
        StreamTap tap = StreamTap.NONE;
        if (snapshots) {
            snapshotter = new Snapshotter(writer, snapshotOptions, snapshotState, new SnapshotEvents());
            tap = snapshotter.tap();
        }
        sourceTables = new CatalogSourceTables(connector, "pgcdc " + configuration.getSlotName() + " source tables",
                plugin instanceof PgOutputPlugin ? options.publication() : null,
                (table, column) -> decoding.columns().includes(table.schema(), table.name(), column));
        getEndpoint().sourceTables(sourceTables);
        dispatcher = options.concurrentConsumers() > 1
                ? new LaneDispatcher(this, configuration, options.outbox(), options.concurrentConsumers())
                : new ExchangeDispatcher(this, configuration, options.outbox(), options.handOffAfter());
        replicator = new Replicator(connector, options.stream(), dispatcher, tap, options.reconnectDelay(),
                options.reconnectMaxDelay(), new ReportsToCamel());
        slotWatch = new SlotWatch(connector, configuration.getSlotName(), options.lagWarnBytes(),
                lost -> replicator.fail(lost.lostMessage(), null));
        setHealthCheck(new PgCdcHealthCheck(this, getRouteId(), options.healthGracePeriod()));

        ExecutorServiceManager executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        List<Runnable> deliveryLoops = dispatcher.loops();
        executor = executors.newFixedThreadPool(this, "pgcdc-" + configuration.getSlotName(),
                deliveryLoops.size() + (snapshots ? 2 : 1));
        scheduler = executors.newSingleThreadScheduledExecutor(this, "pgcdc-monitor-" + configuration.getSlotName());
        // execute, not submit: a loop that ends by a throwable reaches the thread's uncaught-exception handler (stderr)
        // instead of a Future nobody reads
        deliveryLoops.forEach(executor::execute);
        replicatorDone = executor.submit(replicator);
        long monitorMillis = options.slotMonitorInterval().toMillis();
        // every periodic task through Periodic.guard: a run that throws would end the task for good, silently
        slotMonitor = periodic("slot monitor", slotWatch);
        scheduler.scheduleWithFixedDelay(slotMonitor, 0, monitorMillis, TimeUnit.MILLISECONDS);
        // while the route runs on the replication thread, the server must still hear from us each status interval
        long keepAliveMillis = Math.max(1, options.stream().statusInterval().toMillis() / 4);
        keepAliveTimer = executors.newSingleThreadScheduledExecutor(this,
                "pgcdc-keepalive-" + configuration.getSlotName());
        keepAliveTimer.scheduleWithFixedDelay(
                periodic("status update while the route holds the replication thread", replicator::keepAlive),
                keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
        if (SetupRequest.usesPublication(plugin.name())) {
            keylessWatch = new KeylessTableWatch(connector, configuration.getSlotName(), options.publication(),
                    plan.publishedWithoutIdentity());
            scheduler.scheduleWithFixedDelay(periodic("keyless table watch", keylessWatch), 0, monitorMillis,
                    TimeUnit.MILLISECONDS);
        }
        if (MICROMETER_PRESENT) {
            meters = PgCdcMeters.bind(getEndpoint().getCamelContext(), this, configuration.getSlotName());
            if (meters != null) {
                scheduler.scheduleWithFixedDelay(periodic("table meters' refresh", meters::registerNewTables), 0,
                        monitorMillis, TimeUnit.MILLISECONDS);
            }
        }
        long heartbeatMillis = options.heartbeatInterval().toMillis();
        if (heartbeatMillis > 0) {
            TableName table = options.heartbeatTable();
            heartbeat = table == null ? Heartbeat.viaMessage(writer, configuration.getSlotName())
                    : Heartbeat.viaTable(writer, configuration.getSlotName(), table.schema(), table.name());
            scheduler.scheduleWithFixedDelay(periodic("heartbeat", heartbeat), heartbeatMillis, heartbeatMillis,
                    TimeUnit.MILLISECONDS);
        }
        if (snapshotter != null) {
            snapshotWorkers = executors.newFixedThreadPool(this, "pgcdc-" + configuration.getSlotName() + "-snapshot",
                    snapshotOptions.parallelism());
            try {
                // the consumer's pool has a thread left to take snapshot requests from the signal table
                snapshotter.start(snapshotWorkers, executor);
            } catch (Error e) {
                // e.g. an Error reading the saved progress: Camel stops a consumer whose start threw an Exception, but
                // not one whose start threw an Error, so the threads already running are stopped here
                stopAll();
                throw e;
            }
        }
        startCompleted = true;
    }

    /**
     * With snapshotMode=never the signal table is optional: without it only on-demand re-snapshots are unavailable,
     * so setup asks for it (and the state table) only when it is already there.
     */
    private static boolean snapshotsWanted(Connection connection, SnapshotOptions options) throws SQLException {
        return options.mode() != SnapshotMode.NEVER || Setup.exists(connection, options.signalTable());
    }

    /**
     * Runs all start-time preparation (see {@link Setup#prepare}) for the captured tables, the heartbeat table and
     * the snapshot's tables.
     *
     * @return the plan streaming starts with, or in setupMode=plan the plan logged instead
     */
    private SetupPlan prepareServer(Connection connection, DecodingOptions decoding, OutputPlugin plugin,
                                  List<ConnectorTable> snapshotTables)
            throws SQLException, InterruptedException {
        List<ConnectorTable> connectorTables = new ArrayList<>(snapshotTables);
        if (options.heartbeatTable() != null) {
            connectorTables.add(ConnectorTable.heartbeat(options.heartbeatTable()));
        }
        ChangeModelPreflight.TableSelection selection = ChangeModelPreflight.tablesToPublish(connection,
                decoding.tables(), SetupRequest.usesPublication(plugin.name()));
        SetupRequest request = SetupRequest.builder().slotName(configuration.getSlotName())
                .plugin(plugin.name()).publicationName(options.publication())
                .publicationGiven(options.publicationGiven())
                .tables(selection.tables()).unmatchedTablePatterns(selection.unmatchedPatterns())
                .nothingSelected(selection.nothingSelected())
                .connectorTables(connectorTables).replicaIdentityFull(options.replicaIdentityFull())
                .slotFailover(configuration.isSlotFailover()).slotElsewhere(options.decodesFromStandby()).build();
        TypeRegistry types = TypeRegistry.natural(new PgCatalog(connection));
        ChangeModelPreflight changeModel = new ChangeModelPreflight(connection, request.publicationName(),
                decoding.binary(), decoding.emitMessages(), decoding.columns()::includes,
                new ChangeModelPreflight.Types() {
                    @Override
                    public boolean hasBinary(int oid) {
                        return types.hasBinary(oid);
                    }

                    @Override
                    public String typeName(int oid) {
                        return types.typeName(oid);
                    }
                });
        Setup.NewSlot newSlot = new Setup.NewSlot() {
            @Override
            public void before() throws SQLException {
                forgetSnapshotProgress();
            }

            @Override
            public void created() {
                slotCreated = true;
            }
        };
        return Setup.prepare(connection, new SetupServers(connector, writer), request, options.setupMode(), changeModel,
                newSlot, () -> stopping);
    }

    /**
     * Progress saved under this slot name belongs to an earlier slot (lost and dropped, or dropped): the new one holds
     * no change made before it exists.
     */
    private void forgetSnapshotProgress() throws SQLException {
        if (snapshotState != null) {
            snapshotState.forgetAll();
            LOG.info("pgcdc:{}: the replication slot is new: snapshot progress saved for an earlier slot of this name"
                    + " is forgotten, so every table is snapshotted again", configuration.getSlotName());
        }
    }

    /** Camel's stop waits for a start that is still running: tell that start to end first. */
    @Override
    public void stop() {
        stopping = true;
        super.stop();
    }

    /**
     * Every step runs whatever an earlier one threw (an interrupted wait, a replication thread that died, a database
     * that is down): a step skipped would leave threads delivering, monitoring or writing heartbeats after the route
     * stopped. An interrupt hurries the waits and is kept on the thread; the first other failure is thrown at the end.
     */
    @Override
    protected void doStop() throws Exception {
        stopAll();
    }

    /**
     * Camel stops a consumer whose start failed, too: a slot that existed before holds changes not yet delivered, and
     * a failed start is no decision to retire the pipeline, so only a slot this start created is dropped then.
     */
    private void stopAll() throws Exception {
        boolean dropSlot = configuration.isDropSlotOnStop() && (startCompleted || slotCreated);
        StopSteps steps = new StopSteps();
        steps.run(this::stopSnapshotter);
        steps.run(this::closeSnapshotState);
        steps.run(this::stopStreaming);
        steps.run(this::stopKeepAlive);
        steps.run(this::stopMonitoring);
        // after the meters' refresh ended: a meter it registered after the removal would stay in the registry, and a
        // restarted route with the same tags would be handed that stale meter
        steps.run(this::removeMeters);
        if (dropSlot && connector != null) {
            steps.run(this::dropSlotOnStop);
        }
        steps.run(this::closeConnector);
        steps.run(super::doStop);
        steps.end();
    }

    private void stopSnapshotter() {
        Snapshotter current = snapshotter;
        if (current != null) {
            snapshotter = null;
            try {
                current.stop();
            } finally {
                executors().shutdownGraceful(snapshotWorkers, 5000);
            }
        }
    }

    /** After the replication thread ended: until then a route running on it may still need keep-alives. */
    private void stopKeepAlive() {
        ScheduledExecutorService current = keepAliveTimer;
        keepAliveTimer = null;
        if (current != null) {
            executors().shutdownNow(current);
        }
    }

    private void removeMeters() {
        PgCdcMeters current = meters;
        meters = null;
        if (current != null) {
            current.remove();
        }
    }

    /**
     * Ends the slot monitor, the keyless-table watch, the meters' refresh and the heartbeat: their connections are
     * closed only once no run of them is left that could use one.
     */
    private void stopMonitoring() throws Exception {
        ScheduledExecutorService current = scheduler;
        if (current == null) {
            return;
        }
        scheduler = null;
        try {
            executors().shutdownNow(current);
            if (!current.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("pgcdc:{}: a monitoring or heartbeat task did not end within 5 s; its connection is closed",
                        configuration.getSlotName());
            }
        } finally {
            StopSteps closes = new StopSteps();
            closes.run(slotWatch::close);
            if (keylessWatch != null) {
                closes.run(keylessWatch::close);
            }
            if (heartbeat != null) {
                closes.run(heartbeat::close);
            }
            closes.end();
        }
    }

    /** Stops reading, lets in-flight exchanges finish (bounded by shutdownTimeout) and confirms what completed. */
    private void stopStreaming() throws Exception {
        if (replicator != null) {
            replicator.requestStop();
        }
        ExecutorService current = executor;
        if (current == null) {
            return;
        }
        executor = null;
        current.shutdown();
        StopSteps steps = new StopSteps();
        steps.run(this::awaitReplicator);
        steps.run(dispatcher::stop);
        steps.run(() -> awaitOrForce(current));
        steps.end();
    }

    private void awaitReplicator() throws InterruptedException {
        try {
            replicatorDone.get(options.stream().drainTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("pgcdc:{}: the replication thread did not stop in time", configuration.getSlotName());
        } catch (ExecutionException e) {
            // the replicator reported it when it happened (the phase is FAILED); the stop goes on
            LOG.warn("pgcdc:{}: the replication thread had ended by {}", configuration.getSlotName(), e.getCause());
        }
    }

    /** Waits a little for the pool's threads to end, and interrupts them when they do not (or the wait is cut). */
    private void awaitOrForce(ExecutorService pool) throws InterruptedException {
        boolean ended = false;
        try {
            ended = pool.awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            if (!ended) {
                // Camel's shutdownNow skips a pool already shut down: interrupt its threads here
                pool.shutdownNow();
            }
            executors().shutdownNow(pool);
        }
    }

    private Runnable periodic(String what, Periodic.Task task) {
        return Periodic.guard(LOG, "Slot " + configuration.getSlotName() + ": " + what, task);
    }

    private ExecutorServiceManager executors() {
        return getEndpoint().getCamelContext().getExecutorServiceManager();
    }

    /** A slot that cannot be dropped now (e.g. the database is down) must not keep the rest of the stop from running. */
    private void dropSlotOnStop() {
        try {
            dropSlotNow();
        } catch (SQLException e) {
            LOG.warn("pgcdc:{}: could not drop the replication slot on stop (dropSlotOnStop=true): {}. The slot keeps"
                    + " retaining WAL on the server until it is dropped: once the server is reachable, run SELECT"
                    + " pg_drop_replication_slot({});", configuration.getSlotName(), e.getMessage(),
                    Identifiers.quoteLiteral(configuration.getSlotName()));
        }
    }

    @Override
    protected void doFail(Exception e) {
        // Camel stopped the consumer (doStop) before this when its start threw; closing again does no harm
        closeSnapshotState();
        closeConnector();
        super.doFail(e);
    }

    private void closeSnapshotState() {
        if (snapshotState instanceof TableStateStore store) {
            store.close();
        }
        snapshotState = null;
    }

    /** The SSH tunnel and a converted client key live exactly as long as the consumer runs. */
    private void closeConnector() {
        if (sourceTables != null) {
            sourceTables.close();
            sourceTables = null;
        }
        if (writer != null && writer != connector) {
            writer.close();
        }
        writer = null;
        if (connector != null) {
            connector.close();
            connector = null;
        }
    }

    /**
     * Removes the pipeline's slot so the server stops retaining WAL for it: streaming stops first. Use it when the
     * pipeline is being deleted; a later start creates a new slot, which does not contain the changes made meanwhile.
     */
    @ManagedOperation(description = "Stop streaming and drop the replication slot (when removing the pipeline)")
    public void dropSlot() throws Exception {
        stopStreaming();
        dropSlotNow();
    }

    private void dropSlotNow() throws SQLException {
        try (Connection connection = connector.openJdbc("pgcdc drop slot")) {
            new ReplicationSlot(configuration.getSlotName()).drop(connection);
            LOG.info("pgcdc:{}: replication slot dropped", configuration.getSlotName());
        }
    }

    Replicator replicator() {
        return replicator;
    }

    /** The latest reading of the slot, or null before the first. */
    public SlotState slotStatus() {
        return slotWatch == null ? null : slotWatch.latest();
    }

    /**
     * Reads the slot from the server now, on the caller's thread, instead of waiting for the next reading; a stopped
     * consumer keeps its last reading (its connections are closed and stay closed).
     */
    public SlotState refreshSlotStatus() {
        Runnable monitor = slotMonitor;
        if (monitor != null && isStarted()) {
            monitor.run();
        }
        return slotStatus();
    }

    /** When {@link #slotStatus()} was read, or null before the first reading. */
    public Instant slotStatusReadAt() {
        SlotWatch watch = slotWatch;
        return watch == null ? null : watch.latestAt();
    }

    /** The last snapshot failure since start, or null. */
    public String snapshotError() {
        return snapshotError;
    }

    /** Where each table snapshotted since start stands; empty without snapshots. */
    public List<SnapshotProgress> snapshotProgress() {
        Snapshotter current = snapshotter;
        return current == null ? List.of() : current.progress();
    }

    /** Snapshot chunks read and not yet completed, over all readers: what the snapshot holds in memory; 0 without. */
    public int snapshotChunksHeld() {
        Snapshotter current = snapshotter;
        return current == null ? 0 : current.chunksHeld();
    }

    /** Counters and positions of the stream; null before start. */
    public StreamStats stats() {
        return replicator == null ? null : replicator.stats();
    }

    /** Hands the replicator's failures to the consumer's exception handler. */
    private final class ReportsToCamel implements Replicator.FailureListener {
        @Override
        public void onFailure(String message, Throwable cause) {
            getExceptionHandler().handleException(message, cause);
        }

        @Override
        public void onConnectionLost(String message, SQLException cause) {
            if (getExceptionHandler() instanceof LoggingExceptionHandler logging) {
                // one line per attempt: during an outage Camel's default handler would print the stack trace at
                // every attempt and bury what the line says; a handler of the user's own still gets the exception
                LOG.debug(message, cause);
                logging.handleException(message, null);
            } else {
                getExceptionHandler().handleException(message, cause);
            }
        }
    }

    /** With setupMode=plan, the plan this start logged instead of streaming; empty in the other modes. */
    public Optional<SetupPlan> plannedSetup() {
        return Optional.ofNullable(plannedOnly);
    }

    @ManagedAttribute(description = "What the replication thread is doing: STARTING, STREAMING, CATCHING_UP, RETRYING, STOPPED, FAILED")
    public String getPhase() {
        return replicator == null ? ReplicatorState.STARTING.name() : replicator.state().name();
    }

    /** The stream's counters, for the dispatcher's threads (they start after the replicator was made). */
    StreamStats streamStats() {
        return replicator.stats();
    }

    @ManagedAttribute(description = "Changes handed to the route since start")
    public long getReceivedCount() {
        return replicator == null ? 0 : replicator.stats().receivedCount();
    }

    @ManagedAttribute(description = "Changes whose exchanges completed since start")
    public long getCompletedCount() {
        return replicator == null ? 0 : replicator.stats().completedCount();
    }

    @ManagedAttribute(description = "Changes handed to the route but not completed")
    public long getInflightCount() {
        return replicator == null ? 0 : replicator.stats().inFlight();
    }

    @ManagedAttribute(description = "Changes received per schema.table since start")
    public Map<String, Long> getReceivedPerTable() {
        return replicator == null ? Map.of() : replicator.stats().receivedPerTable();
    }

    @ManagedAttribute(description = "The LSN last confirmed to the server")
    public String getConfirmedLsn() {
        return replicator == null ? null : Lsn.of(replicator.stats().confirmedLsn()).toString();
    }

    @ManagedAttribute(description = "Bytes of WAL written since the confirmed position (-1 if unknown)")
    public long getLagBytes() {
        SlotState status = slotStatus();
        return status == null ? -1 : status.lagBytes();
    }

    @ManagedAttribute(description = "Bytes of WAL the slot keeps on the server (-1 if unknown)")
    public long getRetainedWalBytes() {
        SlotState status = slotStatus();
        return status == null ? -1 : status.retainedBytes();
    }

    @ManagedAttribute(description = "The slot's wal_status (PostgreSQL 13+)")
    public String getWalStatus() {
        SlotState status = slotStatus();
        return status == null ? null : status.walStatus();
    }

    @ManagedAttribute(description = "Seconds between now and the commit of the newest change handed to the route")
    public double getLagSeconds() {
        Instant last = replicator == null ? null : replicator.stats().lastCommitTimestamp();
        return last == null ? 0 : Duration.between(last, Instant.now()).toMillis() / 1000.0;
    }

    @ManagedAttribute(description = "Published tables without primary key or replica identity: their UPDATEs and"
            + " DELETEs fail on the server and never reach the stream")
    public List<String> getTablesWithoutReplicaIdentity() {
        return keylessWatch == null ? List.of()
                : keylessWatch.keylessTables().stream().map(TableName::toString).sorted().toList();
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
            // with any other snapshotMode the route does not start without the snapshot's tables
            throw new IllegalStateException("Snapshots are unavailable: with snapshotMode=never they need the signal"
                    + " table " + configuration.getSignalTable() + ", which did not exist when the route started."
                    + " Create it and restart the route; a start with setupMode=plan and another snapshotMode"
                    + " prints the SQL.");
        }
        snapshotter.resnapshot(table);
    }

    /** Reports snapshot failures to Camel, and ends the route after the snapshot in mode initial_only. */
    private final class SnapshotEvents implements Snapshotter.Listener {

        private final AtomicBoolean routeStopped = new AtomicBoolean();

        @Override
        public void failed(String message, Throwable cause) {
            snapshotError = message;
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

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, PgCdcConsumer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
