package dev.pgcdc.snapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;

/**
 * One chunk between its watermarks, shared by the table's snapshot worker and the replication thread.
 *
 * <p>The worker registers the window, writes the low watermark, reads the chunk and hands its rows over, then writes
 * the high watermark. The replication thread opens the window when the stream reaches the low watermark, removes
 * from the chunk every key the stream changes while the window is open (those rows' newer state reaches the route
 * through the stream itself), and at the high watermark emits what is left. A row left in the chunk was not changed
 * between the watermarks, so its value at the high watermark is the value read: emitted there, in stream order, it
 * is the truth at that point and every later change of it follows it.
 *
 * <p>The outcome reaches the worker: {@link Outcome#COMPLETED} once every emitted row's exchange completed (only then
 * may its progress be saved), or {@link Outcome#ABANDONED} when the session ended before that, or
 * {@link Outcome#CHANGED} when a table without a key changed in the window (nothing emitted); the worker then
 * reads the chunk again under new watermarks.
 */
final class ChunkWindow {

    /** CHANGED: a table without a key changed in the window; its chunk is read again, as no row can be matched. */
    enum Outcome { COMPLETED, ABANDONED, CHANGED }

    private final String id;
    private final TableLayout table;

    private boolean open;
    private List<Object[]> rows;
    /**
     * Keys the stream changed in the window; their rows are left out at the high watermark. Collected rather than
     * removed from an index of the chunk: changes inside a window are few, rows many.
     */
    private final Set<Object> changedKeys = new HashSet<>();
    /** The table was truncated in the window, or (a table without a key) changed at all. */
    private boolean truncated;
    /** Emitted rows whose exchanges have not completed; counted without the lock, once per row. */
    private final AtomicInteger outstanding = new AtomicInteger(-1);
    private Outcome outcome;

    ChunkWindow(String id, TableLayout table) {
        this.id = id;
        this.table = table;
    }

    String id() {
        return id;
    }

    TableLayout table() {
        return table;
    }

    boolean covers(String schema, String tableName) {
        return table.id().is(schema, tableName);
    }

    /** Replication thread: the low watermark arrived. @return false if the window was abandoned already */
    synchronized boolean open() {
        open = outcome == null;
        return open;
    }

    /** Worker: the chunk was read (between the watermarks). */
    synchronized void rowsRead(List<Object[]> chunkRows) {
        rows = chunkRows;
    }

    /** Replication thread: a change of the table inside the window; its keys leave the chunk. */
    synchronized void changed(ChangeEvent change) {
        if (change.getOp() == Operation.TRUNCATE || table.keyless()) {
            truncated = true;
            return;
        }
        if (change.getAfter() != null) {
            leave(table.keyOf(change.getAfter()));
        }
        if (change.getBefore() != null) {
            leave(table.keyOf(change.getBefore())); // the old key of an update that changed it, or a delete
        }
    }

    private void leave(Object key) {
        if (key != null) {
            changedKeys.add(key);
        }
    }

    /**
     * Replication thread: the high watermark arrived. Takes the rows to emit and expects their completions.
     *
     * @return the rows to emit, in key order, or null when the window cannot be closed (it never opened in this
     *         session or was abandoned); the caller then abandons it
     */
    synchronized List<Object[]> close() {
        if (!open || rows == null || outcome != null) {
            return null;
        }
        open = false;
        if (truncated && table.keyless()) {
            rows = null;
            finish(Outcome.CHANGED);
            return List.of();
        }
        List<Object[]> remaining;
        if (truncated) {
            remaining = List.of();
        } else if (changedKeys.isEmpty()) {
            remaining = rows;
        } else {
            remaining = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                if (!changedKeys.contains(table.rowKey(row))) {
                    remaining.add(row);
                }
            }
        }
        rows = null;
        changedKeys.clear();
        outstanding.set(remaining.size());
        if (remaining.isEmpty()) {
            finish(Outcome.COMPLETED);
        }
        return remaining;
    }

    /** Any thread: one emitted row's exchange completed. */
    void rowCompleted() {
        if (outstanding.decrementAndGet() == 0) {
            synchronized (this) {
                finish(Outcome.COMPLETED);
            }
        }
    }

    /** The session ended or the window cannot be closed: the worker must read the chunk again. */
    synchronized void abandon() {
        open = false;
        rows = null;
        finish(Outcome.ABANDONED);
    }

    private void finish(Outcome result) {
        if (outcome == null) {
            outcome = result;
            notifyAll();
        }
    }

    /** Worker: waits up to {@code millis} for the outcome; null if there is none yet. */
    synchronized Outcome await(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        long left;
        while (outcome == null && (left = deadline - System.currentTimeMillis()) > 0) {
            wait(left);
        }
        return outcome;
    }
}
