package dev.pgcdc.stream;

import java.time.Duration;

/**
 * Bounded exponential backoff: initial, twice that, ... up to max. A session that streamed for at least
 * {@value #HEALTHY_FACTOR} initial delays was healthy, and the next wait starts again at initial: resetting then never
 * makes reconnects more frequent than one per eleven initial delays, while a connection that keeps failing soon after
 * it is made still backs off.
 */
final class Backoff {

    static final int HEALTHY_FACTOR = 10;

    private final long initialMillis;
    private final long maxMillis;
    private int attempts;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    long nextDelayMillis() {
        long delay = initialMillis << Math.min(attempts, 30);
        attempts++;
        return Math.min(delay <= 0 ? maxMillis : delay, maxMillis);
    }

    /** The wait that does not grow, for polling a condition that is not a failure (a slot another process holds). */
    long steadyDelayMillis() {
        attempts = 0;
        return initialMillis;
    }

    /** Starts again at the initial delay when the session that just ended streamed long enough to count as healthy. */
    void sessionEnded(Duration streamed) {
        if (streamed.toMillis() >= HEALTHY_FACTOR * initialMillis) {
            attempts = 0;
        }
    }
}
