package dev.pgcdc.task;

import java.sql.SQLException;

import org.slf4j.Logger;

/**
 * A periodic task as a scheduler must run it. A {@link java.util.concurrent.ScheduledExecutorService} never runs a
 * periodic task again once a run threw, and keeps what it threw in a future nobody reads: the task would end for the
 * rest of the consumer's life without a word. So every run's failure is caught here; it is warned about once per
 * distinct failure in a row (the next run, an interval later, tries again), and a run that succeeds ends the row.
 *
 * <p>Our tasks hold no row values and no passwords, so their failures may be logged.
 */
public final class Periodic implements Runnable {

    /** One run of a periodic task; what it throws is its failure. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Logger log;
    private final String what;
    private final Task task;
    /** Runs may come from different threads (the scheduler's, a caller refreshing now). */
    private volatile String lastFailure;

    private Periodic(Logger log, String what, Task task) {
        this.log = log;
        this.what = what;
        this.task = task;
    }

    /**
     * @param log  where the task's failures are warned about
     * @param what the task, as the warning names it, e.g. {@code "Slot s1: heartbeat"}
     */
    public static Runnable guard(Logger log, String what, Task task) {
        return new Periodic(log, what, task);
    }

    @Override
    public void run() {
        try {
            task.run();
            lastFailure = null;
        } catch (Throwable e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                // a stop (the scheduler's shutdownNow), not a failure: the interrupt stays for whoever runs the task
                Thread.currentThread().interrupt();
                return;
            }
            // Any Error too, OutOfMemoryError included: rethrown, it would reach no handler and only end the task
            // silently, while the next run may well succeed (memory freed, a fault of one run's data).
            warnOnce(e);
        }
    }

    private void warnOnce(Throwable e) {
        String failure = e.toString();
        if (failure.equals(lastFailure)) {
            return;
        }
        lastFailure = failure;
        String message = "{} failed ({}); it runs again at its next turn";
        if (e instanceof SQLException) {
            log.warn(message, what, failure);
        } else {
            log.warn(message, what, failure, e); // a fault of ours or the driver's: where it happened
        }
    }
}
