package dev.pgcdc.stream;

import java.util.concurrent.atomic.LongAdder;

/** Counters and positions of the replication stream, read by metrics and the health check from any thread. */
public final class StreamStats {

    private final LongAdder received = new LongAdder();
    private volatile long acknowledgedLsn;
    private volatile long confirmedLsn;

    void received() {
        received.increment();
    }

    void acknowledgedUpTo(long lsn) {
        acknowledgedLsn = lsn;
    }

    void confirmed(long lsn) {
        confirmedLsn = lsn;
    }

    /** Changes handed to the route since start. */
    public long receivedCount() {
        return received.sum();
    }

    /** The newest LSN all of whose changes completed (it may not have been sent to the server yet). */
    public long acknowledgedLsn() {
        return acknowledgedLsn;
    }

    /** The newest LSN reported to the server as flushed. */
    public long confirmedLsn() {
        return confirmedLsn;
    }
}
