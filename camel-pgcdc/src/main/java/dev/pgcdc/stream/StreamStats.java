package dev.pgcdc.stream;

import java.util.concurrent.atomic.LongAdder;

/** Counters and positions of the replication stream, read by metrics and the health check from any thread. */
public final class StreamStats {

    private final LongAdder received = new LongAdder();
    private final LongAdder statusUpdates = new LongAdder();
    private volatile long acknowledgedLsn;
    private volatile long confirmedLsn;

    void received() {
        received.increment();
    }

    void acknowledgedUpTo(long lsn) {
        acknowledgedLsn = lsn;
    }

    void statusSent(long confirmedLsn) {
        this.confirmedLsn = confirmedLsn;
        statusUpdates.increment();
    }

    /** Changes handed to the route since start. */
    public long receivedCount() {
        return received.sum();
    }

    /** The newest LSN all of whose changes completed (it may not have been sent to the server yet). */
    public long acknowledgedLsn() {
        return acknowledgedLsn;
    }

    /** Status updates sent to the server since start. */
    public long statusUpdateCount() {
        return statusUpdates.sum();
    }

    /** The newest LSN reported to the server as flushed. */
    public long confirmedLsn() {
        return confirmedLsn;
    }
}
