package dev.pgcdc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instances elected by {@link PgClusterService}: PostgreSQL advisory locks, no other infrastructure. */
class PgClusterServiceTest extends ClusterTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void theOtherInstanceTakesOverWhenTheActiveOneIsKilled() throws Exception {
        killTheActiveInstance("pg", Duration.ofSeconds(30));
    }

    @Test
    void fourSlotsSpreadOverTwoInstancesAndMoveToTheSurvivor() throws Exception {
        List<String> slots = IntStream.rangeClosed(1, 4).mapToObj(i -> uniqueSlot("spread")).toList();
        slots.forEach(this::createSourceTable);
        Process a = startInstance("pg", "a", slots);
        startInstance("pg", "b", slots);

        // no second look at the readers once this holds: a walsender outlives its client's close by a moment, so a
        // handed-over slot can still show the old reader active while the new one has yet to connect
        Await.until("two slots led by each instance, four slots active", Duration.ofSeconds(90),
                () -> leadCounts().equals(Map.of("a", 2L, "b", 2L)) && activeReaders(slots) == 4);
        insertInto(slots, 1);
        Await.until("the round delivered", Duration.ofSeconds(30), () -> slots.stream().allMatch(s -> delivered(s, 1)));
        assertThat(slots.stream().map(this::deliverers).flatMap(List::stream).collect(Collectors.groupingBy(i -> i,
                Collectors.counting()))).as("slots per delivering instance").isEqualTo(Map.of("a", 2L, "b", 2L));

        a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Await.until("all four slots led and read by b", Duration.ofSeconds(60),
                () -> leadCounts().equals(Map.of("b", 4L)) && activeReaders(slots) == 4);
        insertInto(slots, 2);
        Await.until("the round delivered by b", Duration.ofSeconds(30), () -> slots.stream().allMatch(s -> delivered(s, 2)));
        for (String slot : slots) {
            assertThat(pg().queryForObject("SELECT instance FROM delivered WHERE slot = ? AND id = 2", String.class,
                    slot)).as(slot).isEqualTo("b");
            assertThat(missing(slot)).isZero();
        }
    }

    @Test
    void anInstanceWhoseLockSessionIsTerminatedGivesUpLeadershipAtItsNextCheck() throws Exception {
        String slot = uniqueSlot("terminated");
        createSourceTable(slot);
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger delivered = new AtomicInteger();
        CamelContext a = clustered("a", slot, delivered);
        awaitStreaming(slot, Duration.ofSeconds(60));
        clustered("b", slot, delivered);
        PgClusterService service = a.hasService(PgClusterService.class);
        service.getView(slot).addEventListener((CamelClusterEventListener.Leadership) (view, leader) ->
                events.add(leader != null && leader.isLocal() ? "taken" : "lost"));
        assertThat(service.isLeader(slot)).isTrue();

        pg().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgcdc-cluster a'");
        long terminated = System.nanoTime();
        Await.until("a gave up its leadership", Duration.ofSeconds(10), () -> events.contains("lost"));
        System.out.printf("lock session terminated: leadership given up after %d ms%n",
                (System.nanoTime() - terminated) / 1_000_000);
        Await.until("one leader and one reader again", Duration.ofSeconds(60),
                () -> leadCounts().values().stream().mapToLong(Long::longValue).sum() == 1
                        && activeReaders(List.of(slot)) == 1);
        int before = delivered.get();
        insertInto(List.of(slot), 1);
        Await.until("the change delivered", Duration.ofSeconds(30), () -> delivered.get() > before);
    }

    /**
     * A leadership listener that takes longer than the session timeout (a route whose start waits for open
     * transactions) holds up neither the lock session, which the server would otherwise end as idle and hand the
     * namespace to another instance while the route still starts, nor the other views: another namespace is still
     * taken, and told at once when the session is lost. The slow view hears of its loss after its gain. Meanwhile a
     * leads one more than b, so it hands the slow namespace over after ten checks: its lock stays held while the loss
     * waits behind the start.
     */
    @Test
    void aListenerSlowerThanTheSessionTimeoutKeepsTheLockSessionAliveAndDelaysNoOtherView() throws Exception {
        String slow = uniqueSlot("slow");
        String other = uniqueSlot("other");
        CountDownLatch slowStarting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> slowEvents = new CopyOnWriteArrayList<>();
        List<String> otherEvents = new CopyOnWriteArrayList<>();
        List<String> secondInstanceEvents = new CopyOnWriteArrayList<>();
        PgClusterService a = unstarted("slow-a");
        a.getView(slow).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
            boolean taken = view.getLocalMember().isLeader();
            slowEvents.add(taken ? "taken" : "lost");
            if (taken) {
                slowStarting.countDown();
                awaitReleased(release);
            }
        });
        a.getView(other).addEventListener((CamelClusterEventListener.Leadership) (view, leader) ->
                otherEvents.add(view.getLocalMember().isLeader() ? "taken" : "lost"));
        PgClusterService b = unstarted("slow-b");
        b.getView(slow).addEventListener((CamelClusterEventListener.Leadership) (view, leader) ->
                secondInstanceEvents.add(view.getLocalMember().isLeader() ? "taken" : "lost"));
        try {
            a.getCamelContext().start();
            assertThat(slowStarting.await(30, TimeUnit.SECONDS)).as("a told it leads " + slow).isTrue();
            int pid = a.sessionPid();
            double blockedAt = pg().queryForObject("SELECT extract(epoch FROM clock_timestamp())::float8", Double.class);
            b.getCamelContext().start();

            Await.until("a's lock session checked more than a session timeout after its listener blocked",
                    Duration.ofSeconds(30), () -> pg().queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid = ?"
                            + " AND extract(epoch FROM query_start) > ? + 7", Long.class, pid, blockedAt) == 1);
            assertThat(a.sessionPid()).as("a's lock session").isEqualTo(pid);
            assertThat(leadCounts()).as("namespaces led").isEqualTo(Map.of("slow-a", 2L));
            assertThat(a.isLeader(slow)).isTrue();
            assertThat(b.isLeader(slow)).isFalse();
            assertThat(secondInstanceEvents).as("b's leadership events").isEmpty();
            assertThat(otherEvents).as(other + " on a, while " + slow + " starts").containsExactly("taken");

            pg().execute("SELECT pg_terminate_backend(" + pid + ")");
            Await.until("a told " + other + " it lost, while " + slow + " still starts", Duration.ofSeconds(10),
                    () -> otherEvents.equals(List.of("taken", "lost")));
            assertThat(slowEvents).containsExactly("taken");
            release.countDown();
            Await.until("a told " + slow + " it lost, after it was told it leads", Duration.ofSeconds(10),
                    () -> slowEvents.equals(List.of("taken", "lost")));
            Await.until("b leads " + slow, Duration.ofSeconds(30), () -> b.isLeader(slow));
        } finally {
            release.countDown();
        }
    }

    /** A service with its own context, added but not started, so listeners can be added before any election. */
    private PgClusterService unstarted(String id) throws Exception {
        PgClusterService service = service(id, 500, 6000);
        CamelContext context = new DefaultCamelContext();
        service.setCamelContext(context);
        context.addService(service);
        contexts.add(context);
        return service;
    }

    /** A service on the test's server, its checks and session timeout as given. */
    private PgClusterService service(String id, long checkMillis, long timeoutMillis) {
        PgClusterService service = new PgClusterService();
        service.setId(id);
        service.setHost(pg().host());
        service.setPort(pg().port());
        service.setDatabase("postgres");
        service.setUser(pg().superuser());
        service.setCheckInterval(checkMillis);
        service.setSessionTimeout(timeoutMillis);
        return service;
    }

    private static void awaitReleased(CountDownLatch release) {
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the listener");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An instance in this JVM: its own context and lock session, one master route counting changes. */
    private CamelContext clustered(String id, String slot, AtomicInteger delivered) throws Exception {
        PgClusterService service = service(id, 300, 3000);
        CamelContext context = new DefaultCamelContext();
        context.addService(service);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + slot + ":" + uri(slot, "tables=" + slot + "_t")).process(e -> delivered.incrementAndGet());
            }
        });
        contexts.add(context);
        context.start();
        return context;
    }

    /** How many namespaces each instance leads, from the advisory locks its lock session holds. */
    private Map<String, Long> leadCounts() {
        return pg().queryForList("SELECT substr(a.application_name, length('pgcdc-cluster ') + 1) AS member"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                + " AND l.mode = 'ExclusiveLock' AND l.classid = " + Integer.toUnsignedLong(LockKey.LEADER_CLASS)).stream()
                .collect(Collectors.groupingBy(row -> (String) row.get("member"), Collectors.counting()));
    }

    private long activeReaders(List<String> slots) {
        return pg().replicationSlots().stream().filter(s -> slots.contains(s.slotName()) && s.active()).count();
    }

    private void insertInto(List<String> slots, int id) {
        for (String slot : slots) {
            pg().execute("INSERT INTO " + slot + "_t VALUES (" + id + ", 'round " + id + "')");
        }
    }

    private boolean delivered(String slot, int id) {
        return pg().queryForObject("SELECT count(*) FROM delivered WHERE slot = ? AND id = ?", Long.class, slot, id) > 0;
    }
}
