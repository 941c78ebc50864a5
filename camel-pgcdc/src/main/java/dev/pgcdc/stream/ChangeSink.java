package dev.pgcdc.stream;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.event.ChangeRecord;

/**
 * Where decoded changes go (the Camel consumer). The sink runs the route on the replication thread (the session then
 * lends its connection to {@link Replicator#keepAlive}, so a route that blocks does not cost it) or queues the change
 * for a thread of its own, and reports the outcome through the {@link AckListener}.
 */
public interface ChangeSink {

    /**
     * Queues a change (or logical decoding message) for delivery; exactly one of the listener's methods is called
     * for it once it is delivered.
     */
    void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener);

    /**
     * Queues, in the place of a change, the reason it could not be decoded: the route gets it as a failed exchange, so
     * its error handler decides (a dead-letter channel completes it and the stream moves on; unhandled, it fails as
     * any route failure does).
     */
    void deliverUndecodable(DecodeException failure, Delivery delivery, long seq, AckListener listener);

    /**
     * Drops changes that were queued but not yet handed to the route (they are not acknowledged either), telling each
     * one's listener {@link AckListener#discarded}.
     */
    void discardPending();
}
