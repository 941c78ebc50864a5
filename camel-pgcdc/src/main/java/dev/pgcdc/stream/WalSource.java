package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a {@link ReplicationSession} reads the plugin's messages and reports the confirmed position: the walsender's
 * stream ({@link WalsenderSource}), or a far-behind slot's backlog drained through the SQL interface
 * ({@link CatchUpSource}). Both deliver the same messages at the same LSNs, so one session decodes and delivers both.
 * Called by one thread at a time: the session's, or while the route runs on that thread, {@link #keepAlive}'s.
 */
interface WalSource {

    /** The next message, or null when none is ready now. */
    ByteBuffer readPending() throws SQLException;

    /** The LSN of the message {@link #readPending} returned last, as the server sent it with that message. */
    long messageLsn();

    /**
     * A position the server has sent everything before, confirmable once nothing is in flight and no transaction is
     * open (idle advancement); 0 when there is none.
     */
    long idlePosition();

    /**
     * Tells the server that {@code confirmable} may be confirmed (never more than that).
     *
     * @param force whether the position must reach the server now (the session ends)
     * @return the position the server has been told
     */
    long report(long confirmable, boolean force) throws SQLException;

    /**
     * Tells the server that the reader is alive, while the route keeps the session's thread: a walsender hearing
     * nothing for wal_sender_timeout ends the connection. A source without such a timeout does nothing.
     *
     * @return the position the server has been told, or -1 when nothing was sent
     */
    default long keepAlive(long confirmable) throws SQLException {
        return -1;
    }

    /** Fails when the connection is dead; called with everything received read. */
    void requireAlive() throws SQLException;

    /**
     * Waits, when {@link #readPending} found nothing: about {@code nanos}, or (the source's choice) until it has more,
     * for at most a few tens of ms, so that the session still looks at its flags that often.
     */
    default void pause(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    /** Whether the source has nothing more to give: catch-up reached the head. A stream never has. */
    boolean finished();
}
