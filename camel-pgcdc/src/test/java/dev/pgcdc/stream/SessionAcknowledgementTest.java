package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.pg.Catalog;
import org.junit.jupiter.api.Test;

/**
 * How a session's changes are settled and acknowledged, driven deterministically through its decoder callbacks: a
 * failure stops delivery even while the session waits for room, a failure without a cause still ends the session,
 * heartbeat messages never reach the sink, and the statistics follow the tracker's confirmable position on every path.
 */
class SessionAcknowledgementTest {

    private static final Instant COMMITTED = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFailureWhileWaitingForRoomStopsDeliveryEvenWhenAnOlderCompletionFreesIt() throws Exception {
        Sink sink = new Sink();
        ReplicationSession session = session(sink, 2, DecodingOptions.DEFAULT, new StreamStats());
        session.begin(1, Lsn.of(900), COMMITTED);
        session.change(insert("t", 1));
        session.change(insert("t", 2));
        session.change(insert("t", 3)); // delivers 1 and 2: the window of two is full
        assertThat(sink.seqs()).containsExactly(0L, 1L);

        // the replication thread delivers 3 at the commit once there is room
        Thread replication = new Thread(() -> session.commit(Lsn.of(900), Lsn.of(1000), COMMITTED));
        replication.start();
        Await.until("the replication thread waits for room", Duration.ofSeconds(10),
                () -> replication.getState() == Thread.State.TIMED_WAITING);
        // change 2 fails, then change 1 completes and frees a place: 3 must not reach the route after 2 failed
        session.failed(1, new IllegalStateException("route failed"));
        session.completed(0);
        replication.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(replication.isAlive()).isFalse();
        assertThat(sink.seqs()).containsExactly(0L, 1L);
        assertThat(session.run()).isEqualTo(ReplicationSession.Outcome.ROUTE_FAILED);
    }

