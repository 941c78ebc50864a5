package dev.pgcdc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.Operation;
import dev.pgcdc.outbox.Outbox;
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
 * the bound on changes in flight ({@code maxInflight}, enforced where changes are registered). A barrier waits on the
 * same tracker, the one record of which changes completed: until every change registered before it completed, then
 * until it completed itself. A failed exchange stops every lane from handing out more changes; exchanges already
 * handed out finish.
 *
 * <p>The replication thread never waits here: it queues, and a thread of this dispatcher places queued changes into
 * the lanes (and waits at barriers).
 */
final class LaneDispatcher implements Dispatcher, Runnable {

    /** Its stream's acknowledgement tracker says when a barrier may go. */
    private final PgCdcConsumer consumer;
    private final ExchangeDispatcher[] lanes;
    /** Null without outbox options. */
    private final Outbox outbox;
    private final Intake<Queued> intake = new Intake<>();
    private final Object lock = new Object();
    /**
     * Bumped by {@link #discardPending()}: queued changes of an older generation are dropped. Written under the lock;
     * volatile so that {@link #queue} and the barrier waits read it without.
     */
    private volatile long generation;
    private volatile boolean running = true;

    LaneDispatcher(PgCdcConsumer consumer, PgCdcConfiguration configuration, Outbox outbox, int lanes) {
        this.consumer = consumer;
        this.outbox = outbox;
        this.lanes = new ExchangeDispatcher[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new ExchangeDispatcher(consumer, configuration, outbox, Duration.ZERO);
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
        List<Queued> dropped = new ArrayList<>();
        synchronized (lock) {
            // under the lock, so the placing thread cannot put an older generation's change into a lane after this
            generation++;
            intake.drainTo(dropped);
            for (ExchangeDispatcher lane : lanes) {
                lane.discardPending();
            }
        }
        dropped.forEach(Queued::discarded);
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
    }

    @Override
    public void run() {
        try {
            while (running) {
                Queued queued = intake.poll(100, TimeUnit.MILLISECONDS);
                if (queued == null) {
                    continue;
                }
                boolean barrier;
                Outbox.Outcome outcome = null;
                int lane = 0;
                try {
                    barrier = isBarrier(queued);
                    if (!barrier) {
                        // worked out once here, for the lane and for the lane's dispatcher
                        outcome = outbox == null ? Outbox.Outcome.PASS : outbox.route(queued.record);
                        lane = laneOf((ChangeEvent) queued.record, outcome);
                    }
                } catch (Throwable e) {
                    // the loop goes on: a change nobody settles would fill the window and stall the stream for good
                    new FailureStopsAll(queued.listener).failed(queued.seq,
                            ExchangeDispatcher.undeliverable(queued.record, queued.seq, e));
                    continue;
                }
                if (!barrier) {
                    place(queued, lane, outcome);
                } else if (!awaitCompletedBefore(queued.seq, queued.generation)) {
                    queued.discarded();
                } else if (place(queued, 0, null)) {
                    // nothing after the barrier goes until it completed
                    awaitCompletedBefore(queued.seq + 1, queued.generation);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Puts a change into a lane unless it was discarded meanwhile (then tells its listener); returns whether it went.
     *
     * @param outcome what the outbox makes of the change, or null when the lane is to work it out
     */
    private boolean place(Queued queued, int lane, Outbox.Outcome outcome) {
        synchronized (lock) {
            if (queued.generation == generation) {
                AckListener listener = new FailureStopsAll(queued.listener);
                if (queued.undecodable != null) {
                    lanes[lane].deliverUndecodable(queued.undecodable, queued.delivery, queued.seq, listener);
                } else {
                    lanes[lane].deliver(queued.record, outcome, queued.delivery, queued.seq, listener);
                }
                return true;
            }
        }
        queued.discarded();
        return false;
    }

    /**
     * Waits until every change registered before {@code seq} has completed, as the acknowledgement tracker counts them;
     * false when the changes of that generation were discarded (a failure or the session's end, which abandons changes
     * that then never complete) or we stop.
     */
    private boolean awaitCompletedBefore(long seq, long placedGeneration) throws InterruptedException {
        while (running && generation == placedGeneration) {
            if (consumer.streamStats().awaitCompletedBefore(seq, 100, TimeUnit.MILLISECONDS)) {
                return running && generation == placedGeneration;
            }
        }
        return false;
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
     * The lane of a row: a hash of its table and key values, or for an outbox row of its aggregate (an outbox row's key
     * is its event id, and one aggregate's events must stay in order). Equal keys are equal Java values whether
     * streamed or read by the snapshot (the same decoders make them); byte arrays (bytea keys) are hashed by content.
     */
    private int laneOf(ChangeEvent change, Outbox.Outcome outcome) {
        int hash;
        if (outcome.event() != null) {
            hash = outcome.event().aggregate().hashCode();
        } else {
            hash = 31 * change.getSchema().hashCode() + change.getTable().hashCode();
            for (Object value : change.getKey().values()) {
                hash = 31 * hash + (value instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(value));
            }
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

        void discarded() {
            listener.discarded(seq);
        }
    }

    /** Passes the outcome on; a failure stops every lane, not only the failed change's. */
    private final class FailureStopsAll implements AckListener {

        private final AckListener listener;

        FailureStopsAll(AckListener listener) {
            this.listener = listener;
        }

        @Override
        public void completed(long seq) {
            listener.completed(seq);
        }

        @Override
        public void failed(long seq, Throwable cause) {
            try {
                listener.failed(seq, cause);
            } finally {
                discardPending();
            }
        }

        @Override
        public void discarded(long seq) {
            listener.discarded(seq);
        }
    }
}
