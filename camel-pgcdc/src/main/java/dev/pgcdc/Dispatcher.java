package dev.pgcdc;

import java.util.List;

import dev.pgcdc.stream.ChangeSink;

/** Hands changes to the route on threads of its own: one ({@link ExchangeDispatcher}) or several ({@link LaneDispatcher}). */
interface Dispatcher extends ChangeSink {

    /** The loops to run, each on a thread of its own, until {@link #stop()}. */
    List<Runnable> loops();

    void stop();
}
