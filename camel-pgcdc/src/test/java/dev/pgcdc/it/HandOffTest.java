package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.stream.Replicator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Where the route runs: on the replication thread while it is quick, on the dispatcher thread for good once one change
 * kept it longer than handOffAfter, and always on the dispatcher thread with handOffAfter=0.
 */
class HandOffTest extends DefaultClusterTest {

    @Test
    void aQuickRouteRunsOnTheReplicationThreadUntilOneChangeTakesLongerThanHandOffAfter() throws Exception {
        String slot = uniqueSlot("hand_off");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Map<Integer, Thread> threads = new ConcurrentHashMap<>();
        Received received = new Received();
        CountDownLatch never = new CountDownLatch(1);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&handOffAfter=200")).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    int id = (Integer) event.getAfter().get("id");
                    threads.put(id, Thread.currentThread());
                    if (id == 3) {
                        // a route slower than handOffAfter, once (a blocking call, a redelivery delay)
                        assertThat(never.await(600, TimeUnit.MILLISECONDS)).isFalse();
                    }
                    received.add(event);
                });
            }
        });
        awaitStreaming(slot);
        for (int id = 1; id <= 6; id++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + id + ")");
        }
        List<ChangeEvent> events = received.await(6);
        assertThat(events).extracting(e -> e.getAfter().get("id")).containsExactly(1, 2, 3, 4, 5, 6);

        Thread replication = threads.get(1);
        assertThat(replication.getName()).isEqualTo(replicationThread(slot));
        assertThat(threads.get(2)).isSameAs(replication);
        assertThat(threads.get(3)).isSameAs(replication);
        Thread dispatcher = threads.get(4);
        assertThat(dispatcher).isNotSameAs(replication);
        assertThat(threads.get(5)).isSameAs(dispatcher);
        assertThat(threads.get(6)).isSameAs(dispatcher);
    }

    /** Back from a route that held it while the connection died, the replication thread reconnects, losing nothing. */
    @Test
    void aConnectionLostWhileTheRouteHoldsTheReplicationThreadIsReplacedOnceItReturns() throws Exception {
        String slot = uniqueSlot("hand_off_lost");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (held.getCount() > 0) {
                        held.countDown();
                        assertThat(release.await(60, TimeUnit.SECONDS)).as("released by the test").isTrue();
                    }
                    received.add(event);
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)", "INSERT INTO " + table + " VALUES (2)");
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        int pid = slot(slot).activePid();
        assertThat(pg().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();
        Await.until("the walsender gone", Duration.ofSeconds(30), () -> !slot(slot).active());
        release.countDown();
        pg().execute("INSERT INTO " + table + " VALUES (3)");
        received.awaitMatching("rows 1, 2 and 3", events -> events.stream()
                .map(e -> e.getAfter().get("id")).collect(Collectors.toSet()).containsAll(List.of(1, 2, 3)));
        Await.until("a new replication session", Duration.ofSeconds(30),
                () -> slot(slot).active() && slot(slot).activePid() != pid);
    }

    @Test
    void handOffAfterZeroRunsEveryChangeOffTheReplicationThread() throws Exception {
        String slot = uniqueSlot("hand_off_zero");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Map<Integer, String> threads = new ConcurrentHashMap<>();
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&handOffAfter=0")).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    threads.put((Integer) event.getAfter().get("id"), Thread.currentThread().getName());
                    received.add(event);
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)");
        received.await(1);
        assertThat(threads.get(1)).isNotEqualTo(replicationThread(slot));
    }

    /**
     * Route code that leaves the replication thread interrupted (it called interrupt(), or a component it used left
     * the flag set) is no stop: the stream goes on and every change is delivered and acknowledged; a stop still stops.
     */
    @Test
    void anInterruptTheRouteLeavesOnTheReplicationThreadNeitherEndsTheStreamNorLosesChanges() throws Exception {
        Map<Integer, String> threads = interruptLeftByTheRouteOnce("hand_off_interrupt", "");
        assertThat(threads.get(2)).as("the route that interrupted ran on the replication thread")
                .isEqualTo(threads.get(0));
    }

    /** The same on the dispatcher thread, whose loop a leftover interrupt must not end either. */
    @Test
    void anInterruptTheRouteLeavesOnTheDispatcherThreadNeitherEndsDeliveryNorLosesChanges() throws Exception {
        Map<Integer, String> threads = interruptLeftByTheRouteOnce("hand_off_interrupt_zero", "&handOffAfter=0");
        assertThat(threads.get(2)).as("the route that interrupted ran on the dispatcher thread")
                .isNotEqualTo(threads.get(0));
    }

    /**
     * Streams rows 1 to 5, each its own transaction, through a route that interrupts its thread after row 2 (rows 3 to
     * 5 are written once row 2 arrived, so none is waiting when its thread goes to look for the next); checks
     * that all arrive once, in order, and are acknowledged, and that the route then stops promptly. Returns the name
     * of the thread each row's route ran on, and under 0 the replication thread's.
     */
    private Map<Integer, String> interruptLeftByTheRouteOnce(String prefix, String options) throws Exception {
        String slot = uniqueSlot(prefix);
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Map<Integer, String> threads = new ConcurrentHashMap<>();
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + options)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    int id = (Integer) event.getAfter().get("id");
                    threads.put(id, Thread.currentThread().getName());
                    received.add(event);
                    if (id == 2) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        });
        awaitStreaming(slot);
        threads.put(0, replicationThread(slot));
        pg().execute("INSERT INTO " + table + " VALUES (1)", "INSERT INTO " + table + " VALUES (2)");
        received.await(2);
        // after the interrupt: the thread that ran the route looks for the next change with the flag set
        for (int id = 3; id <= 5; id++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + id + ")");
        }
        List<ChangeEvent> events = received.await(5);
        assertThat(events).extracting(e -> e.getAfter().get("id")).containsExactly(1, 2, 3, 4, 5);
        long lastCommit = events.get(4).getCommitLsn().value();
        Await.until("every change acknowledged", Duration.ofSeconds(30), () -> confirmedFlush(slot) > lastCommit);
        assertThat(replicationThread(slot)).as("the same replication thread streams on").isEqualTo(threads.get(0));

        long stopping = System.nanoTime();
        context.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the stop's duration")
                .isLessThan(Duration.ofSeconds(10));
        Await.until("the walsender gone", Duration.ofSeconds(10), () -> !slot(slot).active());
        return threads;
    }

    /** The name of the thread running the slot's replicator: the one of its pool whose stack holds it. */
    private static String replicationThread(String slot) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().getName().contains("pgcdc-" + slot))
                .filter(t -> Arrays.stream(t.getValue())
                        .anyMatch(f -> f.getClassName().equals(Replicator.class.getName())))
                .map(t -> t.getKey().getName()).findFirst().orElseThrow();
    }
}
