package dev.pgcdc;

import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue from the replication thread to one dispatcher thread. Changes come in bursts (a transaction's, as fast as
 * the session decodes them): a dispatcher waiting to be signalled would be woken for every change or two, and each
 * wake-up costs the adding thread a system call and, on a machine with few cores, preempts the walsender. So while
 * changes come densely (a take found more waiting behind it), an empty queue is looked at again after a short pause
 * instead: meanwhile the replication thread adds without waking anyone, and the next look takes what collected. A
 * pause that finds nothing ends the burst; the dispatcher then waits to be signalled, so a quiet stream still reaches
 * it at once, one wake-up per change.
 *
 * @param <T> what is queued
 */
final class Intake<T> {

    /** Long enough for a burst to fill it (the session itself reads every quarter millisecond while busy). */
    private static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
    /** Whether changes came densely at the last look; only the dispatcher thread reads and writes it. */
    private boolean dense;

    void add(T item) {
        queue.add(item);
    }

    /** The oldest change, waiting up to {@code timeout} for one (after a pause, while changes come densely). */
    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        T next = queue.poll();
        if (next == null && dense) {
            LockSupport.parkNanos(PAUSE_NANOS);
            next = queue.poll();
        }
        if (next == null) {
            dense = false;
            next = queue.poll(timeout, unit);
        }
        if (next != null && !queue.isEmpty()) {
            dense = true;
        }
        return next;
    }

    /** Whether changes came densely at the last look: the next look that finds nothing pauses before it waits. */
    boolean dense() {
        return dense;
    }

    /** Moves up to {@code max} queued changes into {@code target}, oldest first. */
    int drainTo(Collection<? super T> target, int max) {
        return queue.drainTo(target, max);
    }

    /** Moves every queued change into {@code target}, oldest first. */
    int drainTo(Collection<? super T> target) {
        return queue.drainTo(target);
    }
}
