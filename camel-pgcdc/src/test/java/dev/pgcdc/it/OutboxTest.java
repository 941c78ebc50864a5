package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** The transactional outbox: outbox rows and messages become events, once per commit, in commit order. */
class OutboxTest extends DefaultClusterTest {

    /** What the route saw of one exchange: an outbox event's headers and payload, or a row change's table and key. */
    record Seen(String eventId, String aggregateType, String aggregateId, String type, Object body, String changeId) {
    }

    @Test
    void outboxRowsAndMessagesBecomeEventsOncePerCommitInCommitOrder() throws Exception {
        Tables tables = createTables("outbox");
        String slot = tables.slot();
        String orders = tables.orders();
        String outbox = tables.outbox();
        List<Seen> seen = new ArrayList<>();
        consume(slot, "tables=" + orders + "," + outbox + "&outboxTables=" + outbox
                + "&outboxMessagePrefix=outbox&outboxTypeColumn=event_type", seen, e -> { });

        try (Connection connection = pg().connect(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            // an order and its event; the application deletes the published row in the same transaction
            sql.execute("INSERT INTO " + orders + " VALUES (1, 'new')");
            sql.execute("INSERT INTO " + outbox + " VALUES ('00000000-0000-0000-0000-000000000001', 'order', '1',"
                    + " 'created', '{\"id\": 1, \"total\": 10.50}')");
            sql.execute("DELETE FROM " + outbox);
            connection.commit();
            // never committed: neither the order nor its event
            sql.execute("INSERT INTO " + orders + " VALUES (2, 'new')");
            sql.execute("INSERT INTO " + outbox + " VALUES ('00000000-0000-0000-0000-000000000002', 'order', '2',"
                    + " 'created', '{\"id\": 2}')");
            connection.rollback();
            // two aggregates in one transaction: a row and a message without a table
            sql.execute("INSERT INTO " + outbox + " VALUES ('00000000-0000-0000-0000-000000000003', 'customer', 'c7',"
                    + " 'renamed', '\"Ada\"')");
            sql.execute("SELECT pg_logical_emit_message(true, 'outbox', '{\"aggregatetype\": \"invoice\","
                    + " \"aggregateid\": \"9\", \"event_type\": \"issued\", \"payload\": {\"n\": 1.0}}')");
            sql.execute("SELECT pg_logical_emit_message(true, 'not-outbox', 'ignored: emitMessages is off')");
            connection.commit();
            // updates and truncates of outbox rows publish nothing
            sql.execute("INSERT INTO " + outbox + " VALUES ('00000000-0000-0000-0000-000000000004', 'order', '1',"
                    + " 'paid', '{}')");
            connection.commit();
            sql.execute("UPDATE " + outbox + " SET payload = '{\"changed\": true}'");
            sql.execute("TRUNCATE " + outbox);
            sql.execute("INSERT INTO " + orders + " VALUES (3, 'last')");
            connection.commit();
        }
        long end = currentWalLsn();
        List<Seen> all = Await.until("the last order", Duration.ofSeconds(30), () -> copy(seen),
                list -> list.stream().anyMatch(s -> s.changeId() != null && s.body() instanceof ChangeEvent c
                        && c.getAfter().get("id").equals(3)));

        // json/jsonb payloads arrive as JSON text with their exact numbers (compact, as jsonb keeps no spacing)
        assertThat(all).extracting(Seen::aggregateType, Seen::aggregateId, Seen::type, Seen::body)
                .containsExactly(
                        tuple(null, null, null, all.get(0).body()),
                        tuple("order", "1", "created", "{\"id\":1,\"total\":10.50}"),
                        tuple("customer", "c7", "renamed", "\"Ada\""),
                        tuple("invoice", "9", "issued", "{\"n\":1.0}"),
                        tuple("order", "1", "paid", "{}"),
                        tuple(null, null, null, all.get(5).body()));
        assertThat(((ChangeEvent) all.get(0).body()).getAfter()).containsEntry("id", 1);
        assertThat(all.get(1).eventId()).isEqualTo("00000000-0000-0000-0000-000000000001");
        // a message without an id field: the event id is the change id, as stable as the row's
        assertThat(all.get(3).eventId()).isEqualTo(all.get(3).changeId()).matches("[0-9A-F]+/[0-9A-F]+:1");
        // ignored changes (the delete, the update, the truncate, the other message) are acknowledged all the same
        Await.until("slot confirmed past the last commit", Duration.ofSeconds(30), () -> confirmedFlush(slot) >= end);
    }

    @Test
    void eventsOfOneAggregateKeepCommitOrderWhenSeveralThreadsDeliver() throws Exception {
        Tables tables = createTables("outbox_lanes");
        String outbox = tables.outbox();
        List<Seen> seen = new ArrayList<>();
        consume(tables.slot(), "tables=" + outbox + "&outboxTables=" + outbox + "&concurrentConsumers=8", seen,
                // uneven work per exchange, so lanes overtake each other (load, not synchronisation)
                e -> LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000)));
        int events = 400;
        // one event per transaction, event ids random (the outbox row's key), four aggregates taking turns
        for (int n = 0; n < events; n++) {
            pg().execute("INSERT INTO " + outbox + " VALUES (gen_random_uuid(), 'order', '" + (n % 4) + "', 'step',"
                    + " '{\"n\": " + n + "}')");
        }
        List<Seen> all = Await.until("every event", Duration.ofSeconds(60), () -> copy(seen),
                list -> list.size() >= events);
        assertThat(all).hasSize(events);
        for (int aggregate = 0; aggregate < 4; aggregate++) {
            String id = String.valueOf(aggregate);
            List<Integer> order = all.stream().filter(s -> id.equals(s.aggregateId()))
                    .map(s -> Integer.valueOf(((String) s.body()).replaceAll("\\D", ""))).toList();
            assertThat(order).as("aggregate %s in commit order", id).isSorted().hasSize(events / 4);
        }
    }

    @Test
    void aRedeliveredEventCarriesTheSameEventId() throws Exception {
        Tables tables = createTables("outboxredo");
        String outbox = tables.outbox();
        List<Seen> seen = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        consume(tables.slot(), "outboxTables=" + outbox + "&outboxTypeColumn=event_type", seen, e -> {
            if ("00000000-0000-0000-0000-000000000002".equals(e.getIn().getHeader(PgCdcConstants.OUTBOX_EVENT_ID))
                    && attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("the broker is away");
            }
        });
        pg().execute("INSERT INTO " + outbox + " (id, aggregatetype, aggregateid, event_type, payload)"
                + " SELECT ('00000000-0000-0000-0000-00000000000' || g)::uuid, 'order', g::text, 'created', '{}'"
                + " FROM generate_series(1, 3) g");

        // the first delivery of the second event fails unhandled: the transaction is delivered again
        List<Seen> all = Await.until("the redelivery", Duration.ofSeconds(30), () -> copy(seen), list -> list.size() >= 4);
        // json/jsonb payloads arrive as JSON text with their exact numbers (compact, as jsonb keeps no spacing)
        assertThat(all).extracting(Seen::eventId).containsExactly("00000000-0000-0000-0000-000000000001",
                "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002",
                "00000000-0000-0000-0000-000000000003");
        assertThat(all.get(0).changeId()).isEqualTo(all.get(1).changeId());
    }

    @Test
    void aMalformedOutboxMessageGoesToTheErrorHandlerAndTheStreamMovesOn() throws Exception {
        String slot = uniqueSlot("outboxbadmsg");
        String orders = slot + "_orders";
        pg().execute("CREATE TABLE " + orders + " (id int PRIMARY KEY)");
        List<String> dead = new ArrayList<>();
        List<String> events = new ArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("direct:dead"));
                from("direct:dead").process(e -> {
                    synchronized (dead) {
                        dead.add(e.getIn().getBody(String.class));
                    }
                });
                from(uri(slot, "tables=" + orders + "&outboxMessagePrefix=outbox")).process(e -> {
                    synchronized (events) {
                        events.add(e.getIn().getHeader(PgCdcConstants.OUTBOX_AGGREGATE_ID, String.class));
                    }
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("SELECT pg_logical_emit_message(true, 'outbox', 'oops')",
                "SELECT pg_logical_emit_message(true, 'outbox', '{\"aggregatetype\": \"order\", \"aggregateid\": \"7\"}')");
        Await.until("the good event after the bad one", Duration.ofSeconds(30), () -> {
            synchronized (events) {
                return events.contains("7");
            }
        });
        synchronized (dead) {
            assertThat(dead).singleElement().asString().contains("is not a JSON object")
                    .contains("pg_logical_emit_message(true, 'outbox', json_build_object(");
        }
    }

    @Test
    void anOutboxTableTheTableOptionsLeaveOutIsAnError() {
        String slot = uniqueSlot("outboxbad");
        assertThatThrownBy(() -> start(collecting(uri(slot, "tables=orders&outboxTables=outbox"), new ArrayList<>(),
                e -> { })))
                .satisfies(e -> assertThat(rootMessage(e)).contains("outboxTables names \"public\".\"outbox\"")
                        .contains("add \"public\".\"outbox\" to tables"));
    }

    /** A test's slot and its orders and outbox tables, named after it. */
    private record Tables(String slot, String orders, String outbox) {
    }

    /** Creates the orders and outbox tables of a new slot. */
    private Tables createTables(String prefix) {
        String slot = uniqueSlot(prefix);
        Tables tables = new Tables(slot, slot + "_orders", slot + "_outbox");
        // Debezium's outbox layout, with the event type in a column of another name
        pg().execute("CREATE TABLE " + tables.orders() + " (id int PRIMARY KEY, status text)",
                "CREATE TABLE " + tables.outbox() + " (id uuid PRIMARY KEY, aggregatetype text NOT NULL,"
                        + " aggregateid text NOT NULL, event_type text, payload jsonb)");
        return tables;
    }

    /** Starts a route {@link #collecting} what it sees from the slot, and waits until it streams. */
    private void consume(String slot, String options, List<Seen> seen, Processor first) throws Exception {
        start(collecting(uri(slot, options), seen, first));
        awaitStreaming(slot);
    }

    /** Collects what the route sees of each exchange that {@code first} (run before) does not fail. */
    private static RouteBuilder collecting(String uri, List<Seen> seen, Processor first) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> {
                    first.process(e);
                    Seen one = seen(e);
                    synchronized (seen) {
                        seen.add(one);
                    }
                });
            }
        };
    }

    private static Seen seen(Exchange e) {
        Map<String, Object> h = e.getIn().getHeaders();
        return new Seen((String) h.get(PgCdcConstants.OUTBOX_EVENT_ID), (String) h.get(PgCdcConstants.OUTBOX_AGGREGATE_TYPE),
                (String) h.get(PgCdcConstants.OUTBOX_AGGREGATE_ID), (String) h.get(PgCdcConstants.OUTBOX_EVENT_TYPE),
                e.getIn().getBody(), (String) h.get(PgCdcConstants.ID));
    }

    private static List<Seen> copy(List<Seen> seen) {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }
}
