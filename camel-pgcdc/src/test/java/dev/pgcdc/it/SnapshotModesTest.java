package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.snapshot.TableProgress;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshot modes, skipped tables, re-snapshot on demand (JMX and SQL) and the row estimate. */
class SnapshotModesTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void initialSnapshotsOnceAndOnlyStreamsAfterARestart() throws Exception {
        String slot = uniqueSlot("initial");
        String table = table(slot, "t", 5);
        Received first = new Received();
        CamelContext context = consume(slot, "tables=" + table, first);
        awaitSnapshotted(context);
        assertThat(first.await(5)).allSatisfy(e -> assertThat(e.getOp()).isEqualTo(Operation.READ))
                .extracting(e -> e.getKey().get("id")).containsExactly(1, 2, 3, 4, 5);
        context.stop();

        pg().execute("INSERT INTO " + table + " VALUES (6, 'six')");
        Received second = new Received();
        awaitSnapshotted(consume(slot, "tables=" + table, second));
        assertThat(second.await(1)).extracting(e -> e.getOp().code() + e.getKey().get("id")).containsExactly("c6");
    }

    /** reltuples is -1 until a table is first analysed: the progress then shows the planner's estimate. */
    @Test
    void aTableNeverAnalysedHasARowEstimate() throws Exception {
        String slot = uniqueSlot("estimate");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off)",
                "INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(1, 5000) g");
        assertThat(pg().queryForObject("SELECT reltuples::bigint FROM pg_class WHERE relname = ?", Long.class, table))
                .as("never analysed").isNotPositive();
        CamelContext context = consume(slot, "tables=" + table, new Received());
        awaitSnapshotted(context);
        assertThat(consumer(context).snapshotProgress()).singleElement().satisfies(progress -> {
            assertThat(progress.rowsDone()).isEqualTo(5000);
            // the planner guesses from the table's pages and its rows' width
            assertThat(progress.estimatedRows()).isBetween(1000L, 25000L);
        });
    }

    @Test
    void alwaysSnapshotsOnEveryStart() throws Exception {
        String slot = uniqueSlot("always");
        String table = table(slot, "t", 3);
        Received first = new Received();
        CamelContext context = consume(slot, "tables=" + table + "&snapshotMode=always", first);
        awaitSnapshotted(context);
        assertThat(first.await(3)).extracting(ChangeEvent::getOp).containsOnly(Operation.READ);
        context.stop();

        Received second = new Received();
        awaitSnapshotted(consume(slot, "tables=" + table + "&snapshotMode=always", second));
        assertThat(second.await(3)).extracting(ChangeEvent::getOp).containsOnly(Operation.READ);
    }

    @Test
    void neverOnlyStreams() throws Exception {
        String slot = uniqueSlot("never");
        String table = table(slot, "t", 3);
        Received received = new Received();
        consume(slot, "tables=" + table + "&snapshotMode=never", received);
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (4, 'four')");
        assertThat(received.await(1)).extracting(e -> e.getOp().code() + e.getKey().get("id")).containsExactly("c4");
    }

    @Test
    void initialOnlyStopsTheRouteOnceTheSnapshotIsDelivered() throws Exception {
        String slot = uniqueSlot("initial_only");
        String table = table(slot, "t", 50);
        Received received = new Received();
        CamelContext context = consume(slot, "tables=" + table + "&snapshotMode=initial_only&snapshotChunkSize=7",
                received);
        Await.until("route stopped", Duration.ofSeconds(30),
                () -> context.getRouteController().getRouteStatus("snapshot") == ServiceStatus.Stopped);
        assertThat(received.snapshot()).hasSize(50).extracting(ChangeEvent::getOp).containsOnly(Operation.READ);
    }

    @Test
    void skippedTablesAreOnlyStreamed() throws Exception {
        String slot = uniqueSlot("skip");
        String snapshotted = table(slot, "a", 4);
        String skipped = table(slot, "b", 4);
        Received received = new Received();
        CamelContext context = consume(slot, "tables=" + snapshotted + "," + skipped + "&skipSnapshotTables="
                + skipped, received);
        awaitSnapshotted(context);
        pg().execute("INSERT INTO " + skipped + " VALUES (5, 'five')");
        List<ChangeEvent> events = received.await(5);
        assertThat(events).filteredOn(e -> e.getOp() == Operation.READ).hasSize(4)
                .allSatisfy(e -> assertThat(e.getTable()).isEqualTo(snapshotted));
        assertThat(events).filteredOn(e -> e.getTable().equals(skipped))
                .extracting(e -> e.getOp().code() + e.getKey().get("id")).containsExactly("c5");
    }

    @Test
    void resnapshotsOneTableOnDemandWhileAnotherStreams() throws Exception {
        String slot = uniqueSlot("resnapshot");
        String again = table(slot, "a", 30);
        String streaming = table(slot, "b", 0);
        Received received = new Received();
        CamelContext context = consume(slot, "tables=" + again + "," + streaming + "&snapshotChunkSize=4", received);
        awaitSnapshotted(context);
        received.await(30);

        pg().execute("INSERT INTO " + streaming + " VALUES (1, 'one')");
        invokeJmx(context, "resnapshotTable", "public." + again);
        pg().execute("INSERT INTO " + streaming + " VALUES (2, 'two')");
        received.awaitMatching("second snapshot of " + again, events -> reads(events, again) == 60);
        awaitSnapshotted(context);

        // from SQL, through the signal table
        pg().execute("INSERT INTO pgcdc_signal (slot_name, kind, table_name) VALUES ('" + slot + "', 'snapshot', '"
                + again + "')");
        pg().execute("INSERT INTO " + streaming + " VALUES (3, 'three')");
        List<ChangeEvent> events = received.awaitMatching("third snapshot of " + again,
                all -> reads(all, again) == 90 && all.stream().filter(e -> e.getTable().equals(streaming)).count() == 3);
        assertThat(events).filteredOn(e -> e.getTable().equals(streaming))
                .extracting(e -> e.getOp().code() + e.getKey().get("id")).containsExactly("c1", "c2", "c3");
        assertThat(reads(events, streaming)).isZero();
        Await.until("signal row deleted once handled", Duration.ofSeconds(10), () -> pg().queryForObject(
                "SELECT count(*)::int FROM pgcdc_signal WHERE slot_name = ?", Integer.class, slot) == 0);
    }

    /**
     * A request that arrives as the table's last chunk completes. The interleaving that lost it: the request's
     * progress is saved, the last chunk's done progress overwrites it, the table finishes and is forgotten, and only
     * then is the request scheduled: its new snapshot loads "done" and reads nothing. {@link RacingRepository} drives
     * the two threads into that order, or as far into it as the locks let them.
     */
    @Test
    void aResnapshotRequestedAsTheTableFinishesIsNotLost() throws Exception {
        String slot = uniqueSlot("request_race");
        String table = table(slot, "t", 3);
        Received received = new Received();
        RacingRepository repository = new RacingRepository();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                bindToRegistry("racing", repository);
                from(uri(slot, "tables=" + table + "&snapshotStateRepository=#racing")).routeId("snapshot")
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        repository.finished = () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED;
        Await.until("the last chunk's progress about to be saved", Duration.ofSeconds(30),
                () -> repository.worker != null);

        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread requester = new Thread(() -> {
            try {
                consumer(context).resnapshotTable("public." + table);
            } catch (Exception e) {
                failure.set(e);
            }
        }, "resnapshot request");
        repository.requester = requester;
        requester.start();
        requester.join(Duration.ofSeconds(30).toMillis());
        assertThat(requester.isAlive()).as("request handled").isFalse();
        assertThat(failure.get()).isNull();

        received.awaitMatching("the requested second snapshot", events -> reads(events, table) == 6);
        awaitSnapshotted(context);
    }

    /**
     * Snapshot progress in memory that holds the snapshot's final save until a re-snapshot request's save wrote or
     * waits for the worker (blocked on a lock the worker holds), then holds that request's save until the first
     * snapshot finished or the worker waits for the requester.
     */
    static final class RacingRepository extends MemoryStateRepository {
        private static final ObjectMapper JSON = new ObjectMapper();

        volatile Thread worker;
        volatile Thread requester;
        volatile BooleanSupplier finished = () -> false;
        private volatile boolean requestSaved;

        @Override
        public void setState(String key, String value) {
            TableProgress progress = progress(key, value);
            if (progress != null && progress.done() && worker == null) {
                worker = Thread.currentThread();
                Await.until("request saved, or waiting for the worker", Duration.ofSeconds(30),
                        () -> requestSaved || blockedBy(requester, worker));
            }
            super.setState(key, value);
            if (Thread.currentThread() == requester && !requestSaved) {
                requestSaved = true;
                Await.until("first snapshot finished, or the worker waiting for the request",
                        Duration.ofSeconds(30), () -> finished.getAsBoolean() || blockedBy(worker, requester));
            }
        }

        /** The progress of a table; null for the slot's generation, stored under the slot name alone. */
        private static TableProgress progress(String key, String value) {
            if (!key.contains("/")) {
                return null;
            }
            try {
                return JSON.readValue(value, TableProgress.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Whether {@code waiting} is blocked entering a monitor that {@code owner} holds. */
        private static boolean blockedBy(Thread waiting, Thread owner) {
            if (waiting == null || owner == null) {
                return false;
            }
            ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(waiting.getId());
            return info != null && info.getThreadState() == Thread.State.BLOCKED
                    && info.getLockOwnerId() == owner.getId();
        }
    }

    private static long reads(List<ChangeEvent> events, String table) {
        return events.stream().filter(e -> e.getOp() == Operation.READ && e.getTable().equals(table)).count();
    }

    private String table(String slot, String suffix, int rows) {
        String table = slot + "_" + suffix;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
                "INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(1, " + rows + ") g");
        return table;
    }

    private CamelContext consume(String slot, String options, Received received) throws Exception {
        return start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).routeId("snapshot").process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
    }

    private static void awaitSnapshotted(CamelContext context) {
        Await.until("snapshot complete", Duration.ofSeconds(30),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
    }

    private static void invokeJmx(CamelContext context, String operation, String argument) throws Exception {
        MBeanServer server = context.getManagementStrategy().getManagementAgent().getMBeanServer();
        Set<ObjectName> consumers = server.queryNames(new ObjectName("org.apache.camel:context="
                + context.getManagementName() + ",type=consumers,*"), null);
        assertThat(consumers).hasSize(1);
        server.invoke(consumers.iterator().next(), operation, new Object[] {argument},
                new String[] {String.class.getName()});
    }
}
