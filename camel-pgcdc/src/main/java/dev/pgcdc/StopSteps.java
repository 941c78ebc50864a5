package dev.pgcdc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of a stop one after another whatever an earlier one threw, so that nothing is left running: the
 * first failure is thrown by {@link #end()}, later ones are suppressed into it. An interrupted step keeps the
 * interrupt on the thread (later waits end at once and force what they wait for) and is logged, not thrown.
 */
final class StopSteps {

    private static final Logger LOG = LoggerFactory.getLogger(StopSteps.class);

    private Throwable failure;

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    void run(Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("stop interrupted: the remaining steps do not wait");
        } catch (Exception | Error e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    /** Throws the first failure, if any. */
    void end() throws Exception {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw (Exception) failure;
        }
    }
}
