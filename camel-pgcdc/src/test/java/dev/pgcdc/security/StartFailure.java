package dev.pgcdc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/** What a consumer that must not start reported, and how long it took to say so. */
record StartFailure(String text, Duration took) {

    interface Start {
        void run() throws Exception;
    }

    /** Runs {@code start}, which must fail; {@link #text()} is the whole exception chain with stack traces. */
    static StartFailure of(Start start) {
        long begin = System.nanoTime();
        try {
            start.run();
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return new StartFailure(trace.toString(), Duration.ofNanos(System.nanoTime() - begin));
        }
        return fail("the consumer started, but it should have failed");
    }

    StartFailure tookAtMost(Duration limit) {
        assertThat(took).as("time to fail").isLessThanOrEqualTo(limit);
        return this;
    }
}
