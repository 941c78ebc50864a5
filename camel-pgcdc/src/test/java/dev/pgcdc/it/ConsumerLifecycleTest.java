package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.LazyConnection;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.snapshot.TableStateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starting and stopping leave nothing behind: no thread of the consumer and no session of it on the server, also
 * when the stop is cut short. On a cluster of its own, so that sessions of other tests do not count.
 */
class ConsumerLifecycleTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void aStopCutShortByCamelsTimeoutStillEndsEveryThreadAndTheHeartbeat() throws Exception {
        String slot = uniqueSlot("cut_short");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        CountDownLatch release = new CountDownLatch(1);
        Received entered = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&heartbeatInterval=1000")).routeId(slot).process(e -> {
                    entered.add(e.getIn().getBody(ChangeEvent.class));
                    release.await(60, TimeUnit.SECONDS);
                });
            }
        });
        try {
            awaitStreaming(slot);
            Await.until("a heartbeat session", Duration.ofSeconds(20), () -> heartbeatSessions() > 0);
            pg().execute("INSERT INTO " + table + " VALUES (1)");
            entered.await(1);

            // the exchange outlives Camel's timeout: the shutdown strategy interrupts the consumer's stop
            context.getRouteController().stopRoute(slot, 1, TimeUnit.SECONDS);

            Await.until("no thread of the consumer left", Duration.ofSeconds(20), () -> consumerThreads(slot),
                    List::isEmpty);
            Await.until("no heartbeat session left", Duration.ofSeconds(20), () -> heartbeatSessions() == 0);
            assertThat(slot(slot).active()).isFalse();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailedSnapshotTurnsHealthDownAndARestartThatSucceedsClearsIt() throws Exception {
        String slot = uniqueSlot("snapshot_health");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)",
                "INSERT INTO " + table + " SELECT generate_series(1, 3)");
        UnwritableProgress repository = new UnwritableProgress();
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                bindToRegistry("progress", repository);
                from(uri(slot, "tables=" + table + "&snapshotMode=initial&snapshotStateRepository=#progress"))
                        .routeId(slot).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        HealthCheck.Result down = Await.until("health DOWN", Duration.ofSeconds(30),
                () -> OperationsTest.consumerHealth(context),
                r -> r.isPresent() && r.get().getState() == HealthCheck.State.DOWN).get();
        assertThat(down.getMessage()).get().asString().contains("snapshot of").contains("unavailable");
        assertThat(consumer(context).snapshotPhase()).isEqualTo(SnapshotPhase.FAILED);

        context.getRouteController().stopRoute(slot);
        repository.failing = false;
        context.getRouteController().startRoute(slot);
        Await.until("health UP", Duration.ofSeconds(30), () -> OperationsTest.consumerHealth(context),
                r -> r.isPresent() && r.get().getState() == HealthCheck.State.UP);
        received.awaitMatching("the table snapshotted", events -> events.size() >= 3);
        Await.until("snapshot complete", Duration.ofSeconds(30),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        assertThat(consumer(context).snapshotError()).isNull();
        assertThat(OperationsTest.consumerHealth(context)).get().extracting(HealthCheck.Result::getState)
                .isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aStopEndsAStartWaitingToCreateTheSlotAndLeavesNothingBehind() throws Exception {
        String slot = uniqueSlot("waiting_start");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        try (Connection open = pg().connect(); Statement statement = open.createStatement()) {
            // a slot's creation waits for every open transaction that has a transaction id
            open.setAutoCommit(false);
            statement.execute("SELECT txid_current()");
            CamelContext context = new DefaultCamelContext();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(slot, "tables=" + table)).routeId(slot).to("log:" + slot);
                }
            });
            contexts.add(context);
            CompletableFuture<Void> started = CompletableFuture.runAsync(context::start);
            Await.until("the start waiting for the open transaction", Duration.ofSeconds(30), () -> pg().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE ? AND wait_event_type = 'Lock'",
                    Integer.class, "pgcdc " + slot + "%") > 0);

            CompletableFuture.runAsync(context::stop).get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            Await.until("no session of the consumer left", Duration.ofSeconds(20), () -> pg().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE ?", Integer.class,
                    "pgcdc " + slot + "%") == 0);
            assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
            Await.until("no thread of the consumer left", Duration.ofSeconds(20),
                    () -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                            .filter(name -> name.contains(slot + " ") || name.endsWith(slot)).toList(), List::isEmpty);
        }
    }

    /**
     * The creation lock of a slot decoded from a standby (primaryHost; here the server itself, which setup treats as
     * a promoted standby) may be held by another session for long: a stop ends the start waiting for it.
     */
    @Test
    void aStopEndsAStartWaitingForTheSlotsCreationLock() throws Exception {
        String slot = uniqueSlot("lock_wait");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        try (Connection holder = pg().connect(); Statement statement = holder.createStatement()) {
            // another instance creating the slot holds its creation lock
            statement.execute("SELECT pg_advisory_lock(x'70676353'::int, hashtext('" + slot + "'))");
            CamelContext context = new DefaultCamelContext();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(slot, "tables=" + table + "&primaryHost=" + pg().host() + ":" + pg().port()))
                            .routeId(slot).to("log:" + slot);
                }
            });
            contexts.add(context);
            CompletableFuture<Void> started = CompletableFuture.runAsync(context::start);
            Await.until("the start waiting for the creation lock", Duration.ofSeconds(30), () -> pg().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE ? AND wait_event = 'advisory'",
                    Integer.class, "pgcdc " + slot + "%") > 0);

            CompletableFuture.runAsync(context::stop).get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            Await.until("no session of the consumer left", Duration.ofSeconds(20), () -> pg().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE ?", Integer.class,
                    "pgcdc " + slot + "%") == 0);
            assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        }
    }

    /**
     * With dropSlotOnStop, a start that fails after setup (here the snapshot, reading its saved progress) drops the
     * slot it created, so nothing retains WAL; a slot that existed before holds changes not yet delivered and stays.
     */
    @Test
    void aFailedStartDropsTheSlotOnlyWhenItCreatedIt() throws Exception {
        String created = uniqueSlot("failed_start_new");
        String existing = uniqueSlot("failed_start_old");
        pg().execute("CREATE TABLE " + created + "_t (id int PRIMARY KEY)",
                "CREATE TABLE " + existing + "_t (id int PRIMARY KEY)",
                "SELECT pg_create_logical_replication_slot('" + existing + "', 'pgoutput')");
        for (String slot : List.of(created, existing)) {
            MemoryStateRepository unreadable = new MemoryStateRepository() {
                @Override
                public String getState(String key) {
                    if (key.contains("/")) {
                        throw new IllegalStateException("the state repository is unavailable");
                    }
                    return super.getState(key);
                }
            };
            Throwable failure = catchThrowable(() -> start(new RouteBuilder() {
                @Override
                public void configure() {
                    bindToRegistry("progress", unreadable);
                    from(uri(slot, "tables=" + slot + "_t&snapshotMode=initial&snapshotStateRepository=#progress"
                            + "&dropSlotOnStop=true")).routeId(slot).to("log:" + slot);
                }
            }));
            assertThat(rootMessage(failure)).isEqualTo("the state repository is unavailable");
        }
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(created));
        assertThat(pg().replicationSlots()).anyMatch(s -> s.slotName().equals(existing));
        pg().execute("SELECT pg_drop_replication_slot('" + existing + "')");
    }

    @Test
    void aSetupThatFailsKeepsASlotThatExisted() throws Exception {
        String slot = uniqueSlot("failed_setup_old");
        pg().execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            Throwable failure = catchThrowable(() -> start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(slot, "tables=no_such_table_rv&dropSlotOnStop=true")).routeId(slot).to("log:" + slot);
                }
            }));
            assertThat(rootMessage(failure)).contains("no_such_table_rv");
            assertThat(pg().replicationSlots()).anyMatch(s -> s.slotName().equals(slot));
        } finally {
            pg().execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = '" + slot + "'");
        }
    }

    @Test
    void closedConnectionsDoNotQuietlyOpenAgain() throws Exception {
        PgConnector connector = new PgConnector(new ConnectionSettings(pg().host(), pg().port(), "postgres",
                pg().superuser(), null, 10));
        LazyConnection lazy = new LazyConnection(connector, "pgcdc closed lazy");
        PgCatalog catalog = new PgCatalog(connector, "pgcdc closed catalog");
        TableStateStore store = new TableStateStore(connector, "closed", new TableName("public", "pgcdc_closed_state"));
        try {
            lazy.get();
            catalog.publishedTables("none");
            lazy.close();
            catalog.close();
            store.close();
            assertThatThrownBy(lazy::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> catalog.publishedTables("none")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> store.load(new TableName("public", "t")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            Await.until("the closed connections gone", Duration.ofSeconds(10), () -> pg().queryForObject(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE 'pgcdc closed%'",
                    Integer.class) == 0);
            connector.close();
            assertThatThrownBy(() -> connector.openJdbc("pgcdc closed connector"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            lazy.close();
            catalog.close();
            store.close();
            connector.close();
        }
    }

    /** A state repository that cannot save a table's progress while {@link #failing}. */
    static final class UnwritableProgress extends MemoryStateRepository {
        volatile boolean failing = true;

        @Override
        public void setState(String key, String value) {
            if (failing && key.contains("/")) {
                throw new IllegalStateException("the state repository is unavailable");
            }
            super.setState(key, value);
        }
    }

    private int heartbeatSessions() {
        return pg().queryForObject("SELECT count(*)::int FROM pg_stat_activity"
                + " WHERE application_name = 'pgcdc heartbeat'", Integer.class);
    }

    /** The consumer's pools name their threads after the slot. */
    static List<String> consumerThreads(String slot) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.endsWith("pgcdc-" + slot) || name.endsWith("pgcdc-monitor-" + slot)
                        || name.contains("pgcdc-" + slot + "-"))
                .toList();
    }
}
