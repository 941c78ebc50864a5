package dev.pgcdc.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.connect.InboundTraffic;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication thread's main loop: connect, stream one {@link ReplicationSession}, and after a lost or dead
 * connection or a failed exchange, wait (bounded exponential backoff, starting again after a healthy session) and
 * resume from the position the server has confirmed. A slot another process holds is polled at the steady initial
 * delay, so a standby instance takes over soon after the active one is gone. Resuming from the server's position, never a local one, is what makes delivery at-least-once: every
 * change not confirmed is sent again.
 */
public final class Replicator implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    private static final String SLOT_IN_USE = "55006";
    /** pg_copy_logical_replication_slot, which catch-up copies the slot with, came in PostgreSQL 12. */
    private static final int CATCH_UP_MIN_MAJOR = 12;
    /** Catch-up hands over to the stream once this close to the server's WAL, at most (else half the threshold). */
    private static final long CLOSE_ENOUGH_BYTES = 16L << 20;

    private final PgConnector connector;
    private final StreamOptions options;
    private final ReplicationSlot slot;
    private final ChangeSink sink;
    private final FailureListener failureListener;
    private final StreamTap tap;
    private final Backoff backoff;
    private final StreamStats stats = new StreamStats();
    private final Object wakeUp = new Object();

    private volatile boolean stopRequested;
    private volatile ReplicationSession session;
    private volatile ReplicatorState state = ReplicatorState.STARTING;
    private volatile Throwable lastError;
    /** The acknowledged position when an exchange last failed unhandled, or -1: delivery is blocked until past it. */
    private volatile long blockedAt = -1;
    /** Why the last unhandled exchange failed: kept while the stream is blocked there, across reconnects. */
    private volatile Throwable blockingFailure;
    private volatile long disconnectedSinceNanos = System.nanoTime();
    private boolean waitingForSlot;
    /** The server process of a connection given up as dead, which may still hold the slot; 0 when none. */
    private int abandonedPid;
    /** False once the server or plugin turned out unable to catch up (said once): every session streams. */
    private boolean catchUpPossible = true;

    /** Told about each failure before the replicator retries, so the consumer can report it to Camel. */
    public interface FailureListener {
        void onFailure(String message, Throwable cause);

        /** A lost or refused connection, retried; the message already names every cause. */
        default void onConnectionLost(String message, SQLException cause) {
            onFailure(message, cause);
        }
    }

    public Replicator(PgConnector connector, StreamOptions options, ChangeSink sink, StreamTap tap,
                      Duration reconnectDelay, Duration reconnectMaxDelay, FailureListener failureListener) {
        this.connector = connector;
        this.tap = tap;
        this.options = options;
        this.slot = new ReplicationSlot(options.slotName());
        this.sink = sink;
        this.failureListener = failureListener;
        this.backoff = new Backoff(reconnectDelay, reconnectMaxDelay);
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Error e) {
            // nothing streams any more: the phase and health must say so instead of the last session's phase
            fail("Slot " + options.slotName() + ": the replication thread ended by " + e, e);
            throw e;
        }
    }

    private void loop() {
        while (!stopRequested) {
            boolean slotBusy = false;
            try {
                streamOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (SQLException e) {
                slotBusy = handleConnectionFailure(e);
            } catch (SlotUnusableException e) {
                fail(e.getMessage(), null);
                break;
            } catch (RuntimeException e) {
                report("Slot " + options.slotName() + ": replication failed: " + e.getMessage(), e);
            }
            if (!stopRequested) {
                state = ReplicatorState.RETRYING;
                pause(slotBusy ? backoff.steadyDelayMillis() : backoff.nextDelayMillis());
            }
        }
        if (state != ReplicatorState.FAILED) {
            state = ReplicatorState.STOPPED;
        }
    }

    /** Ends replication for good: resuming cannot help (e.g. the slot is lost). */
    public synchronized void fail(String message, Throwable cause) {
        if (state == ReplicatorState.FAILED) {
            return;
        }
        state = ReplicatorState.FAILED;
        report(message, cause);
        requestStop();
    }

    private void streamOnce() throws SQLException, InterruptedException {
        if (options.catchUpThreshold() > 0 && catchUpPossible && !catchUpIfFarBehind()) {
            return; // stopped, or a route failure to back off from
        }
        InboundTraffic traffic = new InboundTraffic();
        PGConnection replication = connector.openReplication("pgcdc " + options.slotName(), traffic);
        PgCatalog catalog = new PgCatalog(connector, "pgcdc " + options.slotName() + " catalog");
        try {
            if (abandonedPid != 0) {
                releaseAbandoned((Connection) replication);
            }
            long confirmed = usableSlotPosition(slot.read((Connection) replication));
            ChainedLogicalStreamBuilder builder = replication.getReplicationAPI().replicationStream().logical()
                    .withSlotName(options.slotName())
                    .withStatusInterval((int) options.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                    // pgjdbc would otherwise confirm everything it has received, acknowledged or not.
                    .withAutomaticFlush(false);
            options.plugin().withOptions(builder, options.decoding());
            PGReplicationStream stream;
            try {
                stream = builder.start();
            } catch (SQLException e) {
                Optional<String> refusal = options.plugin().refusal(e.getMessage());
                if (refusal.isPresent()) {
                    throw new SlotUnusableException(refusal.get());
                }
                throw e;
            }
            WalsenderSource source = new WalsenderSource(stream, traffic, connector.settings().readTimeout(),
                    confirmed);
            try {
                runSession(new ReplicationSession(source, options, sink, confirmed, stats, catalog, tap),
                        ReplicatorState.STREAMING, "streaming from " + Lsn.of(confirmed));
            } catch (DeadConnectionException e) {
                abandonedPid = replication.getBackendPID();
                throw e;
            }
            closeQuietly(stream);
        } finally {
            catalog.close();
            closeQuietly((Connection) replication);
        }
    }

    /**
     * Drains the backlog through the SQL interface ({@link CatchUpSource}) when the slot is at least
     * {@code catchUpThreshold} behind and nobody streams from it, until close to the head; the stream then takes
     * over from what catch-up confirmed. Needs PostgreSQL 12+ (pg_copy_logical_replication_slot) and pgoutput; below
     * that, or with another plugin, the slot is streamed as ever.
     *
     * @return whether streaming should follow now: caught up, or no catch-up was needed
     */
    private boolean catchUpIfFarBehind() throws SQLException, InterruptedException {
        Optional<Map<String, String>> pluginOptions = options.plugin().sqlOptions(options.decoding());
        try (Connection control = connector.openJdbc("pgcdc " + options.slotName() + " catch-up control")) {
            int major = control.getMetaData().getDatabaseMajorVersion();
            if (major < CATCH_UP_MIN_MAJOR || pluginOptions.isEmpty()) {
                catchUpPossible = false;
                LOG.info("Slot {}: catch-up (catchUpThreshold) needs PostgreSQL {} or newer and the pgoutput plugin;"
                        + " with {} on PostgreSQL {} the slot is always streamed", options.slotName(),
                        CATCH_UP_MIN_MAJOR, options.plugin().name(), major);
                return true;
            }
            SlotState state = slot.read(control);
            long confirmed = usableSlotPosition(state);
            if (state.active() || state.lagBytes() < options.catchUpThreshold()) {
                return true;
            }
            CatchUpSource source;
            try {
                source = CatchUpSource.start(connector, control, slot, pluginOptions.get(),
                        Math.min(options.catchUpThreshold() / 2, CLOSE_ENOUGH_BYTES), options.catchUpBatchSize(),
                        confirmed);
            } catch (SQLException e) {
                // e.g. max_replication_slots reached: the copy is an optimisation, the stream still works
                LOG.warn("Slot {}: could not copy the slot to catch up ({}); streaming instead", options.slotName(),
                        e.getMessage());
                return true;
            }
            PgCatalog catalog = new PgCatalog(connector, "pgcdc " + options.slotName() + " catalog");
            try (source) {
                ReplicationSession.Outcome outcome = runSession(
                        new ReplicationSession(source, options, sink, confirmed, stats, catalog, tap),
                        ReplicatorState.CATCHING_UP, "catching up " + state.lagBytes() / (1024 * 1024)
                                + " MB through the SQL interface from " + Lsn.of(confirmed));
                if (outcome != ReplicationSession.Outcome.CAUGHT_UP) {
                    return false;
                }
                LOG.info("Slot {}: caught up to {}; streaming takes over", options.slotName(),
                        Lsn.of(stats.acknowledgedLsn()));
                return true;
            } finally {
                catalog.close();
            }
        }
    }

    /**
     * To be called every so often (well within the status interval) from another thread: while the route runs on the
     * replication thread for longer than a status interval, tells the server the reader is alive. Schedule it through
     * {@link dev.pgcdc.task.Periodic#guard}.
     */
    public void keepAlive() throws SQLException {
        ReplicationSession current = session;
        if (current != null) {
            current.keepAlive();
        }
    }

    /** Runs one session; a route failure blocks delivery at the acknowledged position and is reported. */
    private ReplicationSession.Outcome runSession(ReplicationSession current, ReplicatorState phase, String what)
            throws SQLException, InterruptedException {
        session = current;
        if (stopRequested) {
            current.requestStop();
        }
        state = phase;
        long since = System.nanoTime();
        waitingForSlot = false;
        disconnectedSinceNanos = 0;
        lastError = null;
        LOG.info("Slot {}: {} ({})", options.slotName(), what, options.plugin().describe());
        boolean routeFailed = false;
        try {
            ReplicationSession.Outcome outcome = current.run();
            if (outcome == ReplicationSession.Outcome.ROUTE_FAILED) {
                routeFailed = true;
                blockedAt = stats.acknowledgedLsn();
                blockingFailure = current.routeFailure();
                report("Slot " + options.slotName() + ": an exchange failed and was not handled by the route;"
                        + " nothing after it was acknowledged, and streaming resumes from "
                        + Lsn.of(stats.confirmedLsn()), current.routeFailure());
            }
            return outcome;
        } finally {
            if (!routeFailed) {
                // an exchange that keeps failing must back off however long it took to reach it
                backoff.sessionEnded(Duration.ofNanos(System.nanoTime() - since));
            }
            session = null;
            disconnectedSinceNanos = System.nanoTime();
        }
    }

    /**
     * Ends the server process of the connection given up as dead if it still holds the slot: the server would otherwise
     * keep the slot busy until its wal_sender_timeout. Only that process, identified by its PID and the slot, so
     * another instance streaming from the slot is never touched.
     */
    private void releaseAbandoned(Connection connection) {
        int pid = abandonedPid;
        abandonedPid = 0;
        try {
            if (slot.terminateHolder(connection, pid)) {
                LOG.info("Slot {}: ended server process {}, which still held the slot for the connection given up"
                        + " as dead", options.slotName(), pid);
            }
        } catch (SQLException e) {
            LOG.info("Slot {}: could not end server process {} of the connection given up as dead ({}); the slot is"
                    + " free once the server's wal_sender_timeout ends it", options.slotName(), pid, e.getMessage());
        }
    }

    /** Where the server will resume (changes committed at or before it are not sent again); fails if it cannot. */
    private long usableSlotPosition(SlotState state) {
        if (state == null) {
            throw new SlotUnusableException(slot.missingMessage());
        }
        if (state.lost()) {
            throw new SlotUnusableException(state.lostMessage());
        }
        return state.confirmedFlushLsn();
    }

    /** Reports the failure; true when it is the slot being held by another process, which is worth polling. */
    private boolean handleConnectionFailure(SQLException e) {
        if (stopRequested) {
            // nothing is retried and what was not confirmed comes again at the next start: not a failure to report
            LOG.info("Slot {}: replication stopped after a connection error ({})", options.slotName(), e.getMessage());
            return false;
        }
        if (SLOT_IN_USE.equals(e.getSQLState())) {
            String message = "Slot " + options.slotName() + " is in use by another process (" + e.getMessage()
                    + "); waiting for it to become free";
            lastError = e;
            // a standby instance polls for as long as the active one lives: say so once, not at every poll
            if (waitingForSlot) {
                LOG.debug(message);
            } else {
                LOG.info(message);
            }
            waitingForSlot = true;
            return true;
        }
        String message = "Slot " + options.slotName() + ": connection to " + connector.settings()
                + " lost or refused: " + messages(e) + "; reconnecting";
        lastError = e;
        failureListener.onConnectionLost(message, e);
        return false;
    }

    /** The messages of the cause chain, each once. */
    private static String messages(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            String said = cause.getMessage();
            if (said != null && !text.toString().contains(said.endsWith(".") ? said.substring(0, said.length() - 1)
                    : said)) {
                text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(said).append(')');
            }
        }
        return text.toString();
    }

    /** Records the failure and hands it to the listener (Camel's exception handler), which logs it. */
    private void report(String message, Throwable cause) {
        lastError = cause != null ? cause : new IllegalStateException(message);
        failureListener.onFailure(message, cause);
    }

    private void pause(long millis) {
        synchronized (wakeUp) {
            long deadline = System.currentTimeMillis() + millis;
            long left;
            while (!stopRequested && (left = deadline - System.currentTimeMillis()) > 0) {
                try {
                    wakeUp.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Asks the loop to finish: the session drains in-flight exchanges and confirms what completed. */
    public void requestStop() {
        stopRequested = true;
        ReplicationSession current = session;
        if (current != null) {
            current.requestStop();
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    public ReplicatorState state() {
        return state;
    }

    /** Whether an exchange failed unhandled and the stream has not yet got past it. */
    public boolean blockedByFailure() {
        long at = blockedAt;
        return at >= 0 && stats.acknowledgedLsn() <= at;
    }

    /** The failure of the exchange the stream is blocked at (see {@link #blockedByFailure()}). */
    public Throwable blockingFailure() {
        return blockingFailure;
    }

    /** How long the replication connection has been down; zero while streaming. */
    public Duration disconnectedFor() {
        long since = disconnectedSinceNanos;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    public Throwable lastError() {
        return lastError;
    }

    public StreamStats stats() {
        return stats;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }
}
