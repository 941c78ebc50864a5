package dev.pgcdc.snapshot;

import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.stream.StreamTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the snapshot beside streaming: decides on start which tables to snapshot ({@link SnapshotMode}), reads them
 * with {@code parallelism} readers in total, and takes re-snapshot requests (from JMX or the signal table) while the
 * stream goes on.
 *
 * <h2>The algorithm: watermark windows</h2>
 * Each table is read in chunks of {@code chunkSize} rows in primary key order (keyset: {@code WHERE key > last key
 * ORDER BY key LIMIT n}), each chunk in its own short transaction, never one transaction for the whole table. A
 * chunk is framed by two watermarks, inserts into the signal table that travel through the stream: low, read, high.
 * When the stream reaches the low watermark, every change of the table from then on removes its key from the chunk,
 * because the stream itself delivers that row's newer state. At the high watermark the rows left are emitted as
 * {@code r} events, at that position of the stream. A row still in the chunk was not changed between the
 * watermarks, so the value read is its value at the high watermark, and every later change follows it: a consumer
 * that applies events in order converges on the source. Rows inserted after the read arrive as inserts; deleted
 * ones as deletes. See {@link ChunkWindow} and {@link ChunkReader} (why the read waits for transactions running at
 * the low watermark).
 *
 * <h2>Parallel readers</h2>
 * When its turn comes, a table is split into up to {@code parallelism} ranges of its key (of its heap blocks without
 * a key; see {@link RangeSplit} for how the boundaries are placed), none expected to be smaller than a chunk. Each
 * range is read as above, bounded by {@code (key) <= (upper bound)}, on a connection of its own; the windows of
 * different ranges hold disjoint keys, so they do not interact. The ranges of every table go into one queue served
 * by the {@code parallelism} worker threads: that many chunk readers at most, in total, whether one big table or
 * many are snapshotted; tables are taken in the order planned, and a worker whose range ended takes the next range
 * queued, of the same or the next table.
 *
 * <p>Each range reads up to {@link RangeSnapshot#PIPELINE_DEPTH} chunks ahead of the stream's delivery, and all
 * ranges together at most {@code max(PIPELINE_DEPTH, parallelism)} chunks ({@link ReadAhead}), so memory is bounded
 * by that many times {@code chunkSize} rows plus the exchanges in flight ({@code maxInflight}): more readers share
 * the read-ahead of one instead of multiplying it.
 * Progress is saved per range and per chunk once the chunk's rows' exchanges all completed; after a crash each range
 * continues after its own saved key. Chunk reads after the saved key that were delivered before the crash are
 * delivered again (at-least-once), which applying in order absorbs. Snapshot rows reach the route through the
 * dispatcher like streamed changes, so with {@code concurrentConsumers} they spread over its lanes by key.
 */
public final class Snapshotter {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

    /** Told about failures and about the end of the snapshot, on snapshot threads. */
    public interface Listener {
        void failed(String message, Throwable cause);

        /** No table is left to snapshot: after the start's snapshot and again after each re-snapshot. */
        void completed();
    }

    private final PgConnector connector;
    private final SnapshotOptions options;
    private final SnapshotStateStore store;
    private final Listener listener;
    private final SignalTable signals;
    private final SnapshotTap tap;
    private final TableSnapshot.Context context;
    private final ReadAhead readAhead;
    /** Tables being snapshotted or waiting for a worker; guarded by this. */
    private final Map<TableName, TableSnapshot> active = new HashMap<>();
    private final Set<TableName> failed = ConcurrentHashMap.newKeySet();
    /** The last progress of tables no longer active, for {@link #progress()}. */
    private final Map<TableName, SnapshotProgress> finished = new ConcurrentHashMap<>();
    /** Snapshot requests handed to the control thread and not yet claimed, refused or failed. */
    private final AtomicInteger claiming = new AtomicInteger();
    private volatile ExecutorService workers;
    /** Null until {@link #start}: the replication thread may see a signal before then. */
    private volatile ExecutorService control;
    private volatile boolean started;
    private volatile boolean stopping;

    public Snapshotter(PgConnector connector, SnapshotOptions options, SnapshotStateStore store, Listener listener) {
        this.connector = connector;
        this.options = options;
        this.store = store;
        this.listener = listener;
        this.signals = new SignalTable(options.signalTable(), options.slotName());
        this.tap = new SnapshotTap(options.slotName(), options.signalTable(), options.stateTable(),
                this::onSnapshotSignal);
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicLong chunks = new AtomicLong();
        this.readAhead = new ReadAhead(options.parallelism());
        this.context = new TableSnapshot.Context(connector, options.slotName(), new ChunkReader(options.chunkSize()),
                signals, tap, store, () -> run + '-' + chunks.incrementAndGet(), () -> stopping,
                options.retryDelay(), readAhead);
    }

    /** What the replication session must consult for each change; pass it to the replicator. */
    public StreamTap tap() {
        return tap;
    }

    /**
     * Plans the snapshot by mode and starts it.
     *
     * @param workers plans tables and reads their ranges; it should have {@code parallelism} threads
     * @param control handles snapshot requests from the signal table; one thread is enough
     * @throws IllegalArgumentException if a table to snapshot cannot be (its key columns are not read)
     */
    public void start(ExecutorService workers, ExecutorService control) throws SQLException {
        this.workers = workers;
        this.control = control;
        List<TableLayout> planned = new ArrayList<>();
        List<TableLayout> starting = new ArrayList<>();
        try (Connection connection = connector.openJdbc("pgcdc " + options.slotName() + " snapshot plan")) {
            signals.deleteWatermarks(connection);
            PgCatalog catalog = new PgCatalog(connection);
            List<String> problems = new ArrayList<>();
            for (TableName table : catalog.publishedTables(options.publication())) {
                if (!options.tables().includes(table.schema(), table.name()) || options.isInternal(table) || options.skipTables().contains(table)) {
                    continue;
                }
                TableProgress progress = store.load(table);
                if (!isDue(progress)) {
                    continue;
                }
                try {
                    TableLayout layout = TableLayout.of(catalog, table, options);
                    planned.add(layout);
                    if (options.mode() == SnapshotMode.ALWAYS || progress == null && layout.keyless()) {
                        starting.add(layout);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            for (TableLayout table : starting) {
                store.save(table.id(), startingPoint(connection, table));
            }
        }
        LOG.info("Slot {}: snapshot mode {}: {} table(s) to snapshot {}", options.slotName(), options.mode(),
                planned.size(), planned.stream().map(t -> t.id().toString()).toList());
        for (TableLayout table : planned) {
            schedule(table, null);
        }
        takeWaitingRequests();
        started = true;
        completeIfIdle();
    }

    /**
     * The progress a table's snapshot starts from. A table without a key gets its horizon now, right after the
     * stream started, not at its first chunk, which may come much later: the changes in between reach the route
     * through the stream, and through the snapshot too if the horizon saw them.
     */
    private static TableProgress startingPoint(Connection connection, TableLayout table) throws SQLException {
        return table.keyless() ? new TableProgress(false, BlockCursor.horizon(connection).toKey(), 0)
                : TableProgress.start();
    }

    /** Whether a table with this saved progress is snapshotted on start. */
    private boolean isDue(TableProgress progress) {
        return switch (options.mode()) {
            case ALWAYS -> true;
            case INITIAL, INITIAL_ONLY -> progress == null || !progress.done();
            // an on-demand re-snapshot interrupted by a restart is still finished
            case NEVER -> progress != null && !progress.done();
        };
    }

    /**
     * Snapshots one published table again while streaming goes on (from its first key, also if it is being
     * snapshotted right now). The request is saved before this returns, so a restart continues it.
     *
     * @param table {@code schema.table}, or {@code table} for schema public
     * @throws IllegalArgumentException if the table is not published, is internal or its key columns are not read
     */
    public void resnapshot(String table) throws SQLException {
        Request request = request(table);
        schedule(request.table(), request.progress());
        LOG.info("Slot {}: re-snapshot of {} requested", options.slotName(), request.table().id());
    }

    /** A re-snapshot request checked: the table and the progress its new snapshot starts from. */
    private record Request(TableLayout table, TableProgress progress) {
    }

    /** @throws IllegalArgumentException if the table is not published, is internal or its key columns are not read */
    private Request request(String table) throws SQLException {
        TableName id = TableName.parse(table);
        if (options.isInternal(id)) {
            throw new IllegalArgumentException(id + " is pgcdc's own bookkeeping table and is never snapshotted");
        }
        try (Connection connection = connector.openJdbc("pgcdc " + options.slotName() + " snapshot request")) {
            PgCatalog catalog = new PgCatalog(connection);
            if (!options.tables().includes(id.schema(), id.name())) {
                throw new IllegalArgumentException("Table " + id + " is not in publication " + options.publication());
            }
            TableLayout layout = TableLayout.of(catalog, id, options);
            return new Request(layout, startingPoint(connection, layout));
        }
    }

    /** Replication thread: a {@code snapshot} row arrived in the signal table; handled on the control thread. */
    private void onSnapshotSignal(SignalTable.Signal signal) {
        if (control == null) {
            return; // not started: its row is still in the table, which start() looks at once control is set
        }
        claiming.incrementAndGet();
        submitClaim(signal, options.retryDelay());
    }

    /** Hands a counted claim to the control thread; one it no longer takes (stopped) stays in the table. */
    private void submitClaim(SignalTable.Signal signal, Duration delay) {
        try {
            control.execute(() -> claim(signal, delay));
        } catch (RejectedExecutionException e) {
            claiming.decrementAndGet();
            completeIfIdle();
        }
    }

    /**
     * On start: the requests still in the signal table. The stream confirms a signal as soon as it passed (it is
     * never delivered to the route), so a request whose claim did not commit before the consumer stopped or crashed
     * may never come through the stream again; its row is still there. They are claimed on the control thread like
     * the stream's, so a row lock held elsewhere does not hold up the start.
     */
    private void takeWaitingRequests() throws SQLException {
        List<SignalTable.Signal> waiting;
        try (Connection connection = connector.openJdbc("pgcdc " + options.slotName() + " signal")) {
            waiting = signals.snapshotRequests(connection);
        }
        waiting.forEach(this::onSnapshotSignal);
    }

    /**
     * Control thread: claims a snapshot request and saves its progress in one transaction of the signal table:
     * deleting the row claims it, and the delete commits only once the request's progress is saved, so a crash in
     * between leaves the row for the next start ({@link #takeWaitingRequests}), and a request is never lost. The row
     * stays locked until then: a second claim of it (the stream delivering it again after a restart, the start's
     * look at the table, another instance) waits, finds it gone and does nothing. A crash between the save and the
     * commit makes the table be snapshotted twice, which is harmless. The table is checked before the delete, so
     * the transaction holding the row (and an xid the chunks' reads wait for) stays short.
     *
     * @param delay the pause before the claim is tried again after a transient failure
     */
    private void claim(SignalTable.Signal signal, Duration delay) {
        boolean retrying = false;
        try {
            if (stopping) {
                return;
            }
            Request request = null;
            IllegalArgumentException refused = null;
            try {
                request = request(signal.tableName());
            } catch (IllegalArgumentException e) {
                refused = e;
            }
            try (Connection connection = connector.openJdbc("pgcdc " + options.slotName() + " signal")) {
                connection.setAutoCommit(false);
                if (!signals.claim(connection, signal.id())) {
                    connection.rollback();
                    return;
                }
                if (request != null) {
                    schedule(request.table(), request.progress());
                }
                // a refused request is consumed too: no retry can carry it out
                connection.commit();
            }
            if (refused != null) {
                listener.failed("Slot " + options.slotName() + ": snapshot request " + signal.id() + " for "
                        + signal.tableName() + " refused: " + refused.getMessage(), refused);
            } else {
                LOG.info("Slot {}: re-snapshot of {} requested through the signal table", options.slotName(),
                        request.table().id());
            }
        } catch (SQLException e) {
            retrying = TableSnapshot.isTransient(e) && !stopping;
            if (retrying) {
                LOG.warn("Slot {}: snapshot request {} for {}: {}; claimed again in {}", options.slotName(),
                        signal.id(), signal.tableName(), e.getMessage(), delay);
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> submitClaim(signal, TableSnapshot.nextRetryDelay(delay)));
            } else {
                claimFailed(signal, e);
            }
        } catch (RuntimeException | Error e) {
            // an Error too: left to the control thread's uncaught-exception handler, nobody would hear of it
            claimFailed(signal, e);
        } finally {
            if (!retrying) {
                claiming.decrementAndGet();
                completeIfIdle();
            }
        }
    }

    /** The closed connection rolled the delete back. */
    private void claimFailed(SignalTable.Signal signal, Throwable e) {
        listener.failed("Slot " + options.slotName() + ": snapshot request " + signal.id() + " for "
                + signal.tableName() + " failed: " + e.getMessage() + "; its row stays in the signal table and"
                + " is taken again when the consumer next starts", e);
    }

    /**
     * Snapshots a table, or restarts its running snapshot. A request's progress is saved under the lock that
     * {@link #ended} takes: while the table is active, its chunks' progress no longer overwrites it
     * ({@link TableSnapshot#requestRestart}) and it starts over; otherwise a new snapshot continues from it. Saved
     * before taking the lock, the table could finish in between, its done progress replacing the request, and the
     * new snapshot would find nothing to read.
     *
     * @param request the progress to start from, saved first; null to continue from the saved progress
     */
    private void schedule(TableLayout table, TableProgress request) throws SQLException {
        TableSnapshot snapshot;
        synchronized (this) {
            TableSnapshot running = active.get(table.id());
            if (running != null) {
                running.requestRestart(request);
                return;
            }
            if (request != null) {
                store.save(table.id(), request);
            }
            snapshot = new TableSnapshot(context, table);
            active.put(table.id(), snapshot);
        }
        failed.remove(table.id());
        workers.execute(() -> plan(snapshot));
    }

    /**
     * Worker: splits the table into ranges and queues them behind the ranges already queued, so the workers read
     * tables in the order planned and a worker whose range ended takes the next range of any table.
     */
    private void plan(TableSnapshot snapshot) {
        List<Integer> ranges;
        try {
            ranges = snapshot.plan(options.parallelism());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forget(snapshot);
            completeIfIdle();
            return;
        } catch (SQLException | RuntimeException | Error e) {
            ended(snapshot, e); // an Error too: a table never ended would keep the snapshot from completing
            return;
        }
        if (ranges.isEmpty()) {
            ended(snapshot, null);
            return;
        }
        for (int range : ranges) {
            workers.execute(() -> {
                if (snapshot.runRange(range)) {
                    ended(snapshot, snapshot.failure());
                }
            });
        }
    }

    /** Every range of a table's plan ended: it is done, stopped, failed, or starts over as asked meanwhile. */
    private void ended(TableSnapshot snapshot, Throwable failure) {
        synchronized (this) {
            // a re-snapshot asked for after the last chunk was read is not lost; its progress is saved already
            if (failure == null && snapshot.takeRestart() && !stopping) {
                workers.execute(() -> plan(snapshot));
                return;
            }
            forget(snapshot);
        }
        if (failure != null) {
            failed.add(snapshot.table());
            // an Error such as StackOverflowError has no message: its class says what happened
            String cause = failure.getMessage() != null ? failure.getMessage() : failure.toString();
            listener.failed("Slot " + options.slotName() + ": snapshot of " + snapshot.table() + " failed: " + cause,
                    failure);
        }
        completeIfIdle();
    }

    private synchronized void forget(TableSnapshot snapshot) {
        active.remove(snapshot.table());
        finished.put(snapshot.table(), snapshot.progress());
    }

    /**
     * Where each table snapshotted since start stands, by name: those running or waiting for a worker, then the
     * last state of those that finished, failed or stopped.
     */
    public List<SnapshotProgress> progress() {
        Map<TableName, SnapshotProgress> all = new TreeMap<>(Comparator.comparing(TableName::toString));
        all.putAll(finished);
        synchronized (this) {
            active.forEach((table, snapshot) -> all.put(table, snapshot.progress()));
        }
        return List.copyOf(all.values());
    }

    private void completeIfIdle() {
        if (started && !stopping && phase() == SnapshotPhase.COMPLETED) {
            listener.completed();
        }
    }

    /** Chunks read and not yet completed, over all readers: what the snapshot holds in memory. */
    public int chunksHeld() {
        return readAhead.held();
    }

    /** For health checks. */
    public SnapshotPhase phase() {
        if (!started) {
            return SnapshotPhase.PENDING;
        }
        synchronized (this) {
            if (!active.isEmpty() || claiming.get() > 0) {
                return SnapshotPhase.RUNNING;
            }
        }
        return failed.isEmpty() ? SnapshotPhase.COMPLETED : SnapshotPhase.FAILED;
    }

    /** Stops snapshotting; chunks not completed are read again on the next start. */
    public void stop() {
        stopping = true;
    }
}
