package dev.pgcdc.ack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.embedded.junit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AckTrackerTest {

    @Test
    void confirmsATransactionOnlyWhenAllItsChangesAndAllEarlierOnesCompleted() {
        AckTracker tracker = new AckTracker(16, 100);
        long a1 = tracker.register();
        long a2 = tracker.register();
        tracker.commit(200);
        long b1 = tracker.register();
        tracker.commit(300);

        tracker.complete(b1);
        assertThat(tracker.confirmable()).isEqualTo(100);
        tracker.complete(a2);
        assertThat(tracker.confirmable()).isEqualTo(100);
        tracker.complete(a1);
        assertThat(tracker.confirmable()).isEqualTo(300);
    }

    @Test
    void neverConfirmsInsideATransaction() {
        AckTracker tracker = new AckTracker(16, 0);
        long a = tracker.register();
        tracker.complete(a);
        // transaction not committed yet: nothing to confirm, and a keepalive is refused while it is open
        assertThat(tracker.confirmable()).isZero();
        tracker.commit(500);
        assertThat(tracker.confirmable()).isEqualTo(500);
    }

    @Test
    void aChangeThatNeverCompletesHoldsBackEverythingAfterIt() {
        AckTracker tracker = new AckTracker(16, 0);
        long failed = tracker.register();
        tracker.commit(10);
        for (int i = 0; i < 5; i++) {
            long seq = tracker.register();
            tracker.commit(20 + i);
            tracker.complete(seq);
        }
        assertThat(tracker.confirmable()).isZero();
        assertThat(tracker.idle(99)).isFalse();
        assertThat(tracker.inFlight()).isEqualTo(6);
        assertThat(failed).isZero();
    }

    @Test
    void transactionsWithoutDeliveredChangesAreConfirmableOnceEarlierOnesComplete() {
        AckTracker tracker = new AckTracker(4, 0);
        long a = tracker.register();
        tracker.commit(10);
        tracker.commit(20); // all changes filtered out
        assertThat(tracker.confirmable()).isZero();
        tracker.complete(a);
        assertThat(tracker.confirmable()).isEqualTo(20);
        tracker.commit(30);
        assertThat(tracker.confirmable()).isEqualTo(30);
    }

    @Test
    void idlePositionIsTakenOnlyWithNothingInFlightAndNeverMovesBack() {
        AckTracker tracker = new AckTracker(4, 50);
        assertThat(tracker.idle(40)).isTrue();
        assertThat(tracker.confirmable()).isEqualTo(50);
        assertThat(tracker.idle(70)).isTrue();
        assertThat(tracker.confirmable()).isEqualTo(70);
        long seq = tracker.register();
        assertThat(tracker.idle(90)).isFalse();
        tracker.complete(seq);
        tracker.commit(80);
        assertThat(tracker.confirmable()).isEqualTo(80);
    }

    @Test
    void boundsChangesInFlight() throws InterruptedException {
        AckTracker tracker = new AckTracker(2, 0);
        long a = tracker.register();
        tracker.register();
        assertThat(tracker.hasCapacity()).isFalse();
        assertThat(tracker.register(10, TimeUnit.MILLISECONDS)).isEqualTo(-1);
        tracker.complete(a);
        assertThat(tracker.register(10, TimeUnit.MILLISECONDS)).isEqualTo(2);
        assertThatThrownBy(tracker::register).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFullWindowWakesTheWaitingRegistrationOnceAnEighthIsFree() throws Exception {
        AckTracker tracker = new AckTracker(16, 0);
        for (int i = 0; i < 16; i++) {
            tracker.register();
        }
        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return tracker.register(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        tracker.complete(0);
        tracker.complete(1); // 14 in flight: 16 - 16/8, the wake-up point
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(16);
    }

    /**
     * One free place is below the wake-up batch, so nothing wakes the waiter: it must take the place when its wait
     * ends. A run counts only when the place was freed before the waiter's deadline; a test thread descheduled past it
     * tries again rather than failing.
     */
    @Test
    void aRegistrationWaitingForASingleFreePlaceStillGetsItWhenItsWaitEnds() throws Exception {
        long waitMillis = 1000;
        for (int run = 1; run <= 10; run++) {
            AckTracker tracker = new AckTracker(16, 0);
            for (int i = 0; i < 16; i++) {
                tracker.register();
            }
            CompletableFuture<Long> waiting = new CompletableFuture<>();
            long[] waitFrom = new long[1];
            Thread waiter = new Thread(() -> {
                waitFrom[0] = System.nanoTime(); // the deadline is at least this plus the wait
                try {
                    waiting.complete(tracker.register(waitMillis, TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    waiting.completeExceptionally(e);
                }
            });
            waiter.start();
            Await.until("the registration waits for room", Duration.ofSeconds(10),
                    () -> waiter.getState() == Thread.State.TIMED_WAITING);
            tracker.complete(0);
            long freedAt = System.nanoTime();
            long registered = waiting.get(10, TimeUnit.SECONDS);
            waiter.join(); // publishes waitFrom
            if (freedAt - waitFrom[0] < TimeUnit.MILLISECONDS.toNanos(waitMillis)) {
                assertThat(registered).as("the registration, the place freed during its wait").isEqualTo(16);
                return;
            }
        }
        throw new AssertionError("in none of 10 runs was the place freed within the waiter's 1 s wait");
    }

    @Test
    void rejectsUnknownAndDoubleCompletion() {
        AckTracker tracker = new AckTracker(4, 0);
        long a = tracker.register();
        tracker.register();
        tracker.complete(a);
        assertThatThrownBy(() -> tracker.complete(a)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tracker.complete(7)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A registration with room takes no lock while another thread completes changes and frees ring places: across
     * many laps of a small window every sequence number is handed out once, in order, and the last commit is
     * confirmed.
     */
    @Test
    void registrationsWithoutTheLockAndCompletionsOnAnotherThreadKeepTheWindowExact() throws Exception {
        AckTracker tracker = new AckTracker(8, 0);
        int changes = 200_000;
        BlockingQueue<Long> registered = new ArrayBlockingQueue<>(16);
        CompletableFuture<Void> completing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < changes; i++) {
                    tracker.complete(registered.take());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (long expected = 0; expected < changes; expected++) {
            long seq;
            while ((seq = tracker.register(10, TimeUnit.MILLISECONDS)) < 0) {
                assertThat(completing).isNotDone();
            }
            assertThat(seq).isEqualTo(expected);
            if (seq % 3 == 2) {
                tracker.commit(seq + 1);
            }
            registered.put(seq);
        }
        tracker.commit(changes);
        completing.get(30, TimeUnit.SECONDS);
        assertThat(tracker.awaitSettled(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tracker.confirmable()).isEqualTo(changes);
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void randomCompletionOrderConfirmsExactlyTheLongestCompletedPrefix() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int capacity = 64;
            AckTracker tracker = new AckTracker(capacity, 0);
            List<Long> seqs = new ArrayList<>();
            List<long[]> commits = new ArrayList<>(); // [seq count at commit, lsn]
            long lsn = 0;
            while (seqs.size() < capacity) {
                int changes = random.nextInt(4);
                for (int i = 0; i < changes && seqs.size() < capacity; i++) {
                    seqs.add(tracker.register());
                }
                lsn += 1 + random.nextInt(100);
                tracker.commit(lsn);
                commits.add(new long[] {seqs.size(), lsn});
            }
            List<Long> order = new ArrayList<>(seqs);
            Collections.shuffle(order, random);
            boolean[] done = new boolean[seqs.size()];
            for (long seq : order) {
                tracker.complete(seq);
                done[(int) seq] = true;
                int prefix = 0;
                while (prefix < done.length && done[prefix]) {
                    prefix++;
                }
                long expected = 0;
                for (long[] commit : commits) {
                    if (commit[0] <= prefix) {
                        expected = commit[1];
                    }
                }
                assertThat(tracker.confirmable()).isEqualTo(expected);
            }
        }
    }

    @Test
    void outstandingCountsChangesNeitherCompletedNorAbandonedAndAbandonedOnesAreNeverConfirmed() throws Exception {
        AckTracker tracker = new AckTracker(16, 0);
        long failed = tracker.register();
        long dropped = tracker.register();
        long done = tracker.register();
        tracker.commit(10);
        tracker.complete(done);
        assertThat(tracker.outstanding()).isEqualTo(2);
        assertThat(tracker.awaitSettled(10, TimeUnit.MILLISECONDS)).isFalse();

        tracker.abandon(failed);
        tracker.abandon(dropped);

        assertThat(tracker.outstanding()).isZero();
        assertThat(tracker.awaitSettled(10, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(tracker.confirmable()).isZero();
        assertThat(tracker.inFlight()).isEqualTo(3);
    }

    @Test
    void aWaiterForSettlingWakesWhenTheLastOutstandingChangeIsAbandoned() throws Exception {
        AckTracker tracker = new AckTracker(16, 0);
        long first = tracker.register();
        long second = tracker.register();
        tracker.complete(second);
        CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(() -> {
            try {
                return tracker.awaitSettled(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        tracker.abandon(first);
        assertThat(settled.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaiterForTheChangesBeforeASequenceWakesWhenTheyCompletedWhileLaterOnesAreStillOutstanding()
            throws Exception {
        // a full window of 16: completing one change frees less than the refill batch, so only the waiter's own
        // target can wake it before its 30 s timeout
        AckTracker tracker = new AckTracker(16, 0);
        for (int i = 0; i < 16; i++) {
            tracker.register();
        }
        assertThat(tracker.awaitCompletedBefore(1, 10, TimeUnit.MILLISECONDS)).isFalse();
        CompletableFuture<Boolean> before = CompletableFuture.supplyAsync(() -> {
            try {
                return tracker.awaitCompletedBefore(1, 30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        tracker.complete(0);
        assertThat(before.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(tracker.outstanding()).isEqualTo(15);
        tracker.complete(2);
        assertThat(tracker.awaitCompletedBefore(3, 10, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void abandoningAChangeTwiceOrOneCompletedOrNeverRegisteredIsRefusedAndLeavesTheCountsAlone() {
        AckTracker tracker = new AckTracker(16, 0);
        long first = tracker.register();
        long second = tracker.register();
        long third = tracker.register();
        tracker.complete(first);
        tracker.complete(third);
        tracker.abandon(second);

        assertThatThrownBy(() -> tracker.abandon(second))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already abandoned");
        assertThatThrownBy(() -> tracker.abandon(first))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already completed");
        assertThatThrownBy(() -> tracker.abandon(third))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already completed");
        assertThatThrownBy(() -> tracker.abandon(7))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never registered");
        assertThatThrownBy(() -> tracker.complete(second))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after it was abandoned");
        assertThat(tracker.outstanding()).isZero();
    }
}
