package dev.pgcdc.snapshot;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The chunks every reader of a snapshotter holds together: read, and not yet completed, abandoned or given up. Rows
 * held long outlive the young generation and are copied and promoted, GC work per row that grows with the rows held;
 * a bound per reader would multiply it by the readers. A reader takes one permit per chunk before reading it and
 * gives it back when the chunk leaves its pipeline, whatever the outcome.
 *
 * <p>Fair: a reader holding nothing, waiting, goes before a reader that would read further ahead.
 */
final class ReadAhead {

    /** The semaphore's permits when none is taken, which it does not report; fixed, so no second count to keep. */
    private final int bound;
    private final Semaphore permits;

    /** One reader keeps its {@link RangeSnapshot#PIPELINE_DEPTH} chunks; more share that, one chunk each at least. */
    ReadAhead(int readers) {
        this.bound = Math.max(RangeSnapshot.PIPELINE_DEPTH, readers);
        this.permits = new Semaphore(bound, true);
    }

    /** A permit for one more chunk if one frees up within {@code millis} (0: only if free now, and nobody waits). */
    boolean tryTake(long millis) throws InterruptedException {
        return permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    void give() {
        permits.release();
    }

    /** Chunks held now, by all readers. */
    int held() {
        return bound - permits.availablePermits();
    }
}
