package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up (catchUpThreshold): a far-behind slot's backlog drained through the SQL interface gives exactly the
 * exchanges streaming gives, keeps the acknowledgement rules (a failed exchange is not confirmed past, a killed
 * consumer loses nothing), and hands over to a walsender at the head.
 */
class CatchUpTest extends DefaultClusterTest {

    /** Spans batches (the first holds 16384 changes, the next twice that), one transaction across a boundary. */
    private static final int BACKLOG_ROWS = 40_000;
    /** pg_copy_logical_replication_slot, which catch-up copies the slot with, came in PostgreSQL 12. */
    private static final int OLDEST_CATCH_UP_MAJOR = 12;

    @TempDir
    Path dir;

    /** The cluster of the running test: the class's default one unless a test picks a major. */
    private PostgresServer server;

    @Override
    protected PostgresServer pg() {
        return server == null ? super.pg() : server;
    }

    @Test
    void catchUpDeliversWhatStreamingDeliversChangeByChangeThenStreamsAtTheHead() throws Exception {
        deliversWhatStreamingDelivers(BACKLOG_ROWS, 16_384, "&emitMessages=true&binary=true");
    }

    /**
     * The same on the oldest major catch-up runs on, briefly: a tenth of the backlog in batches a tenth the size, and
     * neither logical messages nor binary values (pgoutput sends them from PostgreSQL 14).
     */
    @Test
    void catchUpDeliversWhatStreamingDeliversOnTheOldestMajorItRunsOn() throws Exception {
        server = PG.forMajor(OLDEST_CATCH_UP_MAJOR);
        deliversWhatStreamingDelivers(BACKLOG_ROWS / 10, 1_638, "");
    }

