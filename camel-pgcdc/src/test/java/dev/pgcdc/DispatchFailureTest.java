package dev.pgcdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        failsEachChangeAndGoesOn(new ExchangeDispatcher(consumer, endpoint.getConfiguration(), null, Duration.ZERO));
    }

    @Test
    void aChangeWhoseDispatchThrowsInALaneFailsAndTheLanesGoOn() throws Exception {
        PgCdcEndpoint endpoint = camel.context().getEndpoint(URI, PgCdcEndpoint.class);
        PgCdcConsumer consumer = (PgCdcConsumer) endpoint.createConsumer(new ThrowingProcessor());
        failsEachChangeAndGoesOn(new LaneDispatcher(consumer, endpoint.getConfiguration(), null, 2));
    }

    private static void failsEachChangeAndGoesOn(Dispatcher dispatcher) throws InterruptedException {
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
                dispatcher.deliver(change(seq), new Delivery(seq, false, null, null), seq, outcomes);
                int settled = ++seq;
                Await.until("change " + (seq - 1) + " settled", Duration.ofSeconds(10),
                        () -> outcomes.count() == settled);
            }
            assertThat(outcomes.failures()).hasSize(3).allSatisfy(failure -> assertThat(failure)
                    .hasMessageContaining("could not be handed to the route")
                    .hasRootCauseMessage("processor bug"));
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
        private int count;

        @Override
        public synchronized void completed(long seq) {
            count++;
        }

        @Override
        public synchronized void failed(long seq, Throwable cause) {
            failures.add(cause);
            count++;
        }

        @Override
        public synchronized void discarded(long seq) {
            count++;
        }

        synchronized int count() {
            return count;
        }

        synchronized List<Throwable> failures() {
            return new ArrayList<>(failures);
        }
    }
}
