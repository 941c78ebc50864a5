package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A snapshot reader that meets a RuntimeException or an Error rather than an SQLException (here the snapshot state
 * repository the user configured throws as a chunk's progress is saved): its table fails, and says so (the consumer's
 * snapshot error, phase FAILED); the table's other range stops and every read-ahead permit comes back; the stream goes
 * on; and the next start resumes the table from its saved progress, so no row is lost. A route that throws on a
 * snapshot row is retried as for a streamed change.
 */
class SnapshotFailureTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final int ROWS = 4000;

    /** What the repository throws. */
    enum Failure {
        RUNTIME_EXCEPTION,
        ERROR
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aReaderFailureIsReportedAndTheNextStartResumesFromTheSavedProgress(Failure failure) throws Exception {
        String slot = uniqueSlot("snapshot_failure");
        String table = slot + "_t";
        createTable(table, ROWS);
        FailingRepository repository = new FailingRepository(failure, 6);
        String options = "tables=public." + table + "&snapshotChunkSize=200&snapshotParallelism=2"
                + "&snapshotStateRepository=#progress";

        Received first = new Received();
        CamelContext context = consume(slot, options, repository, first);
        Await.until("the snapshot failed", Duration.ofSeconds(60),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.FAILED);
        assertThat(repository.failures).hasValue(1);
        assertThat(consumer(context).snapshotError()).contains("snapshot of \"public\".\"" + table + "\" failed")
                .contains("progress store bug");
        Await.until("every read-ahead permit back", Duration.ofSeconds(30),
                () -> consumer(context).snapshotChunksHeld() == 0);
        pg().execute("INSERT INTO " + table + " VALUES (" + (ROWS + 1) + ", 1, 'streamed', now())");
        first.awaitMatching("a change streamed after the failure", events -> events.stream()
                .anyMatch(e -> e.getOp() == Operation.INSERT && e.getKey().get("id").equals((long) ROWS + 1)));
        awaitCaughtUp(slot);
        context.stop();

        Received second = new Received();
        CamelContext restarted = consume(slot, options, repository, second);
        Await.until("the snapshot completed after the restart", Duration.ofSeconds(60),
                () -> consumer(restarted).snapshotPhase() == SnapshotPhase.COMPLETED);
        Set<Long> readAgain = reads(second.snapshot());
        assertThat(readAgain).as("rows read after the restart: only what was not saved").isNotEmpty()
                .hasSizeLessThan(ROWS);
        Set<Long> read = new TreeSet<>(reads(first.snapshot()));
        read.addAll(readAgain);
        assertThat(read).as("rows read by the two runs").containsAll(
                LongStream.rangeClosed(1, ROWS).boxed().collect(Collectors.toList()));
    }

    /**
     * A route that throws on a snapshot row (nothing handles it) fails that exchange like a streamed change's: the
     * session ends, the chunks in flight are read again after the reconnect, and the snapshot completes with every row.
     */
    @Test
    void aRouteFailureOnASnapshotRowIsRetriedAndTheSnapshotCompletes() throws Exception {
        String slot = uniqueSlot("snapshot_route_failure");
        String table = slot + "_t";
        createTable(table, ROWS);
        AtomicInteger failures = new AtomicInteger();
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&snapshotChunkSize=200&snapshotParallelism=2"))
                        .process(e -> {
                            ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                            if (event.getOp() == Operation.READ && event.getKey().get("id").equals(1000L)
                                    && failures.getAndIncrement() == 0) {
                                throw new IllegalStateException("route failure on a snapshot row");
                            }
                            received.add(event);
                        });
            }
        });
        Await.until("the snapshot completed", Duration.ofSeconds(60),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        assertThat(failures).hasValueGreaterThanOrEqualTo(2); // failed once, delivered again
        assertThat(consumer(context).snapshotError()).isNull();
        assertThat(reads(received.snapshot())).containsAll(
                LongStream.rangeClosed(1, ROWS).boxed().collect(Collectors.toList()));
        Await.until("every read-ahead permit back", Duration.ofSeconds(30),
                () -> consumer(context).snapshotChunksHeld() == 0);
    }

    /**
     * A snapshot that cannot start because of an Error (here reading its saved progress) fails the consumer's start
     * as an exception does, and the consumer's threads already running stop rather than streaming on unseen.
     */
    @Test
    void anErrorStartingTheSnapshotFailsTheStartAndStopsTheConsumersThreads() throws Exception {
        String slot = uniqueSlot("snapshot_start_error");
        String table = slot + "_t";
        createTable(table, 10);
        MemoryStateRepository repository = new MemoryStateRepository() {
            @Override
            public String getState(String key) {
                if (key.contains("/")) {
                    throw new AssertionError("progress store bug");
                }
                return super.getState(key);
            }
        };
        Throwable failure = catchThrowable(() -> start(new RouteBuilder() {
            @Override
            public void configure() {
                bindToRegistry("progress", repository);
                from(uri(slot, "tables=public." + table + "&snapshotStateRepository=#progress")).to("log:never");
            }
        }));
        assertThat(failure).isNotNull();
        assertThat(rootMessage(failure)).isEqualTo("progress store bug");
        Await.until("the consumer's threads stopped", Duration.ofSeconds(30), () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.isAlive() && t.getName().contains("pgcdc-" + slot)));
    }

    private CamelContext consume(String slot, String options, FailingRepository repository, Received received)
            throws Exception {
        return start(new RouteBuilder() {
            @Override
            public void configure() {
                bindToRegistry("progress", repository);
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
    }

    private static Set<Long> reads(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.getOp() == Operation.READ).map(e -> (Long) e.getKey().get("id"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Snapshot progress in memory whose n-th save of a table's progress throws, once. */
    static final class FailingRepository extends MemoryStateRepository {

        final AtomicInteger failures = new AtomicInteger();
        private final Failure failure;
        private final AtomicInteger saves = new AtomicInteger();
        private final int failingSave;

        FailingRepository(Failure failure, int failingSave) {
            this.failure = failure;
            this.failingSave = failingSave;
        }

        @Override
        public void setState(String key, String value) {
            if (key.contains("/") && saves.incrementAndGet() == failingSave) {
                failures.incrementAndGet();
                if (failure == Failure.ERROR) {
                    throw new AssertionError("progress store bug");
                }
                throw new IllegalStateException("progress store bug");
            }
            super.setState(key, value);
        }
    }
}
