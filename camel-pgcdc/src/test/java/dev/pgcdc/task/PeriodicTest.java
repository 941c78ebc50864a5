package dev.pgcdc.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.security.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guarded task on a real scheduled executor, which drops a periodic task for good once a run threw: the task goes
 * on after runs that throw anything, each distinct failure in a row is warned about once, and a run that succeeds
 * ends the row, so the same failure later is warned about again.
 */
class PeriodicTest {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicTest.class);

    /** What the runs do, in turn; every run after the last succeeds. */
    private static final List<Throwable> RUNS = List.of(
            new IllegalStateException("bug one"), new IllegalStateException("bug one"),
            new SQLException("server gone"), new SQLException("server gone"),
            new StackOverflowError("bug two"), new StackOverflowError("bug two"));

    @Test
    void aTaskGoesOnAfterRunsThatThrowAndWarnsOncePerDistinctFailure() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (LogCapture log = new LogCapture()) {
            timer.scheduleWithFixedDelay(Periodic.guard(LOG, "Slot s1: unit task", () -> {
                int run = runs.getAndIncrement();
                if (run < RUNS.size()) {
                    raise(RUNS.get(run));
                }
                if (run == RUNS.size() + 1) {
                    raise(RUNS.get(0)); // after a success: warned about again
                }
            }), 0, 5, TimeUnit.MILLISECONDS);

            Await.until("runs after the failures", Duration.ofSeconds(10), () -> runs.get() >= RUNS.size() + 4);
            List<String> warnings = log.text().lines().filter(line -> line.startsWith("WARN")).toList();
            assertThat(warnings).as("each failure in a row once, the first again after a success").containsExactly(
                    warning("java.lang.IllegalStateException: bug one"),
                    warning("java.sql.SQLException: server gone"),
                    warning("java.lang.StackOverflowError: bug two"),
                    warning("java.lang.IllegalStateException: bug one"));
            assertThat(log.text()).as("where a fault of ours happened; a server's failure says enough")
                    .contains("at dev.pgcdc.task.PeriodicTest").doesNotContain("SQLException: server gone\n\tat");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void anInterruptedRunIsAStopNotAFailure() throws Exception {
        List<Periodic.Task> interrupted = List.of(
                () -> {
                    throw new InterruptedException("sleep interrupted");
                },
                () -> {
                    // as a JDBC call that an interrupt cut short
                    Thread.currentThread().interrupt();
                    throw new SQLException("An I/O error occurred while sending to the backend.");
                });
        try (LogCapture log = new LogCapture()) {
            for (Periodic.Task task : interrupted) {
                Periodic.guard(LOG, "Slot s1: unit task", task).run();
                assertThat(Thread.interrupted()).as("the interrupt kept for whoever runs the task").isTrue();
            }
            assertThat(log.text().lines().filter(line -> line.startsWith("WARN"))).isEmpty();
        }
    }

    private static void raise(Throwable failure) throws Exception {
        if (failure instanceof Error error) {
            throw error;
        }
        throw (Exception) failure;
    }

    private static String warning(String failure) {
        return "WARN " + PeriodicTest.class.getName() + ": Slot s1: unit task failed (" + failure
                + "); it runs again at its next turn";
    }
}