    @Test
    void aFailureWithoutACauseEndsTheSession() throws Exception {
        Sink sink = new Sink();
        ReplicationSession session = session(sink, 1, DecodingOptions.DEFAULT, new StreamStats());
        session.begin(1, Lsn.of(900), COMMITTED);
        session.change(insert("t", 1));
        session.commit(Lsn.of(900), Lsn.of(1000), COMMITTED);
        assertThat(sink.seqs()).containsExactly(0L);

        session.failed(0, null);

        assertThat(session.routeFailure()).isNotNull().hasMessageContaining("without an exception");
        // the session ends rather than waiting for a change that never completes
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                return session.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(10, TimeUnit.SECONDS)).isEqualTo(ReplicationSession.Outcome.ROUTE_FAILED);
    }

    @Test
    void heartbeatMessagesNeverReachTheSinkButOtherMessagesDo() {
        Sink sink = new Sink();
        DecodingOptions messages = new DecodingOptions(false, false, true, TableFilter.ALL, ColumnFilter.ALL);
        ReplicationSession session = session(sink, 8, messages, new StreamStats());
        session.begin(1, Lsn.of(900), COMMITTED);
        session.message(message(Heartbeat.MESSAGE_PREFIX, 900));
        session.commit(Lsn.of(900), Lsn.of(1000), COMMITTED);
        session.begin(2, Lsn.of(1900), COMMITTED);
        session.message(message("app", 1900));
        session.commit(Lsn.of(1900), Lsn.of(2000), COMMITTED);

        assertThat(sink.records()).extracting(r -> ((LogicalMessage) r).getPrefix()).containsExactly("app");
    }

    @Test
    void statisticsFollowTheConfirmablePositionOnEveryPath() {
        // completes each change as it is delivered, before the session records its commit
        Sink sink = new Sink(true);
        StreamStats stats = new StreamStats();
        DecodingOptions onlyT = new DecodingOptions(false, false, false, TableFilter.of("public.t", null),
                ColumnFilter.ALL);
        ReplicationSession session = session(sink, 8, onlyT, stats);
        assertThat(stats.acknowledgedLsn()).as("where the session starts").isEqualTo(500);

        // a transaction of filtered changes only: confirmable at its commit, with nothing completing
        session.begin(1, Lsn.of(900), COMMITTED);
        session.change(insert("other", 1));
        session.commit(Lsn.of(900), Lsn.of(1000), COMMITTED);
        assertThat(stats.acknowledgedLsn()).as("after a filtered transaction").isEqualTo(1000);

        // a change that completes before its commit is recorded: the commit alone moves the position
        session.begin(2, Lsn.of(1900), COMMITTED);
        session.change(insert("t", 1));
        session.change(insert("other", 2));
        session.commit(Lsn.of(1900), Lsn.of(2000), COMMITTED);
        assertThat(sink.seqs()).containsExactly(0L);
        assertThat(stats.acknowledgedLsn()).as("after the commit of a completed change").isEqualTo(2000);
        assertThat(stats.completedCount()).isEqualTo(1);

        stats.sessionEnded();
        assertThat(stats.acknowledgedLsn()).as("between sessions").isEqualTo(2000);
        session(sink, 8, onlyT, stats);
        assertThat(stats.acknowledgedLsn()).as("a new session starting behind it").isEqualTo(2000);
    }

    private static ReplicationSession session(Sink sink, int maxInflight, DecodingOptions decoding,
                                              StreamStats stats) {
        StreamOptions options = new StreamOptions("unit", new PgOutputPlugin(List.of("unit")), maxInflight,
                Duration.ofSeconds(10), Duration.ofSeconds(5), decoding, 0, 1000);
        return new ReplicationSession(new IdleSource(), options, sink, 500, stats, Catalog.NONE, StreamTap.NONE);
    }

    private static ChangeEvent insert(String table, int id) {
        Map<String, Object> row = Map.of("id", id);
        return new ChangeEvent(Operation.INSERT, "public", table, row, null, row, null, Lsn.of(800 + id), null, 1,
                COMMITTED, false);
    }

    private static LogicalMessage message(String prefix, long lsn) {
        return new LogicalMessage(true, Lsn.of(lsn), prefix, "beat".getBytes(StandardCharsets.UTF_8), null, 1,
                COMMITTED);
    }

    /** A source with nothing to read: the tests call the session's decoder callbacks themselves. */
    private static final class IdleSource implements WalSource {

        @Override
        public ByteBuffer readPending() {
            return null;
        }

        @Override
        public long messageLsn() {
            return 0;
        }

        @Override
        public long idlePosition() {
            return 0;
        }

        @Override
        public long report(long confirmable, boolean force) {
            return confirmable;
        }

        @Override
        public void requireAlive() {
        }

        @Override
        public boolean finished() {
            return false;
        }
    }

    /** Records what the session delivers; the tests settle the changes themselves unless it completes them. */
    private static final class Sink implements ChangeSink {

        private final List<Long> seqs = new ArrayList<>();
        private final List<ChangeRecord> records = new ArrayList<>();
        private final boolean completeAtOnce;

        Sink() {
            this(false);
        }

        Sink(boolean completeAtOnce) {
            this.completeAtOnce = completeAtOnce;
        }

        @Override
        public void deliver(ChangeRecord record, Delivery delivery, long seq, AckListener listener) {
            synchronized (this) {
                seqs.add(seq);
                records.add(record);
            }
            if (completeAtOnce) {
                listener.completed(seq);
            }
        }

        @Override
        public synchronized void deliverUndecodable(DecodeException failure, Delivery delivery, long seq,
                                                    AckListener listener) {
            seqs.add(seq);
            records.add(null);
        }

        @Override
        public void discardPending() {
        }

        synchronized List<Long> seqs() {
            return new ArrayList<>(seqs);
        }

        synchronized List<ChangeRecord> records() {
            return new ArrayList<>(records);
        }
    }
}
