package dev.pgcdc.stream;

import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;

import dev.pgcdc.connect.LazyConnection;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.task.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically reads the slot's state (run it on a scheduler, through {@link Periodic#guard}): keeps the latest
 * reading for health and metrics, warns when unbounded WAL retention grows past a threshold, and reports a lost slot
 * once.
 */
public final class SlotWatch implements Periodic.Task, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotWatch.class);

    private final LazyConnection connection;
    private boolean closed;
    private final ReplicationSlot slot;
    private final long lagWarnBytes;
    private final Consumer<SlotState> onLost;
    private volatile SlotState latest;
    private volatile Instant latestAt;
    private boolean lostReported;
    private boolean lagWarned;

    public SlotWatch(PgConnector connector, String slotName, long lagWarnBytes, Consumer<SlotState> onLost) {
        this.connection = new LazyConnection(connector, "pgcdc slot monitor");
        this.slot = new ReplicationSlot(slotName);
        this.lagWarnBytes = lagWarnBytes;
        this.onLost = onLost;
    }

    @Override
    public synchronized void run() throws SQLException {
        if (closed) {
            return; // asked for a reading as the consumer stopped: the last one stays
        }
        SlotState status;
        try {
            status = slot.read(connection.get());
        } catch (Throwable e) {
            connection.reset(); // in doubt after any failure: the next reading opens another
            throw e;
        }
        latest = status;
        latestAt = Instant.now();
        if (status == null) {
            return;
        }
        if (status.lost() && !lostReported) {
            lostReported = true;
            onLost.accept(status);
        }
        warnAboutRetention(status);
    }

    private void warnAboutRetention(SlotState status) {
        boolean unbounded = !status.walKeepLimited();
        if (unbounded && status.lagBytes() > lagWarnBytes && !lagWarned) {
            lagWarned = true;
            LOG.warn("Slot {} is {} bytes behind and max_slot_wal_keep_size is unlimited: the server keeps all that WAL"
                    + " on disk until the consumer catches up. Consider a bound (ALTER SYSTEM SET"
                    + " max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf();) and check why the route is slow.",
                    status.name(), status.lagBytes());
        } else if (status.lagBytes() <= lagWarnBytes) {
            lagWarned = false;
        }
    }

    /** The latest reading, or null before the first one (or if the slot does not exist). */
    public SlotState latest() {
        return latest;
    }

    /** When {@link #latest()} was read, or null before the first reading. */
    public Instant latestAt() {
        return latestAt;
    }

    @Override
    public synchronized void close() {
        closed = true;
        connection.close();
    }
}
