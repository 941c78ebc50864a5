package dev.pgcdc;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.stream.AckListener;
import dev.pgcdc.stream.ChangeSink;
import dev.pgcdc.stream.Delivery;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.Synchronization;

/**
 * Hands changes to the route on a thread of its own, in arrival (commit) order, so that a slow or blocking route
 * never stalls the replication thread, which must keep answering the server. The queue needs no bound of its own:
 * the acknowledgement tracker lets at most {@code maxInflight} changes be outstanding.
 */
final class ExchangeDispatcher implements ChangeSink, Runnable {

    private final PgCdcConsumer consumer;
    private final PgCdcConfiguration configuration;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    /** Bumped by {@link #discardPending()}: queued changes of an older generation are dropped, not delivered. */
    private long generation;
    private int outstanding;
    private volatile boolean running = true;

    private record Pending(ChangeRecord record, Delivery delivery, long seq, AckListener listener,
                           long generation) {
    }

    ExchangeDispatcher(PgCdcConsumer consumer, PgCdcConfiguration configuration) {
        this.consumer = consumer;
        this.configuration = configuration;
    }

    @Override
    public void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener) {
        long current;
        synchronized (lock) {
            current = generation;
        }
        queue.add(new Pending(record, delivery, seq, listener, current));
    }

    @Override
    public void discardPending() {
        synchronized (lock) {
            generation++;
            queue.clear();
        }
    }

    @Override
    public boolean awaitOutstanding(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            Pending pending;
            try {
                pending = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (pending != null && admit(pending)) {
                dispatch(pending);
            }
        }
    }

    private boolean admit(Pending pending) {
        synchronized (lock) {
            if (pending.generation != generation) {
                return false;
            }
            outstanding++;
            return true;
        }
    }

    private void finished() {
        synchronized (lock) {
            outstanding--;
            lock.notifyAll();
        }
    }

    private void dispatch(Pending pending) {
        Exchange exchange = consumer.createExchange(false);
        ChangeRecord record = pending.record;
        Message message = exchange.getIn();
        message.setBody(configuration.getOutputFormat() == OutputFormat.DEBEZIUM
                ? DebeziumEnvelope.of(record, configuration.getSlotName(), configuration.getDatabase())
                : record);
        message.setHeader(PgCdcConstants.OPERATION, record.getOp().code());
        message.setHeader(PgCdcConstants.LSN, record.getLsn().toString());
        message.setHeader(PgCdcConstants.POSITION, pending.delivery.position());
        message.setHeader(PgCdcConstants.LAST_IN_TRANSACTION, pending.delivery.lastInTransaction());
        if (record.getCommitLsn() != null) { // null only for a non-transactional message
            message.setHeader(PgCdcConstants.COMMIT_LSN, record.getCommitLsn().toString());
            message.setHeader(PgCdcConstants.TX_ID, record.getTxId());
            message.setHeader(PgCdcConstants.COMMIT_TIMESTAMP, record.getCommitTimestamp());
        }
        if (record instanceof ChangeEvent event) {
            message.setHeader(PgCdcConstants.SCHEMA, event.getSchema());
            message.setHeader(PgCdcConstants.TABLE, event.getTable());
            message.setHeader(PgCdcConstants.KEY, event.getKey());
            message.setHeader(PgCdcConstants.SNAPSHOT, event.isSnapshot());
            if (pending.delivery.schemaChanged()) {
                message.setHeader(PgCdcConstants.SCHEMA_CHANGED, true);
            }
        } else {
            message.setHeader(PgCdcConstants.MESSAGE_PREFIX, ((LogicalMessage) record).getPrefix());
        }
        // A completion hook rather than the process callback: it travels with the exchange through seda and other
        // hand-overs, so the change is acknowledged only when the route has really finished with it.
        exchange.getExchangeExtension().addOnCompletion(new Acknowledge(pending));
        consumer.getAsyncProcessor().process(exchange, doneSync -> { });
    }

    private final class Acknowledge implements Synchronization {

        private final Pending pending;

        Acknowledge(Pending pending) {
            this.pending = pending;
        }

        @Override
        public void onComplete(Exchange exchange) {
            try {
                pending.listener.completed(pending.seq);
            } finally {
                finished();
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            try {
                Throwable cause = exchange.getException();
                // Camel's error handler has logged the failure; the replicator reports where streaming resumes.
                pending.listener.failed(pending.seq, cause);
                // Stop delivering at once: what is queued behind the failure is redelivered after the restart.
                discardPending();
            } finally {
                finished();
            }
        }
    }
}
