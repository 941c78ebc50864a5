package dev.pgcdc.snapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads one range of a table, chunk by chunk, from its saved progress to its end, on a connection of its own. Each
 * chunk goes through its {@link ChunkWindow}: low watermark, keyset read bounded by the range, high watermark; the
 * stream then emits the chunk at the high watermark. Up to {@link #PIPELINE_DEPTH} chunks are on their way at once
 * (their key ranges are disjoint, so their windows do not interact, and neither do other ranges' windows), each
 * holding a permit of the readers' shared {@link ReadAhead} from before its read until it leaves; a chunk's
 * last key is saved only once every emitted row of it, and of every chunk of the range before it, completed. A table
 * without a key is read one ctid range at a time, and a range is read again (smaller) when the table changed in its
 * window. A chunk whose window was abandoned (the stream session ended) is read again, with the chunks after it.
 */
final class RangeSnapshot {

    private static final long AWAIT_SLICE_MILLIS = 200;
    /**
     * Chunks read ahead of the stream's delivery: while the route takes one chunk's rows, the next ones are read, so
     * neither waits for the other's round trips. All ranges together hold at most the {@link ReadAhead}'s bound.
     */
    static final int PIPELINE_DEPTH = 3;

    private final TableSnapshot owner;
    private final TableSnapshot.Context context;
    private final TableLayout table;
    private final int index;
    /** The high watermark row of the last chunk; deleted together with the next low watermark. */
    private Long previousHigh;
    /**
     * A table without a key: heap blocks per chunk, first those expected to hold {@code chunkSize} rows, then grown
     * toward {@code chunkSize} rows after a chunk completes and halved when one is read again (a shorter read leaves a
     * shorter window for a change to land in).
     */
    private long spanBlocks;

    RangeSnapshot(TableSnapshot owner, int index) {
        this.owner = owner;
        this.context = owner.context();
        this.table = owner.layout();
        this.index = index;
        this.spanBlocks = owner.firstSpan();
    }

    /** @return whether the range was read to its end (false: interrupted) */
    boolean snapshot(Connection connection) throws SQLException, InterruptedException {
        context.reader().prepare(connection);
        RangeProgress progress = owner.range(index);
        // windows read and closed by their high watermark, oldest first, whose rows the stream has yet to deliver
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        List<String> readAfter = progress.after();
        boolean allRead = false;
        try {
            while (!progress.done()) {
                if (owner.interrupted()) {
                    return false;
                }
                // the next chunk is read while the stream still delivers the earlier ones
                // a table without a key reads one chunk at a time: a chunk read again must come before the next
                // a range holding chunks never waits for a permit (its own chunks free them): it awaits its oldest
                if (!allRead && pending.size() < (table.keyless() ? 1 : PIPELINE_DEPTH)
                        && context.readAhead().tryTake(pending.isEmpty() ? AWAIT_SLICE_MILLIS : 0)) {
                    Pending next;
                    try {
                        next = readThroughWindow(connection, readAfter, progress.upTo());
                    } catch (Throwable e) {
                        context.readAhead().give(); // an Error too: a lost permit would stall every reader
                        throw e;
                    }
                    pending.add(next);
                    allRead = next.chunk().last();
                    if (next.chunk().lastKey() != null) {
                        readAfter = next.chunk().lastKey();
                    }
                    continue;
                }
                if (pending.isEmpty() && !allRead) {
                    continue; // no permit came within the wait: look at interruption again
                }
                Pending oldest = pending.remove();
                ChunkWindow.Outcome outcome;
                try {
                    outcome = awaitOutcome(oldest.window());
                    context.tap().unregister(oldest.window());
                } finally {
                    context.readAhead().give();
                }
                if (outcome == null) {
                    return false;
                }
                if (outcome != ChunkWindow.Outcome.COMPLETED) {
                    if (outcome == ChunkWindow.Outcome.CHANGED) {
                        spanBlocks = Math.max(1, spanBlocks / 2);
                        owner.chunkReadAgain();
                    }
                    // the session ended (the later windows went with it) or the chunk changed: read again after
                    // the saved key
                    discard(pending);
                    readAfter = progress.after();
                    allRead = false;
                    continue;
                }
                Chunk chunk = oldest.chunk();
                if (table.keyless()) {
                    long wanted = spanBlocks * context.reader().chunkSize() / Math.max(1, chunk.size());
                    spanBlocks = Math.max(1, Math.min(2 * spanBlocks, wanted));
                }
                owner.chunkDone(index, chunk);
                progress = owner.range(index);
            }
        } finally {
            discard(pending);
            if (previousHigh != null && !connection.isClosed()) {
                context.signals().delete(connection, previousHigh);
                previousHigh = null;
            }
        }
        return true;
    }

    /** A chunk read between its watermarks, waiting for the stream to deliver it. */
    private record Pending(ChunkWindow window, Chunk chunk) {
    }

    /** Low watermark, keyset (or ctid range) read, high watermark; the stream then closes the window on its own. */
    private Pending readThroughWindow(Connection connection, List<String> afterKey, List<String> upTo)
            throws SQLException, InterruptedException {
        ChunkWindow window = new ChunkWindow(context.chunkIds().get(), table);
        context.tap().register(window);
        try {
            SignalTable.LowWatermark low = context.signals().writeLow(connection, table.id(), window.id(),
                    previousHigh);
            previousHigh = null;
            Chunk chunk = table.keyless()
                    ? context.reader().readBlocks(connection, table, BlockCursor.of(afterKey), spanBlocks,
                            upTo == null ? null : Long.valueOf(upTo.get(0)), low.runningTransactions())
                    : context.reader().read(connection, table, afterKey, upTo, low.runningTransactions());
            window.rowsRead(chunk.rows());
            previousHigh = context.signals().writeHigh(connection, table.id(), window.id(), low.id());
            return new Pending(window, chunk);
        } catch (Throwable e) {
            // an Error too: a window left registered opens at its low watermark and, with no high watermark to close
            // it, collects every key its table changes until the session ends
            context.tap().unregister(window);
            throw e;
        }
    }

    /** The window's outcome, or null if the range is interrupted first. */
    private ChunkWindow.Outcome awaitOutcome(ChunkWindow window) throws InterruptedException {
        ChunkWindow.Outcome outcome;
        while ((outcome = window.await(AWAIT_SLICE_MILLIS)) == null) {
            if (owner.interrupted()) {
                return null;
            }
        }
        return outcome;
    }

    /**
     * Forgets windows whose chunks will be read again, and gives their permits back: unregistered, a window's high
     * watermark emits nothing. Rows already emitted from them are delivered twice, which applying in order absorbs.
     */
    private void discard(ArrayDeque<Pending> pending) {
        for (Pending p : pending) {
            context.tap().unregister(p.window());
            context.readAhead().give();
        }
        pending.clear();
    }
}
