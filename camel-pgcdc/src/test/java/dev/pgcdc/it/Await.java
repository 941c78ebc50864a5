package dev.pgcdc.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the only way tests synchronise with the consumer. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for: " + what);
            }
            pause();
        }
    }

    /** Waits until {@code condition} holds, failing with the last observed value. */
    public static <T> T until(String what, Duration timeout, Supplier<T> observed, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = observed.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for: " + what + "; last seen: " + value);
            }
            pause();
            value = observed.get();
        }
        return value;
    }

    private static void pause() {
        try {
            Thread.sleep(20); // polling interval, not synchronisation: the loop re-checks the condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
