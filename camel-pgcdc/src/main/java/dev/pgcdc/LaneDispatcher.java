package dev.pgcdc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.Operation;
import dev.pgcdc.pg.SourceTables;
import dev.pgcdc.stream.AckListener;
import dev.pgcdc.stream.Delivery;

/**
 * Parallel delivery ({@code concurrentConsumers} &gt; 1): spreads changes over that many lanes, each an
 * {@link ExchangeDispatcher} with a thread of its own, by a hash of (table, key). A lane hands its changes to the
 * route in arrival (commit) order, so the changes of one row keep their order while rows of other keys overtake them.
 * Snapshot rows travel the stream at their high watermark with the same key values as streamed changes, so they land
 * in the lane of their row too.
 *
 * <p>Some changes cannot be placed by key; they are barriers: everything handed out before has completed when the
 * barrier goes to the route, and nothing after it goes until it completed. Barriers are truncates, logical decoding
 * messages, the first change of a table after its columns changed, undecodable messages, changes whose key is unknown,
 * and updates that changed the row's key: the old key's earlier changes sit in one lane and the new key's later ones
 * in another, so neither key's lane alone keeps both in order.
 *
 * <p>Acknowledgement is unchanged (the tracker confirms whole transactions whatever order they complete in), and so is
 * the bound on changes in flight ({@code maxInflight}, enforced where changes are registered). A failed exchange stops
 * every lane from handing out more changes; exchanges already handed out finish.
 *
 * <p>The replication thread never waits here: it queues, and a thread of this dispatcher places queued changes into
 * the lanes (and waits at barriers).
 */
final class LaneDispatcher implements Dispatcher, Runnable {

    private final ExchangeDispatcher[] lanes;
    private final BlockingQueue<Queued> intake = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    /**
     * Bumped by {@link #discardPending()}: queued changes of an older generation are dropped. Written under the lock;
     * volatile so that {@link #queue} reads it without.
     */
    private volatile long generation;
    /** Changes of the current generation placed into lanes and not yet completed or failed. Guarded by lock. */
    private int inLanes;
    private volatile boolean running = true;

    LaneDispatcher(PgCdcConsumer consumer, PgCdcConfiguration configuration, SourceTables sourceTables, int lanes) {
        this.lanes = new ExchangeDispatcher[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new ExchangeDispatcher(consumer, configuration, sourceTables);
        }
    }

    @Override
    public void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener) {
        queue(new Queued(record, null, delivery, seq, listener));
    }

    @Override
    public void deliverUndecodable(DecodeException failure, Delivery delivery, long seq, AckListener listener) {
        queue(new Queued(null, failure, delivery, seq, listener));
    }

    private void queue(Queued queued) {
        queued.generation = generation;
        intake.add(queued);
    }

    @Override
    public void discardPending() {
        synchronized (lock) {
            // under the lock, so the placing thread cannot put an older generation's change into a lane after this
            generation++;
            inLanes = 0;
            intake.clear();
            for (ExchangeDispatcher lane : lanes) {
                lane.discardPending();
            }
            lock.notifyAll();
        }
    }

    @Override
    public boolean awaitOutstanding(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (ExchangeDispatcher lane : lanes) {
            if (!lane.awaitOutstanding(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Runnable> loops() {
        List<Runnable> loops = new ArrayList<>(lanes.length + 1);
        loops.add(this);
        loops.addAll(Arrays.asList(lanes));
        return loops;
    }

    @Override
    public void stop() {
        running = false;
        for (ExchangeDispatcher lane : lanes) {
            lane.stop();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                Queued queued = intake.poll(100, TimeUnit.MILLISECONDS);
                if (queued == null) {
                    continue;
                }
                if (isBarrier(queued)) {
                    // everything before completes first, and nothing after goes until the barrier completed
                    if (awaitLanesIdle(queued.generation) && place(queued, 0)) {
                        awaitLanesIdle(queued.generation);
                    }
                } else {
                    place(queued, laneOf((ChangeEvent) queued.record));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Puts a change into a lane unless it was discarded meanwhile; returns whether it went. */
    private boolean place(Queued queued, int lane) {
        synchronized (lock) {
            if (queued.generation != generation) {
                return false;
            }
            inLanes++;
            AckListener counted = new Counted(queued.listener, queued.generation);
            if (queued.undecodable != null) {
                lanes[lane].deliverUndecodable(queued.undecodable, queued.delivery, queued.seq, counted);
            } else {
                lanes[lane].deliver(queued.record, queued.delivery, queued.seq, counted);
            }
            return true;
        }
    }

    /** Waits until every change placed into a lane has completed; false if they were discarded or we stop. */
    private boolean awaitLanesIdle(long expectedGeneration) throws InterruptedException {
        synchronized (lock) {
            while (running && generation == expectedGeneration && inLanes > 0) {
                lock.wait(100);
            }
            return running && generation == expectedGeneration;
        }
    }

    private void finished(long placedGeneration) {
        synchronized (lock) {
            if (placedGeneration == generation && --inLanes == 0) {
                lock.notifyAll();
            }
        }
    }

    private static boolean isBarrier(Queued queued) {
        if (queued.undecodable != null || !(queued.record instanceof ChangeEvent change)) {
            return true; // an undecodable message or a logical decoding message
        }
        return change.getOp() == Operation.TRUNCATE || queued.delivery.schemaChanged() || change.getKey() == null
                || keyChanged(change);
    }

    /**
     * Whether an update moved its row to another key: the old image (the old key under REPLICA IDENTITY DEFAULT, the
     * whole old row under FULL) differs from the key in a key column, or lacks one.
     */
    private static boolean keyChanged(ChangeEvent change) {
        Map<String, Object> before = change.getBefore();
        if (change.getOp() != Operation.UPDATE || before == null) {
            return false; // without an old image the server saw no key change
        }
        for (Map.Entry<String, Object> column : change.getKey().entrySet()) {
            if (!before.containsKey(column.getKey())
                    || !Objects.deepEquals(before.get(column.getKey()), column.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lane of a row: a hash of its table and key values. Equal keys are equal Java values whether streamed or read
     * by the snapshot (the same decoders make them); byte arrays (bytea keys) are hashed by content.
     */
    private int laneOf(ChangeEvent change) {
        int hash = 31 * change.getSchema().hashCode() + change.getTable().hashCode();
        for (Object value : change.getKey().values()) {
            hash = 31 * hash + (value instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(value));
        }
        hash ^= hash >>> 16;
        return Math.floorMod(hash, lanes.length);
    }

    /** A change waiting to be placed into a lane. */
    private static final class Queued {

        private final ChangeRecord record;
        private final DecodeException undecodable;
        private final Delivery delivery;
        private final long seq;
        private final AckListener listener;
        private long generation;

        Queued(ChangeRecord record, DecodeException undecodable, Delivery delivery, long seq, AckListener listener) {
            this.record = record;
            this.undecodable = undecodable;
            this.delivery = delivery;
            this.seq = seq;
            this.listener = listener;
        }
    }

    /** Passes the outcome on and counts the change out of the lanes; a failure stops every lane. */
    private final class Counted implements AckListener {

        private final AckListener listener;
        private final long placedGeneration;

        Counted(AckListener listener, long placedGeneration) {
            this.listener = listener;
            this.placedGeneration = placedGeneration;
        }

        @Override
        public void completed(long seq) {
            try {
                listener.completed(seq);
            } finally {
                finished(placedGeneration);
            }
        }

        @Override
        public void failed(long seq, Throwable cause) {
            try {
                listener.failed(seq, cause);
            } finally {
                discardPending();
            }
        }
    }
}
