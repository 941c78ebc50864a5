package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.PgCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots one table: splits what is left of it into ranges ({@link RangeSplit}), which {@link RangeSnapshot}s read
 * at the same time, each on a connection of its own, and keeps the table's progress, saved with every range's own
 * progress after each of its completed chunks. A range's failure stops the table's other ranges; a re-snapshot
 * request stops them too, and the table is planned again from its first key once they all ended.
 */
final class TableSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(TableSnapshot.class);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    /** What every table's snapshot shares. */
    record Context(PgConnector connector, String slotName, ChunkReader reader, SignalTable signals, SnapshotTap tap,
                   SnapshotStateStore store, Supplier<String> chunkIds, BooleanSupplier stopping,
                   Duration retryDelay, ReadAhead readAhead) {
    }

    /** Work on a connection of its own, retried on a new one after a transient failure. */
    interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException, InterruptedException;
    }

    private final Context context;
    private final TableLayout table;
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    /** The ranges of the current plan still running. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile Throwable failure;
    /** Guarded by this. */
    private TableProgress progress;
    /**
     * A table without a key: the heap blocks its ranges read in their first chunk, the blocks expected to hold
     * {@code chunkSize} rows (the table's size over its estimated rows); each range adapts it from there.
     */
    private volatile long firstSpan = 1;
    /** Null until planned; replaced when the snapshot starts over. */
    private volatile ProgressLog log;

    TableSnapshot(Context context, TableLayout table) {
        this.context = context;
        this.table = table;
    }

    TableName table() {
        return table.id();
    }

    TableLayout layout() {
        return table;
    }

    Context context() {
        return context;
    }

    /**
     * Start over from the first key: a re-snapshot was asked for while this one runs. {@code request}, the progress
     * to start from, is saved now and no progress of this run overwrites it, so a consumer restarted before the
     * table starts over still continues the request.
     */
    synchronized void requestRestart(TableProgress request) throws SQLException {
        context.store().save(table.id(), Objects.requireNonNull(request, "request"));
        restartRequested.set(true);
    }

    boolean takeRestart() {
        return restartRequested.getAndSet(false);
    }

    /** Whether the ranges should stop reading: the snapshotter stops, a range failed, or a restart is due. */
    boolean interrupted() {
        return context.stopping().getAsBoolean() || failure != null || restartRequested.get();
    }

    /** Where this table's snapshot stands; any thread. */
    SnapshotProgress progress() {
        ProgressLog current = log;
        return current == null ? ProgressLog.queued(table) : current.progress();
    }

    /**
     * Loads the saved progress and, unless it is split already, splits what is left into up to {@code readers}
     * ranges and saves them.
     *
     * @return the ranges not done yet, by index; each is then run by {@link #runRange}
     */
    List<Integer> plan(int readers) throws SQLException, InterruptedException {
        TableProgress planned = withConnection("plan", connection -> {
            if (table.keyless()) {
                long blocks = new PgCatalog(connection).blocks(table.id());
                firstSpan = Math.max(1, blocks * context.reader().chunkSize() / Math.max(1, table.estimatedRows()));
            }
            TableProgress saved = context.store().load(table.id());
            if (saved == null) {
                saved = TableProgress.start();
            }
            if (saved.done() || saved.ranges() != null) {
                return saved;
            }
            int ranges = RangeSplit.rangesFor(table, readers, context.reader().chunkSize());
            List<RangeProgress> split = table.keyless()
                    ? RangeSplit.blocks(connection, table, saved.lastKey() == null ? BlockCursor.horizon(connection)
                            : BlockCursor.of(saved.lastKey()), ranges)
                    : RangeSplit.keys(connection, table, saved.lastKey(), ranges);
            // rows done before the split (a progress saved as one range) stay counted, in the first range
            RangeProgress first = split.get(0);
            split.set(0, new RangeProgress(first.after(), first.upTo(), false, saved.rowsDone()));
            TableProgress result = TableProgress.of(split);
            save(result);
            LOG.info("Snapshot of {}: {} range(s) read at the same time", table.id(), split.size());
            return result;
        });
        if (planned == null) {
            return List.of();
        }
        List<Integer> left = new ArrayList<>();
        synchronized (this) {
            progress = planned;
            log = new ProgressLog(table.id(), table.estimatedRows(), planned.rowsDone());
            List<RangeProgress> ranges = planned.ranges() == null ? List.of() : planned.ranges();
            for (int i = 0; i < ranges.size(); i++) {
                if (!ranges.get(i).done()) {
                    left.add(i);
                }
            }
            if (left.isEmpty()) {
                log.finished(planned.rowsDone());
            }
        }
        running.set(left.size());
        return left;
    }

    long firstSpan() {
        return firstSpan;
    }

    synchronized RangeProgress range(int index) {
        return progress.ranges().get(index);
    }

    /**
     * Reads one range to its end, unless interrupted first; a failure that retrying cannot fix (the table was
     * dropped, a permission is missing) is kept as {@link #failure()} and stops the other ranges.
     *
     * @return whether this was the last range of the plan to end
     */
    boolean runRange(int index) {
        try {
            withConnection("range " + index, new RangeSnapshot(this, index)::snapshot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException | Error e) {
            // an Error (a decoder's StackOverflowError) fails the table too: left to end the worker, the range would
            // never count as ended, and the snapshot would wait for it forever
            failure = e;
        }
        return running.decrementAndGet() == 0;
    }

    /** The failure that stopped a range of this plan, or null. */
    Throwable failure() {
        return failure;
    }

    /** A chunk of range {@code index} completed: saves the table's progress with the range's. */
    synchronized void chunkDone(int index, Chunk chunk) throws SQLException {
        if (restartRequested.get()) {
            return; // the request's progress stays saved: the table starts over
        }
        List<RangeProgress> ranges = new ArrayList<>(progress.ranges());
        ranges.set(index, ranges.get(index).advanced(chunk.lastKey(), chunk.last(), chunk.size()));
        progress = TableProgress.of(ranges);
        context.store().save(table.id(), progress);
        log.chunkDone(progress.rowsDone());
        if (progress.done()) {
            log.finished(progress.rowsDone());
        }
    }

    /** Saves the table's progress unless a restart was requested: the request's progress, saved then, stays. */
    private synchronized void save(TableProgress current) throws SQLException {
        if (!restartRequested.get()) {
            context.store().save(table.id(), current);
        }
    }

    /** A chunk of a table without a key changed in its window and is read again. */
    void chunkReadAgain() {
        log.chunkReadAgain();
    }

    /** Runs {@code work} on a new connection, again on another after a transient failure; null once stopping. */
    private <T> T withConnection(String what, ConnectionWork<T> work) throws SQLException, InterruptedException {
        Duration delay = context.retryDelay();
        while (!interrupted()) {
            try (Connection connection = context.connector().openJdbc(
                    "pgcdc " + context.slotName() + " snapshot " + table.id())) {
                return work.run(connection);
            } catch (SQLException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                LOG.warn("Snapshot of {} ({}): {}; continuing from the saved position in {}", table.id(), what,
                        e.getMessage(), delay);
                Thread.sleep(delay.toMillis()); // backoff before retrying a lost connection
                delay = nextRetryDelay(delay);
            }
        }
        return null;
    }

    /** Lost connections, server shutdowns, conflicts, lock timeouts and resource shortages pass; other errors do not. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals("40001") || state.equals("40P01") || state.equals("55P03"));
    }

    /** The pause after {@code delay} before the next retry: doubled, up to a limit. */
    static Duration nextRetryDelay(Duration delay) {
        Duration next = delay.multipliedBy(2);
        return next.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : next;
    }
}
