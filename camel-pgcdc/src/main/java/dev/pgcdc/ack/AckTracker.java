package dev.pgcdc.ack;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Decides which LSN may be confirmed to the server, given exchanges that complete in any order.
 *
 * <p>The replication thread {@link #register() registers} every emitted change (it gets a sequence number in
 * arrival order) and {@link #commit(long) records} each transaction's commit end LSN once the transaction's
 * changes are registered. Registrations come from one thread at a time: while the window has room, a registration
 * takes no lock, so the replication thread and the completing threads do not contend for it once per change. Any
 * thread {@link #complete(long) completes} a sequence number when its exchange is done.
 * The confirmable LSN is the end LSN of the newest transaction whose changes, and all earlier ones, have
 * completed; it never moves backwards and never points inside a transaction.
 *
 * <p>At most {@code capacity} changes are in flight, which bounds memory and lets completion be tracked in a
 * ring: completing a change and advancing the watermark is O(1) amortised.
 *
 * <p>A full window is refilled in batches: a waiting {@link #register(long, TimeUnit)} is woken once
 * {@code capacity / 8} places are free again, not at every completion, so that the replication thread and the
 * route do not wake each other once per change. (A waiter also re-checks at its timeout, so a route that completes
 * fewer changes than that still makes progress.)
 */
public final class AckTracker {

    private final boolean[] done;
    /** Abandoned changes by ring place; the window never moves past one, so its place is never reused. */
    private final boolean[] abandoned;
    private final int capacity;
    /** Waiters are woken when at most this many changes are in flight. */
    private final int wakeAtInFlight;
    /**
     * Threads in {@link #register(long, TimeUnit)}, {@link #awaitSettled} or {@link #awaitCompletedBefore}: without
     * any, nobody needs a notify.
     */
    private int waiters;
    /** The lowest sequence number an {@link #awaitCompletedBefore} waits to see reached; none: Long.MAX_VALUE. */
    private long awaitedLowest = Long.MAX_VALUE;
    /** Commit marks not yet confirmable: {@code [sequence that must be reached, end LSN]}. */
    private final ArrayDeque<long[]> pendingCommits = new ArrayDeque<>();

    /** Written only by the registering thread (under the lock when it had to wait); read by completing threads. */
    private volatile long nextSeq;
    /**
     * Lowest sequence number not yet completed; everything below it has completed. Written under the lock; read
     * without it by a registration, which may then reuse the ring places below it (cleared before it moved).
     */
    private volatile long lowestIncomplete;
    private long confirmable;
    private long completedCount;
    private long abandonedCount;

    public AckTracker(int capacity, long initialConfirmed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.done = new boolean[capacity];
        this.abandoned = new boolean[capacity];
        this.wakeAtInFlight = capacity - Math.max(1, capacity / 8);
        this.confirmable = initialConfirmed;
    }

    /**
     * Registers the next change, waiting up to {@code timeout} for room when {@code capacity} changes are in flight.
     *
     * @return its sequence number, or {@code -1} when no room became free in time (the caller should service its
     *         connection and try again)
     */
    public long register(long timeout, TimeUnit unit) throws InterruptedException {
        long seq = nextSeq;
        if (seq - lowestIncomplete < capacity) {
            nextSeq = seq + 1;
            return seq;
        }
        return awaitRoom(timeout, unit);
    }

    private synchronized long awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (nextSeq - lowestIncomplete >= capacity) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            waitNanos(left);
        }
        long seq = nextSeq;
        nextSeq = seq + 1;
        return seq;
    }

    /** Registers the next change without waiting, refused when the window is full (see {@link #hasCapacity()}). */
    public long register() {
        long seq = nextSeq;
        if (seq - lowestIncomplete >= capacity) {
            throw new IllegalStateException("no capacity: " + capacity + " changes in flight");
        }
        nextSeq = seq + 1;
        return seq;
    }

    public boolean hasCapacity() {
        return nextSeq - lowestIncomplete < capacity;
    }

    /**
     * Marks the end of a transaction: once every change registered so far has completed, {@code endLsn} is
     * confirmable.
     */
    public synchronized void commit(long endLsn) {
        if (nextSeq == lowestIncomplete) {
            advanceTo(endLsn);
        } else {
            pendingCommits.addLast(new long[] {nextSeq, endLsn});
        }
    }

    /**
     * Marks a change's exchange as completed (successfully or handled by the route). Any thread.
     *
     * @return the {@link #confirmable()} LSN after it
     */
    public synchronized long complete(long seq) {
        if (seq < lowestIncomplete || seq >= nextSeq) {
            throw new IllegalArgumentException("sequence " + seq + " is not in flight");
        }
        int slot = (int) (seq % capacity);
        if (done[slot]) {
            throw new IllegalArgumentException("sequence " + seq + " completed twice");
        }
        if (abandoned[slot]) {
            throw new IllegalStateException("sequence " + seq + " completed after it was abandoned");
        }
        done[slot] = true;
        completedCount++;
        boolean moved = false;
        while (lowestIncomplete < nextSeq && done[(int) (lowestIncomplete % capacity)]) {
            done[(int) (lowestIncomplete % capacity)] = false;
            lowestIncomplete++;
            moved = true;
        }
        if (moved) {
            while (!pendingCommits.isEmpty() && pendingCommits.peekFirst()[0] <= lowestIncomplete) {
                advanceTo(pendingCommits.pollFirst()[1]);
            }
            if (waiters > 0 && (nextSeq - lowestIncomplete <= wakeAtInFlight || lowestIncomplete >= awaitedLowest)) {
                notifyAll();
                return confirmable;
            }
        }
        wakeIfSettled();
        return confirmable;
    }

    /**
     * Marks a change that will never complete: its exchange failed and nothing handled it, or it was dropped before
     * it reached the route. It no longer counts as {@link #outstanding()}, and nothing from it on is ever confirmed.
     * Any thread. Each change is completed or abandoned once: anything else is a bug in the caller, and counting it
     * would make {@link #outstanding()} lie, so it is refused.
     *
     * @throws IllegalStateException when the change was never registered, or was already completed or abandoned
     */
    public synchronized void abandon(long seq) {
        int slot = (int) (seq % capacity);
        if (seq >= nextSeq || seq < 0) {
            throw new IllegalStateException("cannot abandon sequence " + seq + ": it was never registered (next is "
                    + nextSeq + ")");
        }
        if (seq < lowestIncomplete || done[slot]) {
            throw new IllegalStateException("cannot abandon sequence " + seq + ": it has already completed");
        }
        if (abandoned[slot]) {
            throw new IllegalStateException("cannot abandon sequence " + seq + ": it was already abandoned");
        }
        abandoned[slot] = true;
        abandonedCount++;
        wakeIfSettled();
    }

    private void wakeIfSettled() {
        if (waiters > 0 && outstanding() == 0) {
            notifyAll();
        }
    }

    /**
     * Confirms a position the server reported while nothing is in flight and no transaction is open (a keepalive's
     * WAL end), so that an idle or fully filtered slot does not retain WAL. Ignored when anything is in flight.
     *
     * @return whether the position was taken
     */
    public synchronized boolean idle(long serverLsn) {
        if (nextSeq != lowestIncomplete || !pendingCommits.isEmpty()) {
            return false;
        }
        advanceTo(serverLsn);
        return true;
    }

    private void advanceTo(long lsn) {
        if (lsn > confirmable) {
            confirmable = lsn;
        }
    }

    /** The newest LSN that may be confirmed to the server. */
    public synchronized long confirmable() {
        return confirmable;
    }

    /**
     * The places of the window taken (bounded by {@code capacity}): from the oldest change not completed to the
     * newest registered, including changes after it that completed already.
     */
    public synchronized int inFlight() {
        return (int) (nextSeq - lowestIncomplete);
    }

    /**
     * The changes in flight: registered, and neither completed nor abandoned. The one count of changes the route
     * holds, which metrics, health and shutdown read.
     */
    public synchronized long outstanding() {
        return nextSeq - completedCount - abandonedCount;
    }

    /** Waits until no change is {@link #outstanding()}, at most {@code timeout}; returns whether that happened. */
    public synchronized boolean awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (outstanding() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitNanos(left);
        }
        return true;
    }

    /**
     * Waits until every change registered before {@code seq} has completed, at most {@code timeout}; returns whether
     * that happened. An abandoned change never completes: a caller gives up when the changes are abandoned (it then
     * learns of it through their listeners).
     */
    public synchronized boolean awaitCompletedBefore(long seq, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (lowestIncomplete < seq) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            awaitedLowest = Math.min(awaitedLowest, seq);
            try {
                waitNanos(left);
            } finally {
                awaitedLowest = Long.MAX_VALUE;
            }
        }
        return true;
    }

    private void waitNanos(long nanos) throws InterruptedException {
        waiters++;
        try {
            TimeUnit.NANOSECONDS.timedWait(this, nanos);
        } finally {
            waiters--;
        }
    }
}
