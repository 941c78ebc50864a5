package dev.pgcdc.stream;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.pgcdc.ack.AckTracker;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;

/** Counters and positions of the replication stream, read by metrics and the health check from any thread. */
public final class StreamStats {

    private final LongAdder received = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder statusUpdates = new LongAdder();
    private final Map<String, LongAdder> receivedPerTable = new ConcurrentHashMap<>();
    /** The confirmable position of the sessions that ended; the current one's tracker is read live. */
    private volatile long acknowledgedBefore;
    private volatile long confirmedLsn;
    private volatile Instant lastCommitTimestamp;
    private volatile Instant confirmedAdvancedAt;
    /** The current session's, which alone counts the changes in flight; null between sessions. */
    private volatile AckTracker tracker;
    // the replication thread's cache for tableCounter
    private String lastSchema;
    private String lastTable;
    private LongAdder lastTableCounter;

    /**
     * Called by the replication thread only. The commit timestamp is written only when it changes (once per
     * transaction, not per change): a write per change would bounce the field's cache line to the cores reading it.
     */
    void received(ChangeRecord record) {
        received.increment();
        tableCounter(record).increment();
        Instant commitTimestamp = record.getCommitTimestamp();
        if (commitTimestamp != null && commitTimestamp != lastCommitTimestamp) {
            lastCommitTimestamp = commitTimestamp;
        }
    }

    /**
     * The counter of the record's table (logical messages count under "(messages)"). Changes come in runs of one
     * table whose names are the same String instances (the decoder's relation), so the last counter is reused without
     * building the "schema.table" key.
     */
    private LongAdder tableCounter(ChangeRecord record) {
        if (!(record instanceof ChangeEvent event)) {
            return receivedPerTable.computeIfAbsent("(messages)", t -> new LongAdder());
        }
        if (event.getSchema() != lastSchema || event.getTable() != lastTable) {
            lastSchema = event.getSchema();
            lastTable = event.getTable();
            lastTableCounter = receivedPerTable.computeIfAbsent(lastSchema + "." + lastTable, t -> new LongAdder());
        }
        return lastTableCounter;
    }

    void completed() {
        completed.increment();
    }

    void sessionStarted(AckTracker tracker) {
        this.tracker = tracker;
    }

    /** What was still in flight is delivered again by the next session. */
    void sessionEnded() {
        AckTracker ended = tracker;
        if (ended != null) {
            acknowledgedBefore = Math.max(acknowledgedBefore, ended.confirmable());
        }
        this.tracker = null;
    }

    void statusSent(long confirmedLsn) {
        if (confirmedLsn != this.confirmedLsn) {
            confirmedAdvancedAt = Instant.now();
        }
        this.confirmedLsn = confirmedLsn;
        statusUpdates.increment();
    }

    /** Changes handed to the route since start. */
    public long receivedCount() {
        return received.sum();
    }

    /** Changes whose exchanges completed since start. */
    public long completedCount() {
        return completed.sum();
    }

    /** Changes handed to the route and not yet completed (nor failed): the current session's count. */
    public long inFlight() {
        AckTracker current = tracker;
        return current == null ? 0 : current.outstanding();
    }

    /**
     * Waits until every change the current session registered before {@code seq} has completed (see
     * {@link AckTracker#awaitCompletedBefore}); false after the timeout or between sessions.
     */
    public boolean awaitCompletedBefore(long seq, long timeout, TimeUnit unit) throws InterruptedException {
        AckTracker current = tracker;
        return current != null && current.awaitCompletedBefore(seq, timeout, unit);
    }

    /** Changes handed to the route since start, per {@code schema.table}. */
    public Map<String, Long> receivedPerTable() {
        Map<String, Long> counts = new TreeMap<>();
        receivedPerTable.forEach((table, count) -> counts.put(table, count.sum()));
        return counts;
    }

    /**
     * The newest LSN all of whose changes completed (it may not have been sent to the server yet): the session's
     * tracker's confirmable position, however it moved there (a completion, a commit with nothing in flight, idle
     * WAL), and never behind an earlier session's.
     */
    public long acknowledgedLsn() {
        AckTracker current = tracker;
        long before = acknowledgedBefore;
        return current == null ? before : Math.max(before, current.confirmable());
    }

    /** Status updates sent to the server since start. */
    public long statusUpdateCount() {
        return statusUpdates.sum();
    }

    /** The newest LSN reported to the server as flushed. */
    public long confirmedLsn() {
        return confirmedLsn;
    }

    /**
     * When the position confirmed to the server last moved forward (the last acknowledgement of new changes or idle
     * WAL), or null before the first. A stuck route shows here while status updates go on.
     */
    public Instant confirmedAdvancedAt() {
        return confirmedAdvancedAt;
    }

    /** The commit time of the newest change handed to the route, or null before the first. */
    public Instant lastCommitTimestamp() {
        return lastCommitTimestamp;
    }
}
