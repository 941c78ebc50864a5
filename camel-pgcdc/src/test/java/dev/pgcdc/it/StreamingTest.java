package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.stream.StreamStats;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.PooledExchangeFactory;
import org.junit.jupiter.api.Test;

/** The streaming spine end to end against a real server: content, order, acknowledgement, failures, reconnects. */
class StreamingTest extends DefaultClusterTest {

    @Test
    void deliversEveryOperationOfTwoTablesInCommitOrder() throws Exception {
        String slot = uniqueSlot("order");
        pg().execute("CREATE TABLE " + slot + "_a (id int PRIMARY KEY, name text)",
                "CREATE TABLE " + slot + "_b (id bigint PRIMARY KEY, amount numeric(12,2), at timestamptz)");
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + slot + "_a,public." + slot + "_b"))
                        .process(e -> {
                            assertThat(e.getIn().getHeader(PgCdcConstants.TABLE, String.class))
                                    .isEqualTo(e.getIn().getBody(ChangeEvent.class).getTable());
                            received.add(e.getIn().getBody(ChangeEvent.class));
                        });
            }
        });
        awaitStreaming(slot);
        String a = slot + "_a";
        String b = slot + "_b";
        pg().execute("BEGIN; INSERT INTO " + a + " VALUES (1, 'one'); INSERT INTO " + b
                        + " VALUES (10, 12.50, '2026-11-22 10:00:00.123456+00'); COMMIT",
                "BEGIN; UPDATE " + a + " SET name = 'uno' WHERE id = 1; DELETE FROM " + b + " WHERE id = 10; COMMIT",
                "UPDATE " + a + " SET id = 2 WHERE id = 1",
                "TRUNCATE " + a);

        List<ChangeEvent> events = received.await(6);
        assertThat(events).extracting(e -> e.getOp().code() + " " + e.getTable()).containsExactly(
                "c " + a, "c " + b, "u " + a, "d " + b, "u " + a, "t " + a);

        ChangeEvent insert = events.get(0);
        assertThat(insert.getSchema()).isEqualTo("public");
        assertThat(insert.getKey()).isEqualTo(Map.of("id", 1));
        assertThat(insert.getAfter()).containsExactly(Map.entry("id", 1), Map.entry("name", "one"));
        assertThat(insert.getBefore()).isNull();
        assertThat(insert.isSnapshot()).isFalse();

        ChangeEvent insertB = events.get(1);
        assertThat(insertB.getAfter().get("amount")).isEqualTo(new java.math.BigDecimal("12.50"));
        assertThat(insertB.getCommitLsn()).isEqualTo(insert.getCommitLsn());
        assertThat(insertB.getTxId()).isEqualTo(insert.getTxId());
        assertThat(insertB.getLsn().value()).isGreaterThan(insert.getLsn().value());

        ChangeEvent delete = events.get(3);
        assertThat(delete.getKey()).isEqualTo(Map.of("id", 10L));
        assertThat(delete.getBefore()).isEqualTo(Map.of("id", 10L));
        assertThat(delete.getAfter()).isNull();

        ChangeEvent keyChange = events.get(4);
        assertThat(keyChange.getKey()).isEqualTo(Map.of("id", 2));
        assertThat(keyChange.getBefore()).isEqualTo(Map.of("id", 1));
        assertThat(keyChange.getAfter()).containsEntry("name", "uno");

        ChangeEvent truncate = events.get(5);
        assertThat(truncate.getKey()).isNull();
        assertThat(truncate.getAfter()).isNull();

        // commit LSNs never go backwards, and transactions arrive whole
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getCommitLsn().value()).isGreaterThanOrEqualTo(events.get(i - 1).getCommitLsn().value());
        }
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(insertB));
        assertThat(json.get("op").asText()).isEqualTo("c");
        assertThat(json.get("after").get("at").asText()).isEqualTo("2026-11-22T10:00:00.123456+00:00");
        assertThat(json.get("commitLsn").asText()).isEqualTo(insertB.getCommitLsn().toString());

        // everything completed, so the slot is confirmed past the last transaction
        long lastCommit = truncate.getCommitLsn().value();
        Await.until("confirmed_flush_lsn past the truncate", Duration.ofSeconds(20),
                () -> confirmedFlush(slot) > lastCommit);
    }

    @Test
    void saysWhenTheServerSentEachChangeAndWhenItWasRead() throws Exception {
        String slot = uniqueSlot("lagtimes");
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY)");
        List<Instant[]> times = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + slot)).process(e -> {
                    // asked first, before anything builds the header map; then as the map has them
                    Instant sent = e.getIn().getHeader(PgCdcConstants.SENT_AT, Instant.class);
                    Instant received = (Instant) e.getIn().getHeader(PgCdcConstants.RECEIVED_AT);
                    Instant now = Instant.now();
                    Map<String, Object> headers = e.getIn().getHeaders();
                    times.add(new Instant[] {e.getIn().getBody(ChangeEvent.class).getCommitTimestamp(), sent, received,
                            now, (Instant) headers.get(PgCdcConstants.SENT_AT),
                            (Instant) headers.get(PgCdcConstants.RECEIVED_AT)});
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + slot + " VALUES (1)", "INSERT INTO " + slot + " VALUES (2)");

        Await.until("two changes", Duration.ofSeconds(30), times::size, n -> n == 2);
        for (Instant[] t : times) {
            // one host, one clock: committed, then sent by the walsender, then read by pgcdc, then in the route
            assertThat(t[1]).isNotNull().isAfterOrEqualTo(t[0]);
            assertThat(t[2]).isAfterOrEqualTo(t[1]);
            assertThat(t[3]).isAfterOrEqualTo(t[2]);
            assertThat(t[4]).isEqualTo(t[1]);
            assertThat(t[5]).isEqualTo(t[2]);
        }
    }

    @Test
    void outOfOrderCompletionNeverConfirmsPastAnIncompleteChange() throws Exception {
        String slot = uniqueSlot("ooo");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong heldCommitLsn = new AtomicLong();
        Received completed = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).threads(4).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (Integer.valueOf(1).equals(event.getAfter().get("id"))) {
                        heldCommitLsn.set(event.getCommitLsn().value());
                        assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                    }
                    completed.add(event);
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)", "INSERT INTO " + table + " VALUES (2)",
                "INSERT INTO " + table + " VALUES (3)");
        List<ChangeEvent> later = completed.await(2);
        assertThat(later).extracting(e -> e.getAfter().get("id")).containsExactlyInAnyOrder(2, 3);
        StreamStats stats = consumer(context).stats();
        long updates = stats.statusUpdateCount();
        // Give the consumer two status rounds in which it could (wrongly) confirm transactions 2 and 3.
        Await.until("two status updates after the later changes completed", Duration.ofSeconds(20),
                () -> stats.statusUpdateCount() >= updates + 2);
        assertThat(heldCommitLsn.get()).isPositive();
        assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(heldCommitLsn.get());

        release.countDown();
        List<ChangeEvent> all = completed.await(3);
        long newest = all.stream().mapToLong(e -> e.getCommitLsn().value()).max().orElseThrow();
        Await.until("confirmed past the last transaction once all completed", Duration.ofSeconds(20),
                () -> confirmedFlush(slot) > newest);
    }

    @Test
    void stoppingWithUnacknowledgedChangesRedeliversThemAfterRestart() throws Exception {
        String slot = uniqueSlot("restart");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        CountDownLatch release = new CountDownLatch(1);
        Received entered = new Received();
        CamelContext first = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&shutdownTimeout=500")).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    entered.add(event);
                    if (!Integer.valueOf(1).equals(event.getAfter().get("id"))) {
                        release.await(60, TimeUnit.SECONDS);
                    }
                });
            }
        });
        first.getShutdownStrategy().setTimeout(2);
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)");
        long firstCommit = entered.await(1).get(0).getCommitLsn().value();
        Await.until("first transaction confirmed", Duration.ofSeconds(20), () -> confirmedFlush(slot) > firstCommit);
        pg().execute("INSERT INTO " + table + " VALUES (2)", "INSERT INTO " + table + " VALUES (3)");
        entered.await(2);

        first.stop();
        contexts.remove(first);
        release.countDown();
        assertThat(slot(slot).active()).isFalse();

        Received again = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> again.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        List<ChangeEvent> redelivered = again.await(2);
        assertThat(redelivered).extracting(e -> e.getAfter().get("id")).containsExactly(2, 3);
    }

    @Test
    void aCleanStopLetsInFlightExchangesFinishAndConfirmsThem() throws Exception {
        String slot = uniqueSlot("graceful");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received entered = new Received();
        Received completed = new Received();
        CountDownLatch consumerStopping = new CountDownLatch(1);
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&shutdownTimeout=10000"))
                        .process(e -> entered.add(e.getIn().getBody(ChangeEvent.class)))
                        .threads(5)
                        // the route is still working on all five when the consumer's stop begins
                        .process(e -> {
                            if (!consumerStopping.await(60, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the consumer's stop never began");
                            }
                        })
                        .process(e -> completed.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        PgCdcConsumer consumer = consumer(context);
        pg().execute("INSERT INTO " + table + " SELECT generate_series(1, 5)");
        long lastCommit = entered.await(5).get(4).getCommitLsn().value();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(context::stop);
        // Camel marks the consumer stopping before calling its doStop, which must wait for the five
        Await.until("the consumer stopping", Duration.ofSeconds(30), () -> consumer.isStopping() || stopped.isDone());
        assertThat(stopped).as("the context's stop, the exchanges still in flight").isNotDone();
        assertThat(completed.size()).isZero();
        consumerStopping.countDown();
        stopped.get(60, TimeUnit.SECONDS);
        assertThat(completed.size()).isEqualTo(5);
        assertThat(slot(slot).active()).isFalse();
        assertThat(confirmedFlush(slot)).isGreaterThan(lastCommit);
    }

    @Test
    void aPooledExchangeFactoryReusesChangeExchanges() throws Exception {
        String slot = uniqueSlot("pooled");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received received = new Received();
        Set<Exchange> exchanges = Collections.newSetFromMap(new IdentityHashMap<>());
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setExchangeFactory(new PooledExchangeFactory());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> {
                    assertThat(e.getIn().getHeader(PgCdcConstants.TABLE, String.class)).isEqualTo(table);
                    synchronized (exchanges) {
                        exchanges.add(e);
                    }
                    received.add(e.getIn().getBody(ChangeEvent.class));
                });
            }
        });
        context.start();
        try {
            awaitStreaming(slot);
            for (int id = 1; id <= 10; id++) {
                pg().execute("INSERT INTO " + table + " VALUES (" + id + ")");
            }
            assertThat(received.await(10)).extracting(e -> e.getAfter().get("id"))
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            synchronized (exchanges) {
                // each change's exchange goes back to the pool once the route is done with it
                assertThat(exchanges).hasSizeLessThan(10);
            }
        } finally {
            context.stop();
        }
    }

    @Test
    void aFailedExchangeIsNeverAcknowledgedAndEverythingFromItIsRedelivered() throws Exception {
        String slot = uniqueSlot("fail");
        FailingRoute route = failingOnRowTwo(slot).route();
        assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(route.failedCommit.get());

        route.failing.set(false);
        List<ChangeEvent> events = route.delivered.awaitMatching("row 2 and then row 3 delivered", list -> {
            List<Object> ids = list.stream().map(e -> e.getAfter().get("id")).toList();
            int two = ids.indexOf(2);
            return two >= 0 && ids.subList(two, ids.size()).contains(3);
        });
        long newest = events.stream().mapToLong(e -> e.getCommitLsn().value()).max().orElseThrow();
        Await.until("confirmed past row 3", Duration.ofSeconds(20), () -> confirmedFlush(slot) > newest);
    }

    @Test
    void changesRedeliveredAfterAFailedExchangeNoLongerCountAsInFlightOnceTheyComplete() throws Exception {
        Failing failing = failingOnRowTwo(uniqueSlot("fail_inflight"));
        FailingRoute route = failing.route();

        route.failing.set(false);
        route.delivered.awaitMatching("row 3 delivered", list -> list.stream()
                .anyMatch(e -> Integer.valueOf(3).equals(e.getAfter().get("id"))));

        Await.until("nothing in flight", Duration.ofSeconds(20),
                () -> consumer(failing.context()).getInflightCount() == 0);
    }

    private record Failing(FailingRoute route, CamelContext context) {
    }

    /** Streams rows 1 to 3 into a route that fails row 2 until told otherwise, and waits until it failed thrice. */
    private Failing failingOnRowTwo(String slot) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        FailingRoute route = new FailingRoute(uri(slot, "tables=" + table), 2);
        CamelContext context = start(route);
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)", "INSERT INTO " + table + " VALUES (2)",
                "INSERT INTO " + table + " VALUES (3)");
        Await.until("the failing change retried", Duration.ofSeconds(30), () -> route.failures.get() >= 3);
        return new Failing(route, context);
    }

    @Test
    void reconnectsAfterTheServerKillsTheConnectionWithoutLosingAChange() throws Exception {
        String slot = uniqueSlot("kill");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        int rows = 300;
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= rows; i++) {
                pg().execute("INSERT INTO " + table + " VALUES (" + i + ")");
            }
        });
        writer.start();
        for (int threshold : new int[] {50, 150, 250}) {
            received.awaitMatching(threshold + " rows", list -> list.size() >= threshold);
            // queued changes may still arrive while the consumer reconnects after the previous kill: wait for it
            awaitStreaming(slot);
            assertThat(pg().terminateWalSenders()).isPositive();
        }
        writer.join(TimeUnit.SECONDS.toMillis(60));
        List<ChangeEvent> events = received.awaitMatching("all rows", list -> ids(list).size() == rows);
        assertThat(ids(events)).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, rows).boxed().collect(Collectors.toCollection(TreeSet::new)));
        assertThat(events).allMatch(e -> e.getOp() == Operation.INSERT);
    }

    private static Set<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.getAfter().get("id")).collect(Collectors.toCollection(TreeSet::new));
    }
}
