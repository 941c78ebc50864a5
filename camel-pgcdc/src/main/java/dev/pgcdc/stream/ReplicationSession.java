package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.pgcdc.ack.AckTracker;
import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One life of a replication stream: reads, decodes and hands changes to the sink, and reports the acknowledged
 * position back to the server. It reads from a {@link WalSource}: the walsender's stream, or a far-behind slot's
 * backlog through the SQL interface (catch-up), which ends the session once near the head. Everything that touches the
 * source happens on the thread calling {@link #run}, because the pgjdbc stream is not thread-safe; other threads only
 * flip flags and complete changes. The one exception: the sink may run the route on this thread, and while a route
 * keeps it long, {@link #keepAlive} reports to the server from another thread, the source lent to it under a lock that
 * the session's thread holds at all other times.
 *
 * <p>Changes of tables the {@link dev.pgcdc.filter.TableFilter} excludes are never registered, so they count as done
 * at once: the transaction's commit mark alone lets the slot advance past them. When a Relation message changes a
 * table's columns, the session logs it and flags the table's next change as the first of the new schema.
 *
 * <p>The session stops delivering for good at the first stop request or route failure: from then on no change is
 * registered and no commit recorded, so nothing decoded after that point can ever be acknowledged.
 */
final class ReplicationSession implements DecodeListener, AckListener, StreamTap.Emitter {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSession.class);

    /** Progress is reported at most this often, so a fast stream costs a handful of status messages a second. */
    private static final long PROGRESS_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * The idle loop's pause between polls, doubling up to the maximum while nothing arrives; the source may end it
     * sooner when it has more ({@link WalSource#pause}). Inside a transaction it starts at a quarter millisecond: the
     * walsender is still sending the transaction one message at a time, a shorter pause reads a change or two per
     * wake-up, and on a machine with few cores each wake-up can preempt the walsender. After a commit it starts short,
     * since the next transaction may be one whose first message someone waits for (a snapshot's watermark).
     */
    private static final long MIN_PARK_IN_TRANSACTION_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SERVICE_SLICE_MILLIS = 50;

    enum Outcome { STOPPED, ROUTE_FAILED, CAUGHT_UP }

    private final WalSource source;
    private final StreamOptions options;
    private final ChangeSink sink;
    private final AckTracker tracker;
    private final ChangeDecoder decoder;
    private final StreamStats stats;
    /** The relations seen in this session, to tell a changed schema from a first description. */
    private final Map<Integer, RelationInfo> relations = new HashMap<>();
    /** Tables ({@code schema.table}) whose next change is the first after their columns changed. */
    private final Set<String> schemaChanged = new HashSet<>();
    private final StreamTap tap;

    private volatile boolean stopRequested;
    private volatile Throwable routeFailure;
    /** The source had nothing more to give (catch-up reached the head). */
    private boolean caughtUp;
    /** False once stopping or failed: later changes and commits are ignored so they cannot be acknowledged. */
    private boolean delivering = true;
    private boolean inTransaction;
    /** The position the next change of the current transaction gets. */
    private long nextPosition;
    /**
     * The newest change, held back until the next change or the commit arrives, so that it can be marked as the last
     * of its transaction: a sink can then commit a transaction's changes as soon as the last one is in.
     */
    private Held held;
    /**
     * The listener of changes emitted with {@link #emittedCompletion}: a snapshot window emits all its rows with one
     * completion hook, so they share one listener rather than each allocating its own.
     */
    private AckListener emittedListener;
    private Runnable emittedCompletion;
    /** When the message being decoded was sent by the server (its clock; null if unknown) and read here. */
    private Instant sentAt;
    private Instant readAt;
    private long lastStatusNanos = System.nanoTime();
    /** No status message goes out sooner than this after the previous one. */
    private final long minStatusGapNanos;
    private long lastReportedLsn;
    /** Held by the session's thread except while the sink has it ({@link #keepAlive} may then use the source). */
    private final ReentrantLock sourceLock = new ReentrantLock();
    /** Since when the sink has the session's thread (never 0), or 0. */
    private volatile long inSinkSinceNanos;
    /** When {@link #keepAlive} last reported; read and written under {@link #sourceLock}. */
    private long keptAliveNanos;

    ReplicationSession(WalSource source, StreamOptions options, ChangeSink sink, long confirmedLsn,
                       StreamStats stats, Catalog catalog, StreamTap tap) {
        this.source = source;
        this.tap = tap;
        this.options = options;
        this.sink = sink;
        this.stats = stats;
        this.tracker = new AckTracker(options.maxInflight(), confirmedLsn);
        stats.sessionStarted(tracker);
        DecodingOptions decoding = options.decoding();
        this.decoder = options.plugin().decoder(
                decoding.rawText() ? TypeRegistry.rawText() : TypeRegistry.natural(catalog), catalog, decoding);
        this.lastReportedLsn = confirmedLsn;
        this.minStatusGapNanos = Math.min(PROGRESS_GAP_NANOS, options.statusInterval().toNanos());
    }

    /**
     * Streams until {@link #requestStop()}, a route failure or the source's end; connection problems surface as
     * SQLException.
     */
    Outcome run() throws SQLException, InterruptedException {
        sourceLock.lock();
        try {
            pump();
        } catch (StreamIoException e) {
            throw e.getCause();
        } finally {
            delivering = false;
            try {
                drain(caughtUp && routeFailure == null);
            } finally {
                sourceLock.unlock();
                stats.sessionEnded();
                tap.sessionEnded();
            }
        }
        if (routeFailure != null) {
            return Outcome.ROUTE_FAILED;
        }
        return caughtUp ? Outcome.CAUGHT_UP : Outcome.STOPPED;
    }

    Throwable routeFailure() {
        return routeFailure;
    }

    void requestStop() {
        stopRequested = true;
    }

    /**
     * Called from another thread now and then: when the route has kept the session's thread (the sink ran it there)
     * for a status interval without a report, reports the confirmable position, so that the server does not take the
     * silence for a dead reader. Schedule it through {@link dev.pgcdc.task.Periodic#guard}: a run that fails is tried
     * again at the next one, and a dead connection the session's thread meets itself when the route gives it back.
     */
    void keepAlive() throws SQLException {
        long since = inSinkSinceNanos;
        if (since == 0 || !sourceLock.tryLock()) {
            return;
        }
        try {
            long now = System.nanoTime();
            // from the last status anyone sent: the session's own may be nearly an interval old when the route starts
            if (inSinkSinceNanos == since
                    && now - Math.max(lastStatusNanos, keptAliveNanos) >= options.statusInterval().toNanos()) {
                long told = source.keepAlive(tracker.confirmable());
                if (told >= 0) {
                    stats.statusSent(told);
                }
                keptAliveNanos = now;
            }
        } finally {
            sourceLock.unlock();
        }
    }

    private boolean shouldStop() {
        return stopRequested || routeFailure != null || Thread.currentThread().isInterrupted();
    }

    private void pump() throws SQLException, InterruptedException {
        long park = MIN_PARK_NANOS;
        while (!shouldStop()) {
            ByteBuffer message = source.readPending();
            if (message != null) {
                readAt = Instant.now();
                sentAt = SendTime.of(message);
                decode(message);
                park = inTransaction ? MIN_PARK_IN_TRANSACTION_NANOS : MIN_PARK_NANOS;
                reportProgressIfDue(false);
            } else if (source.finished()) {
                caughtUp = true;
                return;
            } else {
                long idle = source.idlePosition();
                if (!inTransaction && delivering && idle != 0) {
                    // Nothing unread and no open transaction: the server's position (a keepalive's WAL end) may be
                    // confirmed.
                    tracker.idle(idle);
                }
                // Checked only here, with everything received read: while the route applies backpressure, unread
                // bytes wait in the socket and the silence is ours, not the server's.
                source.requireAlive();
                reportProgressIfDue(false);
                source.pause(park);
                park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
            }
        }
    }

    /**
     * Decodes one message; one that cannot be decoded takes a change's place, so the route decides what happens to it
     * instead of the stream retrying it forever.
     */
    private void decode(ByteBuffer message) {
        try {
            decoder.decode(message, source.messageLsn(), this);
        } catch (DecodeException e) {
            undecodable(e);
        }
    }

    @Override
    public void undecodable(DecodeException failure) {
        LOG.error("Slot {}: {}", options.slotName(), failure.getMessage());
        hold(null, failure, inTransaction ? nextPosition++ : 0, false, this);
        if (!inTransaction) {
            releaseHeld(true);
        }
    }

    @Override
    public void begin(long xid, Lsn commitLsn, Instant commitTimestamp) {
        inTransaction = true;
        nextPosition = 0;
    }

    @Override
    public void relation(RelationInfo relation) {
        RelationInfo previous = relations.put(relation.getOid(), relation);
        if (previous != null && !previous.sameColumns(relation)) {
            LOG.info("Slot {}: the columns of {}.{} changed to {}; following changes use them", options.slotName(),
                    relation.getSchema(), relation.getTable(), relation.getColumns());
            schemaChanged.add(relation.getSchema() + '.' + relation.getTable());
        }
    }

    @Override
    public void change(ChangeEvent event) {
        // every change counts for the position, filtered or not, so positions are the same on every redelivery
        long position = nextPosition++;
        // the tap (snapshot watermarks, signals) sees every change, before the table filter
        if (delivering && tap.accept(event, this)
                && options.decoding().tables().includes(event.getSchema(), event.getTable())) {
            // the set is almost always empty: then no "schema.table" key is built for every change
            boolean firstOfNewSchema = !schemaChanged.isEmpty()
                    && schemaChanged.remove(event.getSchema() + '.' + event.getTable());
            hold(event, null, position, firstOfNewSchema, this);
        }
    }

    @Override
    public void message(LogicalMessage message) {
        if (Heartbeat.MESSAGE_PREFIX.equals(message.getPrefix())) {
            // pgoutput sends heartbeats with the messages asked for; like a filtered change, one only takes its place
            if (inTransaction) {
                nextPosition++;
            }
        } else if (options.decoding().emitMessages()) {
            hold(message, null, inTransaction ? nextPosition++ : 0, false, this);
            if (!inTransaction) {
                // A non-transactional message is a transaction of its own, ending at its LSN: the end of its WAL
                // record. The server skips a message whose record starts before the confirmed position, so confirming
                // that LSN is enough; one byte more could skip the commit of a transaction whose record starts there.
                releaseHeld(true);
                if (delivering) {
                    tracker.commit(message.getLsn().value());
                }
            }
        }
    }

    @Override
    public boolean emit(ChangeEvent change, Runnable onCompleted) {
        if (onCompleted != emittedCompletion) {
            emittedCompletion = onCompleted;
            emittedListener = new AckListener() {
                @Override
                public void completed(long seq) {
                    ReplicationSession.this.completed(seq);
                    onCompleted.run();
                }

                @Override
                public void failed(long seq, Throwable cause) {
                    ReplicationSession.this.failed(seq, cause);
                }

                @Override
                public void discarded(long seq) {
                    ReplicationSession.this.discarded(seq);
                }
            };
        }
        hold(change, null, nextPosition++, false, emittedListener);
        return delivering && routeFailure == null;
    }

    @Override
    public void commit(Lsn commitLsn, Lsn endLsn, Instant commitTimestamp) {
        inTransaction = false;
        releaseHeld(true);
        if (delivering) {
            tracker.commit(endLsn.value());
        }
    }

    /**
     * Keeps the newest change back until the next one (or the commit) arrives, so that each delivery can say whether
     * it is the last of its transaction (a sink commits its batch there).
     */
    private void hold(ChangeRecord record, DecodeException undecodable, long position, boolean schemaChanged,
                      AckListener listener) {
        releaseHeld(false);
        held = new Held(record == null ? null : record.withPosition(position), undecodable,
                new Delivery(position, schemaChanged, sentAt, readAt), listener);
    }

    private void releaseHeld(boolean lastInTransaction) {
        Held release = held;
        held = null;
        if (release == null || !delivering) {
            return;
        }
        // a message may carry many changes (a snapshot window's rows, a wal2json transaction), each run by the route
        // here: the server must hear from us between them too (before registering: a failed report ends the session
        // with nothing registered that no one will settle)
        try {
            reportProgressIfDue(false);
        } catch (SQLException e) {
            throw new StreamIoException(e);
        }
        // a failure seen here stops delivery at once, not only at the next message: the route gets nothing more
        // before the failed change is delivered again
        long seq = routeFailure == null ? awaitCapacity() : -1;
        if (seq >= 0 && shouldStop()) {
            // it failed (or a stop came) while we waited for room, which a completion then freed
            tracker.abandon(seq);
            seq = -1;
        }
        if (seq < 0) {
            delivering = false;
            return;
        }
        ChangeRecord record = release.undecodable != null ? null
                : lastInTransaction ? release.record.markedLast() : release.record;
        if (record != null) {
            stats.received(record);
        }
        // the sink may run the route on this thread: meanwhile the source is lent to keepAlive (a session driven
        // without run(), as in unit tests, holds nothing to lend)
        boolean lend = sourceLock.isHeldByCurrentThread();
        if (lend) {
            inSinkSinceNanos = System.nanoTime() | 1;
            sourceLock.unlock();
        }
        try {
            if (record == null) {
                sink.deliverUndecodable(release.undecodable, release.delivery, seq, release.listener);
            } else {
                sink.deliver(record, release.delivery, seq, release.listener);
            }
        } finally {
            if (lend) {
                // Uninterruptible, as the wait is short: keepAlive holds the lock for one status update, a write
                // that can block (socketTimeout bounds reads only) no longer than one of this thread's own
                sourceLock.lock();
                inSinkSinceNanos = 0;
            }
        }
    }

    /** A change, or in its place the reason a message could not be decoded. */
    private record Held(ChangeRecord record, DecodeException undecodable, Delivery delivery, AckListener listener) {
    }

    /** Waits for room under {@code maxInflight} while keeping the connection alive; -1 when the session must end. */
    private long awaitCapacity() {
        try {
            long seq;
            while ((seq = tracker.register(SERVICE_SLICE_MILLIS, TimeUnit.MILLISECONDS)) < 0) {
                if (shouldStop()) {
                    return -1;
                }
                // Backpressure: the route is slow, but the server must keep hearing from us within wal_sender_timeout.
                reportProgressIfDue(false);
            }
            return seq;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (SQLException e) {
            throw new StreamIoException(e);
        }
    }

    @Override
    public void completed(long seq) {
        tracker.complete(seq);
        stats.completed();
    }

    @Override
    public void failed(long seq, Throwable cause) {
        if (routeFailure == null) {
            // without a cause the session must still end: else the failed change fills the window for good
            routeFailure = cause != null ? cause
                    : new IllegalStateException("The exchange of change " + seq + " failed without an exception");
        }
        tracker.abandon(seq);
    }

    @Override
    public void discarded(long seq) {
        tracker.abandon(seq);
    }

    private void reportProgressIfDue(boolean force) throws SQLException {
        long now = System.nanoTime();
        long sinceLast = now - lastStatusNanos;
        if (!force && sinceLast < minStatusGapNanos) {
            // the common case, once per message: no status is due, so the tracker's lock is not even taken
            return;
        }
        long lsn = tracker.confirmable();
        boolean progress = lsn > lastReportedLsn;
        if (force || (progress && sinceLast >= PROGRESS_GAP_NANOS)
                || sinceLast >= options.statusInterval().toNanos()) {
            lastReportedLsn = source.report(lsn, force);
            lastStatusNanos = now;
            stats.statusSent(lastReportedLsn);
        }
    }

    /**
     * Lets exchanges already handed to the route finish, then confirms what completed. A hand-over (catch-up reached
     * the head, the stream takes over) first waits for every change given to the sink, so the stream does not deliver
     * again what is only queued; a stop request cuts that short.
     */
    private void drain(boolean handOver) throws InterruptedException {
        try {
            if (handOver) {
                while (!tracker.awaitSettled(SERVICE_SLICE_MILLIS, TimeUnit.MILLISECONDS) && !shouldStop()) {
                    reportProgressIfDue(false);
                }
            }
            sink.discardPending();
            long deadline = System.nanoTime() + options.drainTimeout().toNanos();
            while (!tracker.awaitSettled(SERVICE_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("Slot {}: {} exchange(s) still in flight after {}; they will be delivered again",
                            options.slotName(), tracker.outstanding(), options.drainTimeout());
                    break;
                }
                reportProgressIfDue(false);
            }
            reportProgressIfDue(true);
        } catch (SQLException e) {
            // The connection is gone; the server keeps the last position it received, and the rest is redelivered.
            LOG.debug("Slot {}: could not send the final status update: {}", options.slotName(), e.getMessage());
        }
    }
}
