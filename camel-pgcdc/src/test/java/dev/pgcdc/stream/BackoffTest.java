package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void doublesUpToTheMaximum() {
        assertThat(new long[] {backoff.nextDelayMillis(), backoff.nextDelayMillis(), backoff.nextDelayMillis(),
                backoff.nextDelayMillis(), backoff.nextDelayMillis()}).containsExactly(100, 200, 400, 800, 1000);
    }

    @Test
    void startsAgainOnlyAfterASessionThatStreamedTenInitialDelays() {
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        backoff.sessionEnded(Duration.ofMillis(999));
        assertThat(backoff.nextDelayMillis()).isEqualTo(400);
        backoff.sessionEnded(Duration.ofMillis(1000));
        assertThat(backoff.nextDelayMillis()).isEqualTo(100);
    }

    @Test
    void aBusySlotIsPolledAtTheInitialDelay() {
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        assertThat(backoff.steadyDelayMillis()).isEqualTo(100);
        assertThat(backoff.steadyDelayMillis()).isEqualTo(100);
        assertThat(backoff.nextDelayMillis()).isEqualTo(100);
    }
}
