package dev.pgcdc.stream;

/** Told, on any thread, how the exchange carrying a change ended. */
public interface AckListener {

    /** The exchange completed (or its failure was handled by the route): the change may be acknowledged. */
    void completed(long seq);

    /** The exchange failed and nothing handled it: the change must never be acknowledged. */
    void failed(long seq, Throwable cause);

    /** The change was dropped before it reached the route; it is delivered again after the restart. */
    void discarded(long seq);
}
