package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A re-snapshot request through the signal table survives a consumer that stops between claiming it and saving its
 * progress. The stream has confirmed the signal by then (it is never delivered to the route), so the next start must
 * find the request in the table.
 */
class SignalRequestTest extends SnapshotTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @TempDir
    Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    /** The save throws a RuntimeException or an Error: either is reported, and neither loses the request. */
    @ParameterizedTest(name = "error={0}")
    @ValueSource(booleans = {false, true})
    void aRequestWhoseProgressCouldNotBeSavedIsTakenOnTheNextStart(boolean error) throws Exception {
        String slot = uniqueSlot("signal_save");
        String table = table(slot);
        FailingOnce repository = new FailingOnce(error);
        String options = "tables=" + table + "&snapshotStateRepository=#failing";
        Received first = new Received();
        CamelContext context = consume(slot, options, repository, first);
        awaitSnapshotted(context);
        assertThat(reads(first.await(3), table)).isEqualTo(3);

        repository.failNext = true;
        requestSnapshot(slot, table);
        Await.until("the request's save failed", Duration.ofSeconds(30),
                () -> consumer(context).snapshotError() != null);
        assertThat(repository.failNext).isFalse();
        awaitCaughtUp(slot); // the stream confirmed the signal: it does not bring it again
        context.stop();

        Received second = new Received();
        CamelContext restarted = consume(slot, options, repository, second);
        second.awaitMatching("the table snapshotted again", events -> reads(events, table) == 3);
        awaitSnapshotted(restarted);
        assertThat(reads(second.snapshot(), table)).as("snapshotted once more, not twice").isEqualTo(3);
        assertThat(signalRows(slot)).isZero();
    }

    /**
     * The consumer's JVM is killed while its claim of a request is stuck (a trigger holds the signal row's delete on
     * an advisory lock the test holds), after the stream confirmed the signal; the killed session's delete finishes
     * afterwards.
     */
    @Test
    void aRequestBeingClaimedWhenTheConsumerIsKilledIsTakenOnRestart() throws Exception {
        String slot = uniqueSlot("signal_kill");
        String table = table(slot);
        String options = "tables=" + table;
        Process child = SnapshotChild.start(dir, uri(slot, options), "-", "256m");
        try (Connection holder = pg().connect()) {
            try {
                Await.until("the child's snapshot done", Duration.ofSeconds(60), () -> snapshotDone(slot, table));
                String hold = slot + "_hold";
                try (Statement statement = holder.createStatement()) {
                    statement.execute("SELECT pg_advisory_lock(hashtext('" + hold + "'))");
                }
                pg().execute("CREATE FUNCTION \"" + hold + "\"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                                + " PERFORM pg_advisory_xact_lock(hashtext('" + hold + "')); RETURN OLD; END $$",
                        "CREATE TRIGGER \"" + hold + "\" BEFORE DELETE ON pgcdc_signal FOR EACH ROW WHEN"
                                + " (OLD.slot_name = '" + slot + "' AND OLD.kind = 'snapshot') EXECUTE FUNCTION \""
                                + hold + "\"()");
                requestSnapshot(slot, table);
                Await.until("the child's claim waiting in the trigger", Duration.ofSeconds(30),
                        () -> pg().queryForObject("SELECT count(*)::int FROM pg_stat_activity WHERE application_name"
                                + " = ? AND wait_event = 'advisory'", Integer.class, "pgcdc " + slot + " signal") == 1);
                awaitCaughtUp(slot); // the stream confirmed the signal: it does not bring it again
            } finally {
                SnapshotChild.kill(child);
            }
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock_all()");
            }
            pg().execute("DROP TRIGGER \"" + slot + "_hold\" ON pgcdc_signal");
        }

        Received received = new Received();
        CamelContext restarted = consume(slot, options, null, received);
        received.awaitMatching("the table snapshotted again", events -> reads(events, table) == 3);
        awaitSnapshotted(restarted);
        assertThat(signalRows(slot)).isZero();
    }

    /**
     * Requests made while the consumer is stopped reach the next one twice, through the stream and in the table on
     * start: each is acted on once. Both deliveries go to the one thread that handles signals in order, so once a
     * request made after catching up is acted on, the earlier deliveries have been handled too.
     */
    @Test
    void aRequestMadeWhileTheConsumerIsStoppedIsActedOnOnce() throws Exception {
        String slot = uniqueSlot("signal_twice");
        String first = table(slot + "_a");
        String second = table(slot + "_b");
        String third = table(slot + "_c");
        String options = "tables=" + first + "," + second + "," + third;
        CamelContext context = consume(slot, options, null, new Received());
        awaitSnapshotted(context);
        context.stop();

        requestSnapshot(slot, first);
        requestSnapshot(slot, second);
        Received received = new Received();
        CamelContext restarted = consume(slot, options, null, received);
        awaitCaughtUp(slot);
        requestSnapshot(slot, third);
        received.awaitMatching("the table requested last snapshotted again", events -> reads(events, third) == 3);
        awaitSnapshotted(restarted);
        List<ChangeEvent> events = received.snapshot();
        assertThat(reads(events, first)).as("snapshotted once more, not twice").isEqualTo(3);
        assertThat(reads(events, second)).as("snapshotted once more, not twice").isEqualTo(3);
        assertThat(signalRows(slot)).isZero();
    }

    /**
     * A backend left holding a waiting request's row lock (here a test's open transaction) holds up neither the
     * consumer's start nor its stream: the claim gives up waiting after a while and is tried again, on a new
     * connection, until the lock is gone; then the table is snapshotted once.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRequestWhoseRowIsLockedElsewhereIsClaimedOnceTheLockIsGone() throws Exception {
        String slot = uniqueSlot("signal_locked");
        String table = table(slot);
        String options = "tables=" + table;
        CamelContext context = consume(slot, options, null, new Received());
        awaitSnapshotted(context);
        context.stop();

        requestSnapshot(slot, table);
        try (Connection holder = pg().connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement(
                    "SELECT id FROM pgcdc_signal WHERE slot_name = ? FOR UPDATE")) {
                ps.setString(1, slot);
                ps.executeQuery().close();
            }
            Received received = new Received();
            consume(slot, options, null, received); // returns although the request's row is locked
            awaitCaughtUp(slot);
            String waiting = "SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE application_name = ?"
                    + " AND wait_event_type = 'Lock'";
            String app = "pgcdc " + slot + " signal";
            AtomicInteger claim = new AtomicInteger();
            Await.until("a claim waiting for the row lock", Duration.ofSeconds(30),
                    () -> claim.updateAndGet(pid -> pg().queryForObject(waiting, Integer.class, app)) != 0);
            Await.until("the claim tried again after its lock timeout", Duration.ofSeconds(30), () -> {
                int now = pg().queryForObject(waiting, Integer.class, app);
                return now != 0 && now != claim.get();
            });
            holder.rollback();
            received.awaitMatching("the table snapshotted again", events -> reads(events, table) == 3);
            assertThat(signalRows(slot)).isZero();
        }
    }

    /** Snapshot progress in memory whose next save fails once {@link #failNext} is set, with an Error if asked. */
    static final class FailingOnce extends MemoryStateRepository {
        volatile boolean failNext;
        private final boolean error;

        FailingOnce(boolean error) {
            this.error = error;
        }

        @Override
        public void setState(String key, String value) {
            if (failNext) {
                failNext = false;
                if (error) {
                    throw new AssertionError("the state repository is unavailable");
                }
                throw new IllegalStateException("the state repository is unavailable");
            }
            super.setState(key, value);
        }
    }

    private String table(String slot) {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
                "INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(1, 3) g");
        return table;
    }

    private void requestSnapshot(String slot, String table) throws Exception {
        try (Connection connection = pg().connect(); PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO pgcdc_signal (slot_name, kind, table_name) VALUES (?, 'snapshot', ?)")) {
            ps.setString(1, slot);
            ps.setString(2, "public." + table);
            ps.executeUpdate();
        }
    }

    private int signalRows(String slot) {
        return pg().queryForObject("SELECT count(*)::int FROM pgcdc_signal WHERE slot_name = ?", Integer.class, slot);
    }

    private boolean snapshotDone(String slot, String table) {
        return !pg().queryForObject("SELECT to_regclass('pgcdc_snapshot_state') IS NULL", Boolean.class)
                && pg().queryForObject("SELECT count(*)::int FROM pgcdc_snapshot_state WHERE slot_name = ?"
                        + " AND table_name = ? AND done", Integer.class, slot, table) == 1;
    }

    private CamelContext consume(String slot, String options, MemoryStateRepository repository, Received received)
            throws Exception {
        return start(new RouteBuilder() {
            @Override
            public void configure() {
                if (repository != null) {
                    bindToRegistry("failing", repository);
                }
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
    }

    private static void awaitSnapshotted(CamelContext context) {
        Await.until("snapshot complete", Duration.ofSeconds(30),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
    }

    private static long reads(List<ChangeEvent> events, String table) {
        return events.stream().filter(e -> e.getOp() == Operation.READ && e.getTable().equals(table)).count();
    }
}
