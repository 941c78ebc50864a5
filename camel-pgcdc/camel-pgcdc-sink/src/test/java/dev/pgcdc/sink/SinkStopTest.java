package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.it.StartedCamelContext;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stopping a sink whose writer is stuck where aborting its connection cannot reach it. */
class SinkStopTest {

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();

    /**
     * The writer is stuck connecting to a target that accepted the connection but never answers (there is no
     * connection yet for the abort to end), and the stop is interrupted again while it waits for the aborted writer:
     * the stop still ends normally, fails the change queued behind the stuck one and runs every completion, so that
     * neither the consumer's acknowledgement nor Camel's inflight count waits for them. The stuck change fails once
     * its connect returns.
     */
    @Test
    void aStopInterruptedAgainWhileWaitingForTheAbortedWriterStillCompletesWhatIsQueued() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.set(silent.accept());
                } catch (Exception e) {
                    // the test closes the server
                }
            });
            acceptor.start();
            camel.context().getExecutorServiceManager().setShutdownAwaitTermination(100);
            AsyncProducer producer = camel.context().getEndpoint("pgcdc-sink:silent?user=root&jdbcUrl=jdbc:mariadb://"
                    + "127.0.0.1:" + silent.getLocalPort() + "/test?connectTimeout=120000").createAsyncProducer();
            producer.start();
            Exchange held = exchange(1);
            Exchange queued = exchange(2);
            CountDownLatch heldDone = new CountDownLatch(1);
            CountDownLatch queuedDone = new CountDownLatch(1);
            producer.process(held, sync -> heldDone.countDown());
            Await.until("the writer connecting", Duration.ofSeconds(30), () -> accepted.get() != null);
            producer.process(queued, sync -> queuedDone.countDown());

            AtomicReference<Throwable> stopFailure = new AtomicReference<>();
            Thread stopper = new Thread(() -> {
                try {
                    producer.stop();
                } catch (Throwable e) {
                    stopFailure.set(e);
                }
            }, "sink-stopper");
            stopper.start();
            Await.until("the stop waiting for the writer", Duration.ofSeconds(30), () -> Arrays.stream(
                    stopper.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("doStop")
                    && frame.getClassName().equals(PgCdcSinkProducer.class.getName())));
            // Camel's forced shutdown, then a second interrupt (another forced stop) during the wait after the abort
            Await.until("the stop ended, interrupted repeatedly", Duration.ofSeconds(30), () -> {
                stopper.interrupt();
                return !stopper.isAlive();
            });

            assertThat(stopFailure.get()).isNull();
            assertThat(queuedDone.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(queued.getException()).isInstanceOf(SinkException.class).hasMessageContaining("stopped");
            Await.until("the completer thread gone", Duration.ofSeconds(10), () -> Thread.getAllStackTraces()
                    .keySet().stream().noneMatch(t -> t.getName().endsWith("pgcdc-sink-silent-completer")));

            accepted.get().close();
            assertThat(heldDone.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(held.getException()).isInstanceOf(SinkException.class);
        }
    }

    private Exchange exchange(long lsn) {
        Exchange exchange = new DefaultExchange(camel.context());
        exchange.getIn().setBody(new ChangeEvent(Operation.INSERT, "public", "orders", Map.of("id", 1), null,
                Map.of("id", 1), null, Lsn.of(lsn * 8), Lsn.of(lsn * 16), lsn, Instant.EPOCH, false)
                .withPosition(0).markedLast());
        return exchange;
    }
}
