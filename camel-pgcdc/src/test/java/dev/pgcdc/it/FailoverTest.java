package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.setup.Setup;
import dev.pgcdc.setup.SetupFailedException;
import dev.pgcdc.setup.SetupPlan;
import dev.pgcdc.setup.SetupRequest;
import dev.pgcdc.setup.StandbyInspector;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL 18 primary with a physical standby, a failover slot and a route following the primary through the
 * multi-host list: the primary crashes while a writer runs, the standby is promoted, and the route carries on from
 * the synced slot by itself.
 */
class FailoverTest extends StandbyTestSupport {

    private volatile PostgresCluster current;

    @Override
    protected PostgresServer pg() {
        return current;
    }

    @Test
    void everyCommittedRowArrivesAcrossAPrimaryCrashAndPromotion() throws Exception {
        startPrimaryAndStandby();
        current = primary;
        // after the backup, so the standby does not inherit them: commits wait for the standby's flush (every row
        // the writer saw committed survives the failover) and pgcdc is sent nothing the standby lacks
        primary.execute("ALTER SYSTEM SET synchronous_standby_names = " + literal(STANDBY_SLOT),
                "ALTER SYSTEM SET synchronized_standby_slots = " + literal(STANDBY_SLOT), "SELECT pg_reload_conf()",
                "CREATE TABLE t (id int PRIMARY KEY)");
        String slot = uniqueSlot("failover");
        String hosts = hosts();
        Gate gate = new Gate();
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=t&slotFailover=true&readTimeout=3000").replaceFirst("host=[^&]*&port=\\d+",
                        "host=" + hosts)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    gate.pass(event);
                    received.add(event);
                });
            }
        });
        awaitStreaming(slot);
        assertThat(isFailoverSlot(slot)).isTrue();
        Await.until("slot " + slot + " synced to the standby", WAIT, () -> standby.queryForObject(
                "SELECT count(*)::int FROM pg_replication_slots WHERE slot_name = ? AND synced", Integer.class,
                slot) == 1);

        Writer writer = new Writer(hosts);
        try {
            Await.until("changes streaming before the crash", WAIT, () -> ids(received.snapshot()).size() >= 100);
            primary.kill();
            long crashedAfter = writer.committed().size();
            Instant crash = Instant.now();
            standby.promote();
            current = standby;
            Await.until("the writer committing on the promoted standby", WAIT,
                    () -> writer.committed().size() >= crashedAfter + 100);
            Await.until("a change written after the promotion to arrive", WAIT,
                    () -> ids(received.snapshot()).stream().anyMatch(id -> id > writer.firstAfter(crash)));
            System.out.printf("failover: first change from the promoted standby %d ms after the crash%n",
                    Duration.between(crash, Instant.now()).toMillis());
        } finally {
            writer.close();
        }
        Set<Integer> inTable = new HashSet<>(standby.queryForList("SELECT id FROM t").stream()
                .map(row -> (Integer) row.get("id")).toList());
        assertThat(inTable).as("every commit the writer saw succeed").containsAll(writer.committed());
        List<ChangeEvent> all = Await.until("every row of the promoted standby's table", WAIT, received::snapshot,
                events -> ids(events).containsAll(inTable));
        assertThat(ids(all)).as("nothing that is not in the table").isEqualTo(inTable);
        System.out.printf("failover: %d rows, %d redelivered%n", inTable.size(), all.size() - inTable.size());

        // the promoted standby's slot moves past a change only once the route completed it
        int held = writer.unusedId();
        gate.hold(held);
        standby.execute("INSERT INTO t VALUES (" + held + ")");
        ChangeEvent heldEvent = gate.awaitHeld();
        long updates = consumer(context).stats().statusUpdateCount();
        Await.until("status updates sent while the change is in the route", WAIT,
                () -> consumer(context).stats().statusUpdateCount() >= updates + 3);
        assertThat(confirmedFlush(slot)).isLessThan(heldEvent.getCommitLsn().value());
        gate.release();
        Await.until("the slot confirmed past the completed change", WAIT,
                () -> confirmedFlush(slot) >= heldEvent.getCommitLsn().value());
    }

    @Test
    void setupNamesWhatSlotSyncLacksOnThePrimaryAndOnTheStandby() throws Exception {
        startPrimaryAndStandby();
        current = primary;
        standby.execute("ALTER SYSTEM SET hot_standby_feedback = off",
                "ALTER SYSTEM SET primary_conninfo = 'host=" + primary.host() + " port=" + primary.port()
                        + " user=postgres password=postgres'", "SELECT pg_reload_conf()");
        Await.until("the standby streaming through its slot", WAIT, () -> primary.queryForObject(
                "SELECT count(*)::int FROM pg_replication_slots WHERE slot_name = ? AND active", Integer.class,
                STANDBY_SLOT) == 1);

        SetupPlan plan;
        try (Connection connection = primary.connect()) {
            plan = Setup.plan(connection, SetupRequest.builder().slotName("checked").publicationName("checked")
                    .slotFailover(true).build());
        }
        assertThat(plan.warnings()).anySatisfy(warning -> assertThat(warning).contains(
                "synchronized_standby_slots does not name " + STANDBY_SLOT,
                "ALTER SYSTEM SET synchronized_standby_slots = '\"" + STANDBY_SLOT + "\"'"));
        try (Connection onStandby = standby.connect(); Connection onPrimary = primary.connect()) {
            assertThat(StandbyInspector.missing(onStandby, "standby:1", "shop")).singleElement().asString()
                    .contains("on standby standby:1", "hot_standby_feedback is off", "primary_conninfo names no"
                            + " database", "ALTER SYSTEM SET hot_standby_feedback = on;", "dbname=shop")
                    .doesNotContain("sync_replication_slots", "primary_slot_name", "password=");
            assertThat(StandbyInspector.missing(onPrimary, "primary:1", "shop")).isEmpty();
        }
    }

    @Test
    void anExistingSlotIsMadeAFailoverSlot() throws Exception {
        String slot = primaryWithExistingSlot("altered");
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=t&slotFailover=true")).to("log:altered?level=DEBUG");
            }
        });
        awaitStreaming(slot);
        assertThat(isFailoverSlot(slot)).isTrue();
    }

    @Test
    void inValidateModeAnExistingSlotIsNotAlteredAndTheErrorNamesTheCommand() throws Exception {
        String slot = primaryWithExistingSlot("validated");
        SetupFailedException failure;
        try {
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(slot, "tables=t&slotFailover=true&setupMode=VALIDATE&snapshotMode=never"))
                            .to("log:never");
                }
            });
            throw new AssertionError("start should fail: validate mode may not make the slot a failover slot");
        } catch (Exception e) {
            failure = setupFailure(e);
        }
        assertThat(failure.getMessage()).contains("ALTER_REPLICATION_SLOT \"" + slot + "\" ( FAILOVER true )",
                "replication=database", "is no failover slot");
        assertThat(isFailoverSlot(slot)).isFalse();
    }

    /** Starts a PostgreSQL 18 primary with a table t, and a publication and a slot (no failover slot) named after it. */
    private String primaryWithExistingSlot(String prefix) {
        startPrimary();
        current = primary;
        String slot = uniqueSlot(prefix);
        primary.execute("CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION " + slot + " FOR TABLE t",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        return slot;
    }

    private boolean isFailoverSlot(String slot) {
        return primary.queryForObject("SELECT failover FROM pg_replication_slots WHERE slot_name = ?", Boolean.class,
                slot);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static Set<Integer> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> (Integer) e.getAfter().get("id")).collect(Collectors.toSet());
    }

    /** Holds the route on one row until released. */
    private static final class Gate {
        private volatile int heldId = -1;
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile ChangeEvent held;

        void hold(int id) {
            heldId = id;
        }

        void pass(ChangeEvent event) throws InterruptedException {
            if (Integer.valueOf(heldId).equals(event.getAfter().get("id"))) {
                held = event;
                arrived.countDown();
                assertThat(released.await(2, TimeUnit.MINUTES)).isTrue();
            }
        }

        ChangeEvent awaitHeld() throws InterruptedException {
            assertThat(arrived.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the held change reached the route")
                    .isTrue();
            return held;
        }

        void release() {
            released.countDown();
        }
    }

    /**
     * Inserts rows one transaction each through the multi-host list, reconnecting after a failure; knows which
     * commits succeeded (those must survive) and which failed with an unknown outcome.
     */
    private static final class Writer implements AutoCloseable {
        private final Set<Integer> committed = ConcurrentHashMap.newKeySet();
        private final Map<Integer, Instant> commitTimes = new ConcurrentHashMap<>();
        private final AtomicLong nextId = new AtomicLong(1);
        private final PrimaryWriter writer;

        Writer(String hosts) {
            this.writer = new PrimaryWriter(hosts, "failover-writer", this::insert);
        }

        Set<Integer> committed() {
            return committed;
        }

        /** An id the writer has not used and will not use. */
        int unusedId() {
            return (int) nextId.get();
        }

        /** The first id committed after this instant. */
        int firstAfter(Instant instant) {
            return commitTimes.entrySet().stream().filter(e -> e.getValue().isAfter(instant))
                    .mapToInt(Map.Entry::getKey).min().orElse(Integer.MAX_VALUE);
        }

        private void insert(Connection connection, BooleanSupplier running) throws SQLException {
            try (Statement settings = connection.createStatement()) {
                // the harness turns synchronous_commit off; on, a commit waits for the standby's flush
                settings.execute("SET synchronous_commit = on");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?)")) {
                while (running.getAsBoolean()) {
                    int id = (int) nextId.getAndIncrement();
                    insert.setInt(1, id);
                    insert.executeUpdate();
                    committed.add(id);
                    commitTimes.put(id, Instant.now());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            writer.close();
        }
    }
}
