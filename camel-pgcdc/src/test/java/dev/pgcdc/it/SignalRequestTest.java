package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

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
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aRequestWhoseProgressCouldNotBeSavedIsTakenOnTheNextStart() throws Exception {
        String slot = uniqueSlot("signal_save");
        String table = table(slot);
        FailingOnce repository = new FailingOnce();
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
     * start: each is acted on once. The stream brings them to the one thread that handles signals in order, so once
     * the second table is snapshotted again the first request's stream delivery has been handled too.
     */
    @Test
    void aRequestMadeWhileTheConsumerIsStoppedIsActedOnOnce() throws Exception {
        String slot = uniqueSlot("signal_twice");
        String first = table(slot + "_a");
        String second = table(slot + "_b");
        String options = "tables=" + first + "," + second;
        CamelContext context = consume(slot, options, null, new Received());
        awaitSnapshotted(context);
        context.stop();

        requestSnapshot(slot, first);
        requestSnapshot(slot, second);
        Received received = new Received();
        CamelContext restarted = consume(slot, options, null, received);
        received.awaitMatching("both tables snapshotted again",
                events -> reads(events, first) >= 3 && reads(events, second) == 3);
        awaitCaughtUp(slot);
        awaitSnapshotted(restarted);
        assertThat(reads(received.snapshot(), first)).as("snapshotted once more, not twice").isEqualTo(3);
        assertThat(signalRows(slot)).isZero();
    }

    /** Snapshot progress in memory whose next save fails once {@link #failNext} is set. */
    static final class FailingOnce extends MemoryStateRepository {
        volatile boolean failNext;

        @Override
        public void setState(String key, String value) {
            if (failNext) {
                failNext = false;
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
