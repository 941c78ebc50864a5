package dev.pgcdc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.outbox.Outbox;
import dev.pgcdc.stream.AckListener;
import dev.pgcdc.stream.Delivery;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands changes to the route in arrival (commit) order. While the route is quick, the replication thread runs it
 * itself: a hand-over to another thread costs about as much CPU per change as Camel's routing (a wake-up, the change's
 * memory moving to another core), CPU that the walsender on the same machine needs; the session lends its connection
 * to a keep-alive meanwhile. A route that once keeps the replication thread longer than {@code handOffAfter} (a
 * blocking call, a redelivery delay) gets the dispatcher thread from then on, for the consumer's life, so that the
 * replication thread reads on while the route waits. The queue needs no bound of its own: the acknowledgement tracker
 * lets at most {@code maxInflight} changes be outstanding.
 *
 * <p>The dispatcher thread takes queued changes in batches ({@link #BATCH}), so the queue's lock is taken once per
 * batch rather than once per change on the consuming side, and is woken once per burst of changes ({@link Intake}).
 */
final class ExchangeDispatcher implements Dispatcher, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeDispatcher.class);
    private static final int BATCH = 256;

    private final PgCdcConsumer consumer;
    private final PgCdcConfiguration configuration;
    /** The transactional outbox, or null. */
    private final Outbox outbox;
    private final Intake<Pending> queue = new Intake<>();
    private final ArrayDeque<Pending> batch = new ArrayDeque<>(BATCH);
    private final Object lock = new Object();
    /**
     * Bumped by {@link #discardPending()}: queued changes of an older generation are dropped, not delivered. Volatile
     * so that {@link #deliver} reads it without the lock; {@link #next} re-checks it under the lock.
     */
    private volatile long generation;
    private volatile boolean running = true;
    /** How long the route may keep the replication thread with one change before changes are handed over. */
    private final long handOffAfterNanos;
    /** Whether a route left its thread interrupted before: that is said once. */
    private volatile boolean strayInterruptSaid;
    /** Whether changes go to the dispatcher thread; only the replication thread, which delivers, reads and sets it. */
    private boolean handingOver;

    ExchangeDispatcher(PgCdcConsumer consumer, PgCdcConfiguration configuration, Outbox outbox, Duration handOffAfter) {
        this.consumer = consumer;
        this.configuration = configuration;
        this.outbox = outbox;
        this.handOffAfterNanos = handOffAfter.toNanos();
        this.handingOver = handOffAfterNanos == 0;
    }

    @Override
    public void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener) {
        deliver(record, null, delivery, seq, listener);
    }

    /** Delivers a change whose outbox outcome the caller has already worked out (null: not yet). */
    void deliver(ChangeRecord record, Outbox.Outcome outcome, Delivery delivery, long seq, AckListener listener) {
        accept(new Pending(record, outcome, null, delivery, seq, listener, generation));
    }

    @Override
    public void deliverUndecodable(DecodeException failure, Delivery delivery, long seq, AckListener listener) {
        accept(new Pending(null, null, failure, delivery, seq, listener, generation));
    }

    private void accept(Pending pending) {
        if (handingOver) {
            queue.add(pending);
            return;
        }
        long start = System.nanoTime();
        dispatchOrFail(pending);
        long took = System.nanoTime() - start;
        if (took > handOffAfterNanos) {
            handingOver = true;
            LOG.info("The route kept the replication thread {} ms with one change (handOffAfter={} ms): from now on"
                    + " changes are handed to the route on a thread of their own, so that the replication thread reads on"
                    + " while the route waits", TimeUnit.NANOSECONDS.toMillis(took), handOffAfterNanos / 1_000_000);
        }
    }

    @Override
    public void discardPending() {
        List<Pending> dropped = new ArrayList<>();
        synchronized (lock) {
            generation++;
            queue.drainTo(dropped);
            dropped.addAll(batch); // safe from any thread: the dispatcher takes from it only under the lock, in next()
            batch.clear();
        }
        dropped.forEach(Pending::discarded);
    }

    @Override
    public List<Runnable> loops() {
        return List.of(this);
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            Pending pending;
            try {
                pending = next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (pending != null) {
                dispatchOrFail(pending);
            }
        }
    }

    private void dispatchOrFail(Pending pending) {
        try {
            dispatch(pending);
        } catch (Throwable e) {
            // delivery goes on: a change nobody settles would fill the window and stall the stream for good
            pending.undeliverable(e);
            pending.giveBack();
        } finally {
            clearInterruptLeftByRoute();
        }
    }

    /**
     * Route code that ran on this thread (the replication thread or the dispatcher's) may have left it interrupted: it
     * called interrupt(), or a component it used left the flag set. That is no stop, since a stop ends
     * {@link #running} before anyone interrupts our threads; kept, it would end the replication session and its
     * thread's loop, or this dispatcher's loop, and nothing more would be delivered.
     */
    private void clearInterruptLeftByRoute() {
        if (running && Thread.interrupted()) {
            if (!running) {
                Thread.currentThread().interrupt(); // the stop's own, come meanwhile
            } else if (!strayInterruptSaid) {
                strayInterruptSaid = true;
                LOG.warn("The route left thread {} interrupted after a change (it called Thread.interrupt(), or a"
                        + " component it used left the flag set); the flag is cleared, since only a stop of the"
                        + " consumer ends streaming. Said once", Thread.currentThread().getName());
            }
        }
    }

    /**
     * Why a change could not be handed to the route (a fault of ours or of a processor that throws instead of
     * reporting through the exchange): it fails as a route failure does, so the stream resumes from the slot.
     */
    static Throwable undeliverable(ChangeRecord record, long seq, Throwable cause) {
        String at = record == null || record.getLsn() == null ? "" : " at " + record.getLsn();
        return new IllegalStateException("Change " + seq + at + " could not be handed to the route: " + cause, cause);
    }

    /**
     * The next change to dispatch, or null after 100 ms without one. Refills the local batch from the queue when it
     * is empty; a change of an older generation (queued while a discard ran) is discarded too.
     */
    private Pending next() throws InterruptedException {
        while (true) {
            Pending pending;
            boolean current;
            synchronized (lock) {
                pending = batch.poll();
                current = pending != null && pending.generation == generation;
            }
            if (current) {
                return pending;
            }
            if (pending != null) {
                pending.discarded();
                continue;
            }
            Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return null;
            }
            synchronized (lock) {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
            }
        }
    }

    private void dispatch(Pending pending) {
        Outbox.Outcome outcome = pending.outcome != null ? pending.outcome
                : outbox == null || pending.record == null ? Outbox.Outcome.PASS : outbox.route(pending.record);
        if (outcome.ignored()) {
            pending.onComplete(null);
            return;
        }
        Exchange exchange = consumer.createExchange(false);
        pending.exchange = exchange; // at once: whatever throws from here on, the exchange goes back to the factory
        // A completion hook rather than the process callback: it travels with the exchange through seda and other
        // hand-overs, so the change is acknowledged only when the route has really finished with it.
        exchange.getExchangeExtension().addOnCompletion(pending);
        if (pending.undecodable != null) {
            failBridged(pending, pending.undecodable, pending.undecodable.getLsn().toString());
            return;
        }
        ChangeRecord record = pending.record;
        if (outcome.failure() != null) {
            failBridged(pending, outcome.failure(), record.getLsn().toString());
            return;
        }
        OutputFormat format = configuration.getOutputFormat();
        DebeziumEnvelope envelope = format == OutputFormat.NATIVE || outcome.event() != null ? null
                : DebeziumEnvelope.of(record, configuration.getSlotName(), configuration.getDatabase());
        Object body = outcome.event() != null ? outcome.event().payload() : format.body(record, envelope);
        exchange.setIn(new ChangeMessage(exchange, body, record, envelope, pending.delivery, outcome.event()));
        consumer.getAsyncProcessor().process(exchange, pending);
    }

    /**
     * A change that cannot be delivered, as a consumer's bridged error: the route's error handler takes the exchange
     * without running the route (a dead-letter channel completes it and the stream moves on).
     */
    private void failBridged(Pending pending, Exception failure, String lsn) {
        Exchange exchange = pending.exchange;
        exchange.getIn().setBody(failure.getMessage());
        exchange.getIn().setHeader(PgCdcConstants.LSN, lsn);
        exchange.setException(failure);
        exchange.setProperty(ExchangePropertyKey.ERRORHANDLER_BRIDGE, true);
        consumer.getAsyncProcessor().process(exchange, pending);
    }

    /**
     * One queued change; once dispatched, the completion hook of its exchange and the callback that gives the
     * exchange back to the consumer's exchange factory (a pooled one reuses it), with no object of their own. Its
     * listener hears one outcome: a dispatch that threw may have got as far as handing the exchange over.
     */
    private final class Pending implements Synchronization, AsyncCallback {

        private static final VarHandle SETTLED;
        private static final VarHandle EXCHANGE;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                SETTLED = lookup.findVarHandle(Pending.class, "settled", boolean.class);
                EXCHANGE = lookup.findVarHandle(Pending.class, "exchange", Exchange.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ChangeRecord record;
        /** What the outbox makes of the record, when already known; else null. */
        private final Outbox.Outcome outcome;
        /** Set instead of the record for a message that could not be decoded. */
        private final DecodeException undecodable;
        private final Delivery delivery;
        private final long seq;
        private final AckListener listener;
        private final long generation;
        /**
         * Its exchange until given back to the consumer's exchange factory, by whichever thread ends the route or by
         * the dispatcher when the hand-over threw; taken through {@link #EXCHANGE}, so it is given back once.
         */
        private volatile Exchange exchange;
        /** Whether the listener has heard the outcome; set once, through {@link #SETTLED}. */
        @SuppressWarnings("unused")
        private volatile boolean settled;

        Pending(ChangeRecord record, Outbox.Outcome outcome, DecodeException undecodable, Delivery delivery, long seq,
                AckListener listener, long generation) {
            this.record = record;
            this.outcome = outcome;
            this.undecodable = undecodable;
            this.delivery = delivery;
            this.seq = seq;
            this.listener = listener;
            this.generation = generation;
        }

        @Override
        public void onComplete(Exchange exchange) {
            if (settle()) {
                listener.completed(seq);
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            // Camel's error handler has logged the failure; the replicator reports where streaming resumes.
            fail(exchange.getException());
        }

        void undeliverable(Throwable cause) {
            fail(ExchangeDispatcher.undeliverable(record, seq, cause));
        }

        private void fail(Throwable cause) {
            if (settle()) {
                listener.failed(seq, cause);
                // Stop delivering at once: what is queued behind the failure is redelivered after the restart.
                discardPending();
            }
        }

        private boolean settle() {
            return SETTLED.compareAndSet(this, false, true);
        }

        @Override
        public void done(boolean doneSync) {
            giveBack();
        }

        /**
         * Gives the exchange back unless that was done. After a hand-over that threw, the route no longer holds it: a
         * processor that throws is done with the exchange, as Camel's own processors take it (they end the exchange
         * with the exception then); if it called back before throwing, the exchange went back then.
         */
        void giveBack() {
            Exchange taken = (Exchange) EXCHANGE.getAndSet(this, null);
            if (taken != null) {
                consumer.releaseExchange(taken, false);
            }
        }

        void discarded() {
            if (settle()) {
                listener.discarded(seq);
            }
        }
    }
}
