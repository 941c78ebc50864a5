package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.pg.SourceTables;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies submitted changes on a thread of its own, in submission order, many per target transaction, and completes
 * each exchange only after the transaction holding its change committed.
 *
 * <p>Batching. The pgcdc consumer hands exchanges over without waiting for them (up to its {@code maxInflight}), so
 * while one target transaction commits the next changes queue up here. A batch is taken when its changes end at a
 * transaction boundary: the last queued change is marked last in its transaction (header
 * {@code CamelPgCdcLastInTransaction}), or a later change belongs to another transaction (then the complete
 * transactions before it are taken). So a source transaction is committed whole in one target transaction, and a busy
 * stream gets batches of many transactions with no added latency. Two limits bound the wait: {@code batchSize} changes
 * are taken even mid-transaction (the consumer cannot send more than {@code maxInflight} unacknowledged changes, so
 * waiting for the end of a bigger transaction would wait forever), and after {@code batchTimeout} whatever waits is
 * taken (the route may have filtered out the change that marks the end). A transaction split this way is briefly
 * visible half-applied in the target; it is never acknowledged half-applied, because the consumer confirms only
 * transaction ends.
 *
 * <p>Failures. When a batch fails, it is rolled back and applied again one change per transaction, so that exactly
 * the failing change's exchange fails, with the target's error, and the others complete. The route's error handler
 * decides about the failed one; by default the pgcdc consumer stops, and later redelivers the failed change and
 * everything after it, which the target absorbs because applying is idempotent ({@link ChangeApplier}).
 *
 * <p>Completion. Completing an exchange runs the rest of its route and the consumer's acknowledgement on the
 * completing thread (a sixth of the writer's CPU samples in the benchmark's profile, more than binding the
 * statements), during which the target would wait for the next batch. That work is handed
 * to {@code completer} (one thread, so exchanges still complete in order), and the writer goes on with the next
 * batch while the target is busy with it.
 */
