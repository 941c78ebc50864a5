package dev.pgcdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.it.StartedCamelContext;
import dev.pgcdc.stream.AckListener;
import dev.pgcdc.stream.Delivery;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change whose hand-over to the route throws (here a consumer's processor that throws instead of reporting through
 * the exchange) fails like a route failure, so the session ends and redelivers; the dispatching thread lives on.
 * Without that the change would never be settled, the window would fill and the stream would stall for good.
 */
class DispatchFailureTest {

    private static final String URI = "pgcdc:dispatch_slot?database=shop";

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();

    @Test
    void aChangeWhoseDispatchThrowsFailsAndTheDispatcherGoesOn() throws Exception {
        PgCdcEndpoint endpoint = camel.context().getEndpoint(URI, PgCdcEndpoint.class);
        PgCdcConsumer consumer = (PgCdcConsumer) endpoint.createConsumer(new ThrowingProcessor());
        failsEachChangeAndGoesOn(new ExchangeDispatcher(consumer, endpoint.getConfiguration(), null, Duration.ZERO),
                DispatchFailureTest::change, "processor bug");
    }

    /** The same with the route run on the delivering thread (handOffAfter not reached). */
    @Test
    void aChangeWhoseDispatchThrowsOnTheDeliveringThreadFailsAndDeliveryGoesOn() throws Exception {
        PgCdcEndpoint endpoint = camel.context().getEndpoint(URI, PgCdcEndpoint.class);
        PgCdcConsumer consumer = (PgCdcConsumer) endpoint.createConsumer(new ThrowingProcessor());
        failsEachChangeAndGoesOn(new ExchangeDispatcher(consumer, endpoint.getConfiguration(), null,
                Duration.ofMinutes(1)), DispatchFailureTest::change, "processor bug");
    }

    @Test
    void aChangeWhoseDispatchThrowsInALaneFailsAndTheLanesGoOn() throws Exception {
        PgCdcEndpoint endpoint = camel.context().getEndpoint(URI, PgCdcEndpoint.class);
        PgCdcConsumer consumer = (PgCdcConsumer) endpoint.createConsumer(new ThrowingProcessor());
        failsEachChangeAndGoesOn(new LaneDispatcher(consumer, endpoint.getConfiguration(), null, 2),
                DispatchFailureTest::change, "processor bug");
    }

    /**
     * A change that the lane dispatcher's own thread cannot place (here its key cannot be hashed into a lane) fails
     * too, before any lane or exchange sees it, and the placing thread goes on.
     */
    @Test
    void aChangeThatCannotBePlacedInALaneFailsAndTheLanesGoOn() throws Exception {
        PgCdcEndpoint endpoint = camel.context().getEndpoint(URI, PgCdcEndpoint.class);
        PgCdcConsumer consumer = (PgCdcConsumer) endpoint.createConsumer(new ThrowingProcessor());
        failsEachChangeAndGoesOn(new LaneDispatcher(consumer, endpoint.getConfiguration(), null, 2),
                DispatchFailureTest::unhashableChange, "hash bug");
    }

    /** Hands over changes made by {@code changes} until three have failed, each for the root cause {@code cause}. */
    private static void failsEachChangeAndGoesOn(Dispatcher dispatcher, IntFunction<ChangeEvent> changes, String cause)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable loop : dispatcher.loops()) {
            Thread thread = new Thread(loop, "dispatch-failure-test");
            thread.start();
            threads.add(thread);
        }
        Outcomes outcomes = new Outcomes();
        try {
            // A failure settles its change, then discards what is queued: a change handed over in between is
            // discarded, as the session delivers nothing after a failure anyway. So changes are handed over until
            // three have failed, each once the one before it has settled.
            int seq = 0;
            while (outcomes.failures().size() < 3 && seq < 20) {
                dispatcher.deliver(changes.apply(seq), new Delivery(seq, false, null, null), seq, outcomes);
                int settled = ++seq;
                Await.until("change " + (seq - 1) + " settled", Duration.ofSeconds(10),
                        () -> outcomes.count() == settled);
            }
            assertThat(outcomes.failures()).hasSize(3).allSatisfy(failure -> assertThat(failure)
                    .hasMessageContaining("could not be handed to the route")
                    .hasRootCauseMessage(cause));
            assertThat(outcomes.perChange()).as("outcomes each change's listener heard").allSatisfy((change, heard) ->
                    assertThat(heard).as("change " + change).isEqualTo(1));
            assertThat(threads).allMatch(Thread::isAlive);
        } finally {
            dispatcher.stop();
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(10).toMillis());
            }
        }
    }

    private static ChangeEvent change(int id) {
        Map<String, Object> row = Map.of("id", id);
        return new ChangeEvent(Operation.INSERT, "public", "t", row, null, row, null, Lsn.of(1000 + id), Lsn.of(2000),
                1, Instant.now(), false);
    }

    /** A change whose key value throws when hashed, as the lane dispatcher does to choose the change's lane. */
    private static ChangeEvent unhashableChange(int id) {
        Map<String, Object> key = Map.of("id", new Object() {
            @Override
            public int hashCode() {
                throw new IllegalStateException("hash bug");
            }
        });
        return new ChangeEvent(Operation.INSERT, "public", "t", key, null, Map.of("id", id), null, Lsn.of(1000 + id),
                Lsn.of(2000), 1, Instant.now(), false);
    }

    /** Breaks the contract of an asynchronous processor: it throws rather than setting the exchange's exception. */
    private static final class ThrowingProcessor extends AsyncProcessorSupport {
        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            throw new IllegalStateException("processor bug");
        }
    }

    /** How each change ended, as the session hears it. */
    private static final class Outcomes implements AckListener {

        private final List<Throwable> failures = new ArrayList<>();
        private final Map<Long, Integer> perChange = new TreeMap<>();
        private int count;

        @Override
        public synchronized void completed(long seq) {
            heard(seq);
        }

        @Override
        public synchronized void failed(long seq, Throwable cause) {
            failures.add(cause);
            heard(seq);
        }

        @Override
        public synchronized void discarded(long seq) {
            heard(seq);
        }

        private void heard(long seq) {
            perChange.merge(seq, 1, Integer::sum);
            count++;
        }

        synchronized Map<Long, Integer> perChange() {
            return new TreeMap<>(perChange);
        }

        synchronized int count() {
            return count;
        }

        synchronized List<Throwable> failures() {
            return new ArrayList<>(failures);
        }
    }
}
