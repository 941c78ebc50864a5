package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.pgcdc.connect.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots one table, chunk by chunk, from the saved progress to the end, on a connection of its own. Each chunk
 * goes through its {@link ChunkWindow}: low watermark, keyset read, high watermark; the stream then emits the chunk
 * at the high watermark. Up to {@link #PIPELINE_DEPTH} chunks are on their way at once (their key ranges are
 * disjoint, so their windows do not interact); a chunk's last key is saved only once every emitted row of it, and of
 * every chunk before it, completed. A table without a key is read one ctid range at a time, and a range is read
 * again (smaller) when the table changed in its window. A chunk whose window was abandoned (the stream session ended) is read again,
 * with the chunks after it; a lost connection is retried from the saved progress.
 */
final class TableSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(TableSnapshot.class);
    private static final long AWAIT_SLICE_MILLIS = 200;
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    /**
     * Chunks read ahead of the stream's delivery: while the route takes one chunk's rows, the next ones are read, so
     * neither waits for the other's round trips. Memory holds up to this many chunks per table.
     */
    static final int PIPELINE_DEPTH = 3;

    /** What every table's snapshot shares. */
    record Context(PgConnector connector, String slotName, ChunkReader reader, SignalTable signals, SnapshotTap tap,
                   SnapshotStateStore store, Supplier<String> chunkIds, BooleanSupplier stopping,
                   Duration retryDelay) {
    }

    private final Context context;
    private final TableLayout table;
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    /** The high watermark row of the last chunk; deleted together with the next low watermark. */
    private Long previousHigh;
    /**
     * A table without a key: heap blocks per chunk, grown toward {@code chunkSize} rows after a chunk completes,
     * halved when one is read again (a shorter read leaves a shorter window for a change to land in).
     */
    private long spanBlocks = 1;
    /** Null until the first read; replaced when the snapshot starts over. */
    private volatile ProgressLog log;

    TableSnapshot(Context context, TableLayout table) {
        this.context = context;
        this.table = table;
    }

    TableName table() {
        return table.id();
    }

    /** Start over from the first key at the next chunk (a re-snapshot was asked for while this one runs). */
    void requestRestart() {
        restartRequested.set(true);
    }

    boolean takeRestart() {
        return restartRequested.getAndSet(false);
    }

    /** Where this table's snapshot stands; any thread. */
    SnapshotProgress progress() {
        ProgressLog current = log;
        return current == null ? ProgressLog.queued(table) : current.progress();
    }

    /**
     * Runs until the table is done or the snapshotter stops.
     *
     * @return whether the table was snapshotted to the end
     * @throws SQLException for a failure that retrying cannot fix (the table was dropped, a permission is missing)
     */
    boolean run() throws SQLException, InterruptedException {
        Duration delay = context.retryDelay();
        while (!context.stopping().getAsBoolean()) {
            try (Connection connection = context.connector().openJdbc(
                    "pgcdc " + context.slotName() + " snapshot " + table.id())) {
                return snapshot(connection);
            } catch (SQLException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                LOG.warn("Snapshot of {}: {}; continuing from the saved position in {}", table.id(), e.getMessage(),
                        delay);
                Thread.sleep(delay.toMillis()); // backoff before retrying a lost connection
                delay = delay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay.multipliedBy(2);
            }
        }
        return false;
    }

    private boolean snapshot(Connection connection) throws SQLException, InterruptedException {
        context.reader().prepare(connection);
        TableProgress progress = context.store().load(table.id());
        if (progress == null) {
            progress = TableProgress.start();
        }
        log = new ProgressLog(table.id(), table.estimatedRows(), progress.rowsDone());
        // windows read and closed by their high watermark, oldest first, whose rows the stream has yet to deliver
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        List<String> readAfter = progress.lastKey();
        boolean allRead = false;
        try {
            while (!progress.done()) {
                if (context.stopping().getAsBoolean()) {
                    return false;
                }
                if (takeRestart()) {
                    discard(pending);
                    progress = TableProgress.start();
                    context.store().save(table.id(), progress);
                    log = new ProgressLog(table.id(), table.estimatedRows(), 0);
                    readAfter = null;
                    allRead = false;
                }
                // the next chunk is read while the stream still delivers the earlier ones
                // a table without a key reads one chunk at a time: a chunk read again must come before the next
                if (!allRead && pending.size() < (table.keyless() ? 1 : PIPELINE_DEPTH)) {
                    Pending next = readThroughWindow(connection, readAfter);
                    pending.add(next);
                    allRead = next.chunk().last();
                    if (next.chunk().lastKey() != null) {
                        readAfter = next.chunk().lastKey();
                    }
                    continue;
                }
                Pending oldest = pending.remove();
                ChunkWindow.Outcome outcome = awaitOutcome(oldest.window());
                context.tap().unregister(oldest.window());
                if (outcome == null) {
                    return false;
                }
                if (outcome != ChunkWindow.Outcome.COMPLETED) {
                    if (outcome == ChunkWindow.Outcome.CHANGED) {
                        spanBlocks = Math.max(1, spanBlocks / 2);
                        log.chunkReadAgain();
                    }
                    // the session ended (the later windows went with it) or the chunk changed: read again after
                    // the saved key
                    discard(pending);
                    readAfter = progress.lastKey();
                    allRead = false;
                    continue;
                }
                Chunk chunk = oldest.chunk();
                boolean last = chunk.last();
                if (table.keyless()) {
                    long wanted = spanBlocks * context.reader().chunkSize() / Math.max(1, chunk.size());
                    spanBlocks = Math.max(1, Math.min(2 * spanBlocks, wanted));
                }
                List<String> lastKey = chunk.lastKey() != null ? chunk.lastKey() : progress.lastKey();
                progress = new TableProgress(last, lastKey, progress.rowsDone() + chunk.size());
                context.store().save(table.id(), progress);
                log.chunkDone(progress.rowsDone());
            }
        } finally {
            discard(pending);
            if (previousHigh != null && !connection.isClosed()) {
                context.signals().delete(connection, previousHigh);
                previousHigh = null;
            }
        }
        log.finished(progress.rowsDone());
        return true;
    }

    /** A chunk read between its watermarks, waiting for the stream to deliver it. */
    private record Pending(ChunkWindow window, Chunk chunk) {
    }

    /** Low watermark, keyset (or ctid range) read, high watermark; the stream then closes the window on its own. */
    private Pending readThroughWindow(Connection connection, List<String> afterKey)
            throws SQLException, InterruptedException {
        ChunkWindow window = new ChunkWindow(context.chunkIds().get(), table);
        context.tap().register(window);
        try {
            SignalTable.LowWatermark low = context.signals().writeLow(connection, table.id(), window.id(),
                    previousHigh);
            previousHigh = null;
            Chunk chunk = table.keyless()
                    ? context.reader().readBlocks(connection, table, afterKey == null ? null : BlockCursor.of(afterKey),
                            spanBlocks, low.runningTransactions())
                    : context.reader().read(connection, table, afterKey, low.runningTransactions());
            window.rowsRead(chunk.rows());
            previousHigh = context.signals().writeHigh(connection, table.id(), window.id(), low.id());
            return new Pending(window, chunk);
        } catch (SQLException | InterruptedException | RuntimeException e) {
            context.tap().unregister(window);
            throw e;
        }
    }

    /** The window's outcome, or null if the snapshotter stops first. */
    private ChunkWindow.Outcome awaitOutcome(ChunkWindow window) throws InterruptedException {
        ChunkWindow.Outcome outcome;
        while ((outcome = window.await(AWAIT_SLICE_MILLIS)) == null) {
            if (context.stopping().getAsBoolean()) {
                return null;
            }
        }
        return outcome;
    }

    /**
     * Forgets windows whose chunks will be read again: unregistered, a window's high watermark emits nothing. Rows
     * already emitted from them are delivered twice, which applying in order absorbs.
     */
    private void discard(ArrayDeque<Pending> pending) {
        for (Pending p : pending) {
            context.tap().unregister(p.window());
        }
        pending.clear();
    }

    /** Lost connections, server shutdowns, conflicts and resource shortages pass; other errors do not. */
    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals("40001") || state.equals("40P01"));
    }
}