final class SinkWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);

    private final String name;
    private final TargetDatabase database;
    private final SinkRules rules;
    private final int batchSize;
    private final long batchTimeoutNanos;
    private final boolean createTables;
    private final Executor completer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /**
     * How many queued changes, from the oldest, make up complete transactions: kept up to date as changes arrive, so
     * that neither the submitting thread nor the writer scans the queue per change.
     */
    private int completeCount;
    private boolean stopping;
    private boolean stopped;
    /** Set by {@link #abort}: what is left fails instead of being applied. */
    private volatile boolean aborted;
    /** The writer's connection, for {@link #abort} from another thread; null while there is none. */
    private volatile Live live;

    // owned by the writer thread
    private Connection connection;
    private StatementBatch batch;
    private ChangeApplier applier;

    private record Live(Connection connection, Dialect dialect) {
    }

    /** A queued change; its source tables, asked only to create a target table, are its exchange's consumer's. */
    private record Pending(Exchange exchange, AsyncCallback callback, ChangeEvent change, Long position, boolean last,
                           long arrivalNanos) implements Supplier<SourceTables> {
        @Override
        public SourceTables get() {
            return sourceTables(exchange);
        }
    }

    SinkWriter(PgCdcSinkConfiguration configuration, TargetDatabase database, SinkRules rules, Executor completer) {
        this.completer = completer;
        this.name = configuration.getName();
        this.database = database;
        this.rules = rules;
        this.batchSize = configuration.getBatchSize();
        this.batchTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(configuration.getBatchTimeout());
        this.createTables = configuration.isCreateTables();
    }

    /** Queues the exchange's change; the callback is called once it is committed or has failed. */
    void submit(Exchange exchange, ChangeEvent change, AsyncCallback callback) {
        Pending pending = new Pending(exchange, callback, change,
                change.getPosition() < 0 ? null : change.getPosition(), change.isLastInTransaction(),
                System.nanoTime());
        lock.lock();
        try {
            if (stopped) {
                exchange.setException(new SinkException("pgcdc-sink:" + name + " is stopped"));
                callback.done(true);
                return;
            }
            Pending previous = queue.peekLast();
            queue.add(pending);
            int complete = completeCount;
            if (previous != null && previous.change.getCommitLsn() != null
                    && !previous.change.getCommitLsn().equals(change.getCommitLsn())) {
                completeCount = queue.size() - 1; // a new transaction: the ones before it are complete
            }
            if (pending.last) {
                completeCount = queue.size();
            }
            // Wake the writer only when it has something new to decide: a first change (its batchTimeout starts), a
            // batch that became ready. Waking it per change costs a thread switch per change and gains nothing.
            if (queue.size() == 1 || completeCount != complete || queue.size() == batchSize) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Applies what is queued, then ends the writer thread. */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the writer that {@link #stop} did not end in time, e.g. blocked on a lock in the target: cancels its
     * statement and aborts its connection, and fails what it holds and what is queued instead of applying it (the
     * consumer redelivers those changes).
     */
    void abort() {
        aborted = true;
        Live current = live;
        if (current == null) {
            return;
        }
        try {
            current.dialect().cancel(current.connection());
        } catch (SQLException e) {
            LOG.debug("pgcdc-sink:{}: cancelling the writer's statement failed: {}", name, e.getMessage());
        }
        try {
            current.connection().abort(Runnable::run);
        } catch (SQLException e) {
            LOG.debug("pgcdc-sink:{}: aborting the writer's connection failed: {}", name, e.getMessage());
        }
    }

    @Override
    public void run() {
        try {
            List<Pending> next;
            while ((next = take()) != null) {
                write(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failQueued();
        } finally {
            disconnect();
        }
    }

    private List<Pending> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (queue.isEmpty()) {
                    if (stopping) {
                        stopped = true;
                        return null;
                    }
                    changed.await();
                    continue;
                }
                long waited = System.nanoTime() - queue.peekFirst().arrivalNanos;
                int ready = readyCount(waited);
                if (ready > 0) {
                    List<Pending> taken = new ArrayList<>(ready);
                    for (int i = 0; i < ready; i++) {
                        taken.add(queue.pollFirst());
                    }
                    completeCount = Math.max(0, completeCount - ready);
                    return taken;
                }
                changed.awaitNanos(batchTimeoutNanos - waited);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many queued changes to apply now: see the class comment. */
    private int readyCount(long oldestWaitedNanos) {
        int size = queue.size();
        if (size >= batchSize) {
            return batchSize;
        }
        if (stopping || oldestWaitedNanos >= batchTimeoutNanos) {
            return size;
        }
        return completeCount;
    }

    /**
     * The source tables of the change's consumer, which its from endpoint answers; fails when the change did not come
     * straight from a pgcdc: consumer (after a hand-over such as seda the from endpoint is the hand-over's).
     */
    private static SourceTables sourceTables(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        SourceTables source = from instanceof SourceTables.Origin origin ? origin.sourceTables() : null;
        if (source == null || !from.getEndpointUri().startsWith("pgcdc:")) {
            throw new SinkException("createTables needs the change to come straight from a pgcdc: consumer in the"
                    + " same route, to read the source's column types, but this exchange came from "
                    + (from == null ? "no endpoint" : URISupport.sanitizeUri(from.getEndpointBaseUri()))
                    + ": route from pgcdc: to pgcdc-sink: directly, or create the target tables yourself");
        }
        return source;
    }

    private void requireNotAborted() {
        if (aborted) {
            throw new SinkException("pgcdc-sink:" + name + " was stopped before the change was applied");
        }
    }

    private void write(List<Pending> items) {
        write(items, true);
    }

    /**
     * Applies the changes in one transaction; on a failure, one by one. A connection found lost (a restarted or
     * terminated target backend) is replaced and the changes applied again on the new one, once per call: replayed
     * on the dead one, the first would fail. A batch that fails on the new connection too is replayed one by one,
     * and each of those calls may again replace a connection lost under it. Applying again is safe, as a redelivery
     * is, even when the lost transaction had committed.
     */
    private void write(List<Pending> items, boolean mayReconnect) {
        try {
            // before connecting too: an abort finds no connection to end while there is none
            requireNotAborted();
            connect();
            requireNotAborted();
            for (Pending pending : items) {
                applier.apply(pending.change, pending.position, pending, batch);
            }
            batch.commit();
            batch.committed();
        } catch (Exception | Error thrown) {
            // an Error fails the changes like an Exception, as Camel's own processors do: left to end this thread, it
            // would leave every change in flight waiting for a writer that is gone
            Exception e = thrown instanceof Exception exception ? exception
                    : SinkException.of("pgcdc-sink:" + name + " failed", thrown);
            if (aborted) {
                disconnect();
                Exception stopped = new SinkException("pgcdc-sink:" + name + " was stopped while the target held"
                        + " the change: " + SinkException.describe(e));
                items.forEach(item -> fail(item, stopped));
                return;
            }
            if (connection != null && mayReconnect && TargetDatabase.lost(connection, e)) {
                LOG.info("pgcdc-sink:{}: the target connection was lost ({}); applying {} change(s) again on a new"
                        + " one", name, SinkException.describe(e), items.size());
                rollback();
                disconnect();
                write(items, false);
                return;
            }
            if (connection == null) {
                // the target cannot be reached: replaying change by change would only try to connect again per change
                items.forEach(item -> fail(item, e));
                return;
            }
            rollback();
            if (items.size() > 1) {
                LOG.debug("pgcdc-sink:{}: a batch of {} changes failed ({}); applying them one by one", name,
                        items.size(), SinkException.describe(e));
                items.forEach(item -> write(List.of(item)));
            } else {
                fail(items.get(0), e);
            }
            return;
        }
        complete(() -> items.forEach(pending -> pending.callback.done(false)));
    }

    private void fail(Pending pending, Exception cause) {
        // not connected: the target database's default schema is not known yet
        SinkRules.TableRule rule = applier != null ? applier.rule(pending.change)
                : rules.rule(pending.change.getSchema(), pending.change.getTable(), null);
        String target = rule.target().toString();
        pending.exchange.setException(SinkException.of("Could not apply " + ChangeApplier.describe(pending.change)
                + " to target table " + target, cause));
        complete(() -> pending.callback.done(false));
    }

    /** Completes exchanges on the completer, after those handed to it before; here when it no longer runs. */
    private void complete(Runnable completion) {
        try {
            completer.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    /** Fails what is queued and refuses what comes: the writer is stopped, or stuck beyond waiting for. */
    void failQueued() {
        lock.lock();
        try {
            stopped = true;
            for (Pending pending : queue) {
                pending.exchange.setException(new SinkException("pgcdc-sink:" + name + " stopped before applying "
                        + ChangeApplier.describe(pending.change)));
                complete(() -> pending.callback.done(false));
            }
            queue.clear();
            completeCount = 0;
        } finally {
            lock.unlock();
        }
    }

    private void connect() throws SQLException {
        if (connection != null) {
            return;
        }
        Connection opened = database.connect();
        try {
            opened.setAutoCommit(false);
            Dialect dialect = Dialect.of(opened);
            dialect.prepare(opened);
            opened.commit();
            SqlBuilder sql = new SqlBuilder(dialect);
            batch = new StatementBatch(opened, dialect, sql);
            applier = new ChangeApplier(dialect, sql, rules, createTables);
            connection = opened;
            live = new Live(opened, dialect);
        } catch (SQLException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Rolls back after a failure; a connection that cannot even do that is dropped and opened again next time. */
    private void rollback() {
        if (connection == null) {
            return;
        }
        applier.forgetTables(); // the failure may be a table a DBA is about to fix
        try {
            batch.discard();
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("pgcdc-sink:{}: rollback failed ({}); reconnecting", name, SinkException.describe(e));
            disconnect();
        }
    }

    private void disconnect() {
        if (connection == null) {
            return;
        }
        live = null;
        batch.close();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("pgcdc-sink:{}: closing the connection failed: {}", name, e.getMessage());
        }
        connection = null;
        batch = null;
        applier = null;
    }
}
