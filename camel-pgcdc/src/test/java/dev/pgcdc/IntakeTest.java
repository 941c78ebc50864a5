package dev.pgcdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class IntakeTest {

    private final Intake<Integer> intake = new Intake<>();

    @Test
    void aQuietIntakeHandsAChangeToTheWaitingDispatcherAtOnce() throws Exception {
        CompletableFuture<Integer> taken = pollInBackground();
        intake.add(1);
        assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aBurstIsTakenInOrderThenTheDispatcherWaitsForTheNextChange() throws Exception {
        for (int i = 1; i <= 3; i++) {
            intake.add(i);
        }
        assertThat(intake.dense()).isFalse();
        assertThat(intake.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(intake.dense()).as("two wait behind the first: changes come densely").isTrue();
        assertThat(intake.poll(1, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(intake.poll(1, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(intake.dense()).isTrue();
        // the pause finds nothing, the burst is over: the poll waits its timeout and gives up
        assertThat(intake.poll(20, TimeUnit.MILLISECONDS)).isNull();
        assertThat(intake.dense()).isFalse();
        CompletableFuture<Integer> taken = pollInBackground();
        intake.add(4);
        assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void aChangeAddedAfterABurstReachesTheDispatcherThatPausesThenWaits() throws Exception {
        intake.add(1);
        intake.add(2);
        assertThat(intake.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(intake.poll(1, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(intake.dense()).isTrue();
        CompletableFuture<Integer> taken = pollInBackground(); // pauses first, then waits to be signalled
        intake.add(3);
        assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void drainingTakesEverythingInOrder() {
        for (int i = 1; i <= 5; i++) {
            intake.add(i);
        }
        List<Integer> some = new ArrayList<>();
        assertThat(intake.drainTo(some, 2)).isEqualTo(2);
        List<Integer> rest = new ArrayList<>();
        assertThat(intake.drainTo(rest)).isEqualTo(3);
        assertThat(some).containsExactly(1, 2);
        assertThat(rest).containsExactly(3, 4, 5);
    }

    /** A dispatcher waiting for the next change (one reader at a time, as Intake expects). */
    private CompletableFuture<Integer> pollInBackground() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return intake.poll(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