    /**
     * A backlog of {@code rows} changes and more (updates, deletes, a key change, a truncate, messages) read by
     * catch-up from batches of {@code firstBatch} changes on, and by the walsender from another slot: the same
     * exchanges, in the same order; then a walsender takes over from catch-up at the head.
     */
    private void deliversWhatStreamingDelivers(int rows, int firstBatch, String pluginOptions) throws Exception {
        String caughtUp = uniqueSlot("catchup");
        String streamed = uniqueSlot("streamed");
        String table = caughtUp + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int, note text, at timestamptz, tags text[])",
                "CREATE PUBLICATION " + caughtUp + "_pub FOR TABLE " + table,
                "SELECT pg_create_logical_replication_slot('" + caughtUp + "', 'pgoutput')",
                "SELECT pg_create_logical_replication_slot('" + streamed + "', 'pgoutput')");
        writeBacklog(table, rows);
        pg().execute("SELECT pg_logical_emit_message(false, 'outside', 'no transaction')",
                "UPDATE " + table + " SET v = v + 1, note = NULL WHERE id % 7 = 0",
                "DELETE FROM " + table + " WHERE id % 11 = 0",
                "BEGIN; INSERT INTO " + table + " VALUES (-1, 0); SELECT pg_logical_emit_message(true, 'inside', 'x');"
                        + " UPDATE " + table + " SET id = -2 WHERE id = -1; COMMIT",
                "TRUNCATE " + table,
                "INSERT INTO " + table + " VALUES (1, 1, 'after the truncate')",
                "SELECT pg_logical_emit_message(false, 'end', 'of the backlog')",
                "INSERT INTO " + table + " VALUES (2, 2, 'end of the backlog')");
        long backlogEnd = currentWalLsn();
        String options = "publication=" + caughtUp + "_pub&catchUpBatchSize=" + firstBatch + pluginOptions;

        Exchanges viaCatchUp = new Exchanges();
        CamelContext catchingUp = start(collecting(uri(caughtUp, options + "&catchUpThreshold=1"), viaCatchUp));
        Exchanges viaStream = new Exchanges();
        start(collecting(uri(streamed, options), viaStream));

        List<Map<String, Object>> streamedExchanges = viaStream.awaitBody("end of the backlog");
        List<Map<String, Object>> caughtUpExchanges = viaCatchUp.awaitBody("end of the backlog");
        assertThat(viaCatchUp.phases.get(0)).as("the phase when the first change arrived").isEqualTo("CATCHING_UP");
        assertThat(streamedExchanges).hasSizeGreaterThan(rows);
        assertThat(caughtUpExchanges).hasSameSizeAs(streamedExchanges);
        for (int i = 0; i < streamedExchanges.size(); i++) {
            assertThat(caughtUpExchanges.get(i)).as("exchange %d", i).isEqualTo(streamedExchanges.get(i));
        }

        // near the head a walsender takes over, from where catch-up confirmed
        awaitStreaming(caughtUp);
        awaitPhase(catchingUp, "STREAMING");
        // the backlog's last commit is confirmed at once; the WAL after it (e.g. a running-xacts record) at the next
        // status update from the walsender's keepalive
        Await.until("the slot confirmed to the end of the backlog", Duration.ofSeconds(30),
                () -> confirmedFlush(caughtUp) >= backlogEnd);
        pg().execute("INSERT INTO " + table + " VALUES (3, 3, 'streamed')");
        assertThat(viaCatchUp.awaitBody("streamed")).hasSize(caughtUpExchanges.size() + 1);
    }

    @Test
    void aRouteFailureDuringCatchUpIsNotAcknowledgedPast() throws Exception {
        String slot = uniqueSlot("cufail");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int, note text, at timestamptz, tags text[])",
                "CREATE PUBLICATION " + slot + " FOR TABLE " + table,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        writeBacklog(table, BACKLOG_ROWS);
        long backlogEnd = currentWalLsn();
        int failingId = 30_000; // in the second batch
        FailingRoute route = new FailingRoute(uri(slot, "catchUpThreshold=1&catchUpBatchSize=16384"), failingId);
        CamelContext context = start(route);
        Await.until("the row failed twice (catch-up resumed from the slot and failed again)", Duration.ofSeconds(60),
                route.failures::get, n -> n >= 2);
        assertThat(confirmedFlush(slot)).as("confirmed position while the row fails")
                .isLessThan(route.failedCommit.get());

        route.failing.set(false);
        Await.until("the slot confirmed to the end of the backlog", Duration.ofSeconds(60),
                () -> confirmedFlush(slot) >= backlogEnd);
        Set<Object> ids = new HashSet<>();
        route.delivered.snapshot().forEach(e -> ids.add(e.getAfter().get("id")));
        assertThat(ids).hasSize(BACKLOG_ROWS);
        awaitStreaming(slot);
        awaitPhase(context, "STREAMING");
    }

    @Test
    void aConsumerKilledDuringCatchUpLosesNothing() throws Exception {
        String slot = uniqueSlot("cukill");
        String table = slot + "_t";
        int rows = 100_000;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int, note text)",
                "CREATE PUBLICATION " + slot + " FOR TABLE " + table,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        pg().execute("DO $$ BEGIN FOR i IN 0.." + (rows / 100 - 1) + " LOOP INSERT INTO " + table
                + " SELECT g, g, md5(g::text) FROM generate_series(i * 100 + 1, i * 100 + 100) g; COMMIT; END LOOP;"
                + " END $$");
        long backlogEnd = currentWalLsn();
        String uri = uri(slot, "catchUpThreshold=1");
        Path firstRun = dir.resolve("first-run.jsonl");
        Process child = SnapshotChild.start(dir, uri, firstRun.toString(), "256m");
        try {
            Await.until("a third of the backlog delivered", Duration.ofSeconds(120), () -> SnapshotChild.lines(firstRun) >= rows / 3);
            assertThat(catchUpSlots()).as("temporary catch-up slots while the child delivers").isPositive();
        } finally {
            SnapshotChild.kill(child);
        }
        long confirmedAtKill = confirmedFlush(slot);
        assertThat(confirmedAtKill).isLessThan(backlogEnd);
        Await.until("the killed session's temporary slot gone", Duration.ofSeconds(30), () -> catchUpSlots() == 0);

        Set<Object> ids = new HashSet<>();
        SnapshotChild.events(firstRun).forEach(event -> ids.add(event.get("key").get("id").asInt()));
        Received received = new Received();
        start(routeTo(uri, received));
        Await.until("the slot confirmed to the end of the backlog", Duration.ofSeconds(120),
                () -> confirmedFlush(slot) >= backlogEnd);
        received.snapshot().forEach(e -> ids.add(e.getAfter().get("id")));
        assertThat(ids).hasSize(rows);
        assertThat(received.snapshot().get(0).getCommitLsn().value()).as("resumed where the slot was confirmed")
                .isGreaterThan(confirmedAtKill);
    }

    /** The server shows the slot active before the replication thread, back from starting the stream, says so. */
    private static void awaitPhase(CamelContext context, String phase) {
        Await.until("the consumer's phase " + phase, Duration.ofSeconds(30), () -> consumer(context).getPhase(),
                phase::equals);
    }

    /**
     * Inserts of {@code rows} rows: transactions of a fortieth of them and one of 19 fortieths (40000 rows: 1000 and
     * 19000, from row 15001, across the first batch's end).
     */
    private void writeBacklog(String table, int rows) {
        int step = rows / 40;
        int from = 1;
        while (from <= rows) {
            int to = from == 15 * step + 1 ? 34 * step : from + step - 1;
            pg().execute("INSERT INTO " + table + " SELECT g, g % 100, 'row ' || g, '2026-01-02 03:04:05+00'::timestamptz"
                    + " + g * interval '1 second', ARRAY['a', g::text] FROM generate_series(" + from + ", " + to + ") g");
            from = to + 1;
        }
    }

    private int catchUpSlots() {
        return pg().queryForObject("SELECT count(*)::int FROM pg_replication_slots WHERE temporary"
                + " AND slot_name LIKE 'pgcdc\\_catchup\\_%'", Integer.class);
    }

    private RouteBuilder routeTo(String uri, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }

    private static RouteBuilder collecting(String uri, Exchanges exchanges) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(exchanges::add);
            }
        };
    }

    /** Each exchange as its body's JSON and its pgcdc headers, in arrival order, with the consumer's phase then. */
    private static final class Exchanges {
        private final List<Map<String, Object>> exchanges = new ArrayList<>();
        final List<String> phases = new ArrayList<>();

        synchronized void add(Exchange exchange) {
            Map<String, Object> seen = new TreeMap<>();
            exchange.getIn().getHeaders().forEach((name, value) -> {
                // when a change was sent and read differ by nature (and the SQL interface sends no send time)
                if (name.startsWith("CamelPgCdc") && !name.equals(PgCdcConstants.SENT_AT)
                        && !name.equals(PgCdcConstants.RECEIVED_AT)) {
                    seen.put(name, value);
                }
            });
            seen.put("body", AppliedTables.write(exchange.getIn().getBody()));
            exchanges.add(seen);
            phases.add(((PgCdcConsumer) exchange.getFromEndpoint().getCamelContext().getRoutes().get(0)
                    .getConsumer()).getPhase());
        }

        synchronized List<Map<String, Object>> snapshot() {
            return new ArrayList<>(exchanges);
        }

        /** Waits until the newest exchange's body (JSON) contains {@code text}. */
        List<Map<String, Object>> awaitBody(String text) {
            return Await.until("an exchange with " + text, Duration.ofSeconds(90), this::snapshot,
                    l -> !l.isEmpty() && ((String) l.get(l.size() - 1).get("body")).contains(text));
        }
    }
}
