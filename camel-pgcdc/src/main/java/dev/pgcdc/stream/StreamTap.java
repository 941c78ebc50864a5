package dev.pgcdc.stream;

import dev.pgcdc.event.ChangeEvent;

/**
 * Sees every decoded row change on the replication thread before it is delivered, and may add changes at exactly
 * that position of the stream. The snapshot uses it to interleave snapshot rows with streamed changes
 * ({@code dev.pgcdc.snapshot}); a tap must be quick, since it runs on the thread that owns the connection.
 */
public interface StreamTap {

    /** Delivers every change and adds none. */
    StreamTap NONE = (change, emitter) -> true;

    /**
     * @param emitter adds changes right here, before {@code change} (valid only during this call)
     * @return whether {@code change} itself is delivered to the route
     */
    boolean accept(ChangeEvent change, Emitter emitter);

    /** The session ended: changes emitted through it that have not completed by now never will. */
    default void sessionEnded() {
    }

    /** Adds changes at the current position of the stream, inside the current transaction. */
    interface Emitter {

        /**
         * Delivers {@code change} like a streamed one (same acknowledgement: the transaction is confirmed only once
         * it completed); {@code onCompleted} runs when its exchange completed.
         *
         * @return false if the session stopped delivering; the change was not delivered and will not complete
         */
        boolean emit(ChangeEvent change, Runnable onCompleted);
    }
}
