package dev.pgcdc.embedded.junit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: how tests synchronise with servers, routes and child processes
 * instead of sleeping. Shared here, beside {@link PostgresExtension}, so every module's tests use one helper.
 */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }

    /** Waits until {@code condition} holds for the observed value and returns it; fails with the last one seen. */
    public static <T> T until(String what, Duration timeout, Supplier<T> observed, Predicate<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = observed.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for: " + what + "; last seen: " + value);
            }
            try {
                Thread.sleep(POLL_MILLIS); // the polling interval: the loop re-checks the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
            value = observed.get();
        }
        return value;
    }
}
