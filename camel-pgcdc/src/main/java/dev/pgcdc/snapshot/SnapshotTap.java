package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.event.RowMap;
import dev.pgcdc.stream.StreamTap;

/**
 * The snapshot's view of the stream, on the replication thread: reacts to signals (watermarks open and close
 * {@link ChunkWindow}s, snapshot requests go to the snapshotter), lets open windows see their table's changes, and
 * keeps the signal and state tables' own changes away from the route.
 */
final class SnapshotTap implements StreamTap {

    private final String slotName;
    private final TableName signalTable;
    private final TableName stateTable;
    private final Consumer<SignalTable.Signal> snapshotRequests;
    /** Windows registered by workers, by chunk id; any thread. */
    private final Map<String, ChunkWindow> registered = new ConcurrentHashMap<>();
    /** Windows between their watermarks; replication thread only. */
    private final List<ChunkWindow> open = new ArrayList<>();

    SnapshotTap(String slotName, TableName signalTable, TableName stateTable,
                Consumer<SignalTable.Signal> snapshotRequests) {
        this.slotName = slotName;
        this.signalTable = signalTable;
        this.stateTable = stateTable;
        this.snapshotRequests = snapshotRequests;
    }

    /** Worker: before writing a chunk's low watermark, so the stream finds the window when it gets there. */
    void register(ChunkWindow window) {
        registered.put(window.id(), window);
    }

    void unregister(ChunkWindow window) {
        registered.remove(window.id());
    }

    /** Whether a worker's window for the chunk is registered: it is from before its low watermark until it ends. */
    boolean isRegistered(String chunkId) {
        return registered.containsKey(chunkId);
    }

    @Override
    public boolean accept(ChangeEvent change, Emitter emitter) {
        if (signalTable.is(change.getSchema(), change.getTable())) {
            SignalTable.Signal signal = SignalTable.parse(change);
            if (signal != null && slotName.equals(signal.slotName())) {
                onSignal(signal, change, emitter);
            }
            return false;
        }
        if (stateTable.is(change.getSchema(), change.getTable())) {
            return false;
        }
        for (int i = 0; i < open.size(); i++) {
            ChunkWindow window = open.get(i);
            if (window.covers(change.getSchema(), change.getTable())) {
                window.changed(change);
            }
        }
        return true;
    }

    private void onSignal(SignalTable.Signal signal, ChangeEvent change, Emitter emitter) {
        switch (signal.kind()) {
            case SignalTable.LOW_WATERMARK -> {
                // a window whose worker gave it up between its watermarks gets no high watermark: drop it here, or it
                // would collect its table's changed keys until the session ends
                open.removeIf(window -> !registered.containsKey(window.id()));
                ChunkWindow window = registered.get(signal.data());
                if (window != null && window.open()) {
                    open.add(window);
                }
            }
            case SignalTable.HIGH_WATERMARK -> {
                // by id: a window its worker discarded after the low watermark is no longer registered
                open.removeIf(window -> window.id().equals(signal.data()));
                ChunkWindow window = registered.get(signal.data());
                if (window != null) {
                    emit(window, change, emitter);
                }
            }
            case SignalTable.SNAPSHOT -> snapshotRequests.accept(signal);
            default -> {
                // a kind from a newer version or a typo: not ours to act on
            }
        }
    }

    /** Emits the window's remaining rows at the high watermark's position, as of that transaction. */
    private static void emit(ChunkWindow window, ChangeEvent highWatermark, Emitter emitter) {
        List<Object[]> rows = window.close();
        if (rows == null) {
            window.abandon();
            return;
        }
        TableLayout table = window.table();
        Runnable completed = window::rowCompleted;
        for (Object[] row : rows) {
            ChangeEvent read = new ChangeEvent(Operation.READ, table.id().schema(), table.id().name(),
                    table.keyOf(row), null, new RowMap(table.columns(), row), null,
                    highWatermark.getLsn(), highWatermark.getCommitLsn(), highWatermark.getTxId(),
                    highWatermark.getCommitTimestamp(), true);
            if (!emitter.emit(read, completed)) {
                return; // the session is ending; the window is abandoned with it
            }
        }
    }

    @Override
    public void sessionEnded() {
        open.clear();
        registered.values().forEach(ChunkWindow::abandon);
    }
}
