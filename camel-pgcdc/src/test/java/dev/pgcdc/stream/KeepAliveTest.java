package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.pg.Catalog;
import dev.pgcdc.security.LogCapture;
import dev.pgcdc.task.Periodic;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive, scheduled as the consumer schedules it (through {@link Periodic#guard}), while the route holds the
 * session's thread: a scheduled executor never runs a periodic task again once a run threw, so a run that fails (here
 * with an Error, which nothing of the server's making can inject) must not end the keep-alives, or a route blocking
 * later loses its connection to wal_sender_timeout. The failure is said once, not at every run.
 */
class KeepAliveTest {

    private static final Logger LOG = LoggerFactory.getLogger(KeepAliveTest.class);
    private static final int FAILING_RUNS = 3;

    @Test
    void aKeepAliveRunThatThrowsIsWarnedAboutOnceAndTheKeepAlivesGoOn() throws Exception {
        FailingKeepAliveSource source = new FailingKeepAliveSource();
        CountDownLatch inRoute = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamOptions options = new StreamOptions("unit", new PgOutputPlugin(List.of("unit")), 8,
                Duration.ofMillis(40), Duration.ofSeconds(5),
                new DecodingOptions(false, false, true, TableFilter.ALL, ColumnFilter.ALL), 0, 1000);
        ReplicationSession session = new ReplicationSession(source, options, new BlockingSink(inRoute, release), 500,
                new StreamStats(), Catalog.NONE, StreamTap.NONE);
        Thread replication = new Thread(() -> {
            try {
                session.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "keep-alive-test-replication");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (LogCapture log = new LogCapture()) {
            replication.start();
            assertThat(inRoute.await(10, TimeUnit.SECONDS)).as("the route holds the session's thread").isTrue();
            timer.scheduleWithFixedDelay(Periodic.guard(LOG, "keep-alive", session::keepAlive), 10, 10,
                    TimeUnit.MILLISECONDS);

            Await.until("keep-alives sent after the failed runs", Duration.ofSeconds(10),
                    () -> source.keepAlives.get() >= FAILING_RUNS + 2);
            assertThat(log.text().lines().filter(line -> line.startsWith("WARN") && line.contains("keep-alive bug")))
                    .as("the failure, said once").hasSize(1);
        } finally {
            release.countDown();
            session.requestStop();
            replication.join(TimeUnit.SECONDS.toMillis(10));
            timer.shutdownNow();
        }
    }

    /** One non-transactional logical message, then nothing; its first keep-alives throw. */
    private static final class FailingKeepAliveSource implements WalSource {

        final AtomicInteger keepAlives = new AtomicInteger();
        private boolean read;

        @Override
        public ByteBuffer readPending() {
            if (read) {
                return null;
            }
            read = true;
            byte[] prefix = "app\0".getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 1 + 8 + prefix.length + 4 + 1)
                    .put((byte) 'M').put((byte) 0).putLong(1000).put(prefix).putInt(1).put((byte) 'x').flip();
        }

        @Override
        public long messageLsn() {
            return 1000;
        }

        @Override
        public long idlePosition() {
            return 0;
        }

        @Override
        public long report(long confirmable, boolean force) {
            return confirmable;
        }

        @Override
        public long keepAlive(long confirmable) {
            if (keepAlives.incrementAndGet() <= FAILING_RUNS) {
                throw new AssertionError("keep-alive bug");
            }
            return confirmable;
        }

        @Override
        public void requireAlive() {
        }

        @Override
        public boolean finished() {
            return false;
        }
    }

    /** Runs "the route" on the session's thread: it blocks until released, then completes the change. */
    private static final class BlockingSink implements ChangeSink {

        private final CountDownLatch inRoute;
        private final CountDownLatch release;

        BlockingSink(CountDownLatch inRoute, CountDownLatch release) {
            this.inRoute = inRoute;
            this.release = release;
        }

        @Override
        public void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener) {
            inRoute.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.completed(seq);
        }

        @Override
        public void deliverUndecodable(DecodeException failure, Delivery delivery, long seq, AckListener listener) {
            listener.completed(seq);
        }

        @Override
        public void discardPending() {
        }
    }
}
