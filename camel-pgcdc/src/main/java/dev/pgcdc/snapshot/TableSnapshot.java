package dev.pgcdc.snapshot;

import dev.pgcdc.setup.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.pgcdc.connect.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots one table, chunk by chunk, from the saved progress to the end, on a connection of its own. Each chunk
 * goes through its {@link ChunkWindow}: low watermark, keyset read, high watermark, then wait until the stream has
 * emitted the chunk and every emitted row's exchange completed, and only then save the chunk's last key. A chunk
 * whose window was abandoned (the stream session ended) is read again; a lost connection is retried from the saved
 * progress.
 */
final class TableSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(TableSnapshot.class);
    private static final long AWAIT_SLICE_MILLIS = 200;
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

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
        TableProgress progress = context.store().load(table.id());
        if (progress == null) {
            progress = TableProgress.start();
        }
        ProgressLog log = new ProgressLog(table.id(), table.estimatedRows(), progress.rowsDone());
        try {
            while (!progress.done()) {
                if (context.stopping().getAsBoolean()) {
                    return false;
                }
                if (takeRestart()) {
                    progress = TableProgress.start();
                    context.store().save(table.id(), progress);
                }
                Chunk chunk = readThroughWindow(connection, progress.lastKey());
                if (chunk == null) {
                    continue;
                }
                boolean last = chunk.size() < context.reader().chunkSize();
                List<String> lastKey = chunk.lastKey() != null ? chunk.lastKey() : progress.lastKey();
                progress = new TableProgress(last, lastKey, progress.rowsDone() + chunk.size());
                context.store().save(table.id(), progress);
                log.chunkDone(progress.rowsDone());
            }
        } finally {
            if (previousHigh != null && !connection.isClosed()) {
                context.signals().delete(connection, previousHigh);
                previousHigh = null;
            }
        }
        log.finished(progress.rowsDone());
        return true;
    }

    /** One chunk through its window; null if the window was abandoned (or the snapshotter stops). */
    private Chunk readThroughWindow(Connection connection, List<String> afterKey)
            throws SQLException, InterruptedException {
        ChunkWindow window = new ChunkWindow(context.chunkIds().get(), table);
        context.tap().register(window);
        try {
            SignalTable.LowWatermark low = context.signals().writeLow(connection, table.id(), window.id(),
                    previousHigh);
            previousHigh = null;
            Chunk chunk = context.reader().read(connection, table, afterKey, low.runningTransactions());
            window.rowsRead(chunk.rows());
            previousHigh = context.signals().writeHigh(connection, table.id(), window.id(), low.id());
            ChunkWindow.Outcome outcome;
            while ((outcome = window.await(AWAIT_SLICE_MILLIS)) == null) {
                if (context.stopping().getAsBoolean()) {
                    return null;
                }
            }
            return outcome == ChunkWindow.Outcome.COMPLETED ? chunk : null;
        } finally {
            context.tap().unregister(window);
        }
    }

    /** Lost connections, server shutdowns, conflicts and resource shortages pass; other errors do not. */
    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals("40001") || state.equals("40P01"));
    }
}
