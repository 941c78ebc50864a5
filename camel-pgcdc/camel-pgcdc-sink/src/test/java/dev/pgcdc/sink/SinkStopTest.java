package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /**
     * A completion that continues the route is still running when the stop, interrupted (Camel's forced shutdown),
     * completes what is left: it is not interrupted, and the completions queued behind it run after it, in order.
     */
    @Test
    void anInterruptedStopLetsTheRunningCompletionEndAndThenRunsTheQueuedOnesInOrder() throws Exception {
        String database = SqlDatabase.mariaDbName("pgcdc_sink_stop");
        SqlDatabase.createMariaDb(database);
        try {
            SqlDatabase.mariaDb(database).execute("CREATE TABLE orders (id INT PRIMARY KEY)");
            AsyncProducer producer = camel.context().getEndpoint("pgcdc-sink:completing?user=root&jdbcUrl="
                    + SqlDatabase.mariaDbUrl(database)).createAsyncProducer();
            producer.start();
            List<String> completed = new CopyOnWriteArrayList<>();
            CountDownLatch firstRunning = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            producer.process(exchange(1), sync -> {
                firstRunning.countDown();
                try {
                    releaseFirst.await();
                    completed.add("1");
                } catch (InterruptedException e) {
                    completed.add("1 interrupted");
                }
            });
            assertThat(firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
            producer.process(exchange(2), sync -> completed.add("2"));
            producer.process(exchange(3), sync -> completed.add("3"));

            Thread stopper = new Thread(() -> {
                try {
                    producer.stop();
                } catch (Throwable e) {
                    completed.add("stop failed: " + e);
                }
            }, "sink-stopper");
            stopper.start();
            Await.until("the stop waiting for the completions", Duration.ofSeconds(30),
                    () -> awaitsTermination(stopper, "doStop"));
            stopper.interrupt();
            Await.until("the stop past the interrupt", Duration.ofSeconds(30),
                    () -> !completed.isEmpty() || awaitsTermination(stopper, "runQueuedCompletions"));
            releaseFirst.countDown();
            stopper.join(TimeUnit.SECONDS.toMillis(30));

            assertThat(stopper.isAlive()).isFalse();
            assertThat(completed).containsExactly("1", "2", "3");
        } finally {
            SqlDatabase.dropMariaDb(database);
        }
    }

    /** Whether {@code thread} waits in an executor's awaitTermination called by the producer's {@code method}. */
    private static boolean awaitsTermination(Thread thread, String method) {
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 0; i + 1 < stack.length; i++) {
            if (stack[i].getMethodName().equals("awaitTermination") && stack[i + 1].getMethodName().equals(method)
                    && stack[i + 1].getClassName().equals(PgCdcSinkProducer.class.getName())) {
                return true;
            }
        }
        return false;
    }

    private Exchange exchange(long lsn) {
        Exchange exchange = new DefaultExchange(camel.context());
        exchange.getIn().setBody(new ChangeEvent(Operation.INSERT, "public", "orders", Map.of("id", 1), null,
                Map.of("id", 1), null, Lsn.of(lsn * 8), Lsn.of(lsn * 16), lsn, Instant.EPOCH, false)
                .withPosition(0).markedLast());
        return exchange;
    }
}
