package dev.pgcdc.stream;

import java.time.Duration;

/** Bounded exponential backoff: initial, twice that, ... up to max; reset after a healthy run. */
final class Backoff {

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

    void reset() {
        attempts = 0;
    }
}
