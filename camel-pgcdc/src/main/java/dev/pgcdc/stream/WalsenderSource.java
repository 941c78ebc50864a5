package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.connect.InboundTraffic;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The walsender's stream (START_REPLICATION) through pgjdbc, which is not thread-safe: one thread only.
 *
 * <p>pgjdbc's non-blocking read, finding nothing buffered, waits on the socket for up to 1 ms, so a reader that has
 * caught up with a walsender still sending a transaction would be woken by every segment the walsender sends: the
 * walsender pays for each wake-up in its send and, on a machine with few cores, is often preempted by it. So a read
 * first tells whether it would find anything, without waiting: pgjdbc holds unread bytes, or the socket does. If
 * neither, the read returns nothing at once and the session pauses. For {@link #BURST_NANOS} after a message, while
 * the walsender may still be sending its transaction, pgjdbc's bytes are counted exactly (it has taken more from the
 * socket than the messages it returned, each its CopyData content plus 5 bytes of framing) and the pause is a plain
 * one, which takes in what the walsender sends meanwhile. After that, between transactions, pgjdbc counts as empty
 * only when it has taken nothing since a read of it last found nothing, which also holds where the exact count
 * cannot (TLS records, of which pgjdbc's 1 ms wait may leave half read), and the pause waits on the socket itself (up
 * to {@link #IDLE_WAIT_MILLIS}), so the first byte of the next transaction wakes the reader at once and an idle
 * stream costs a few dozen wake-ups a second.
 */
final class WalsenderSource implements WalSource {

    /** How long after a message the walsender may still be sending its transaction: pauses do not wait on the socket. */
    private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The longest wait on the socket: the session looks at its flags (stop, acknowledgements to report) this often. */
    private static final int IDLE_WAIT_MILLIS = 20;
    /** A CopyData message's framing around its content: the type byte and the length. */
    private static final int COPY_DATA_FRAMING = 1 + Integer.BYTES;

    private final PGReplicationStream stream;
    private final InboundTraffic traffic;
    /** Silence for longer than this, although every status update asks the server for a reply, means a dead link. */
    private final Duration readTimeout;
    private long messageLsn;
    private long reported;
    /** When the last message was read. */
    private long lastMessageNanos = System.nanoTime();
    /** Bytes of the socket pgjdbc has returned as messages or, after an empty read, taken in all. */
    private long consumed;
    /** The bytes pgjdbc had taken from the socket when a read of it last found nothing (-1: never). */
    private long takenWhenDry = -1;

    WalsenderSource(PGReplicationStream stream, InboundTraffic traffic, Duration readTimeout, long confirmed) {
        this.stream = stream;
        this.traffic = traffic;
        this.readTimeout = readTimeout;
        this.reported = confirmed;
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
        long taken = traffic.taken();
        boolean countedDry = consumed >= taken;
        boolean untouchedSinceDry = takenWhenDry == taken;
        // the burst trusts the count, later only an empty read: the clock decides only where the two disagree
        boolean pgjdbcDry = countedDry == untouchedSinceDry ? countedDry
                : System.nanoTime() - lastMessageNanos < BURST_NANOS ? countedDry : untouchedSinceDry;
        if (pgjdbcDry && !traffic.mayHaveUnread()) {
            return null;
        }
        ByteBuffer message = stream.readPending();
        if (message == null) {
            consumed = traffic.taken(); // pgjdbc returns nothing only with nothing left in its buffer
            takenWhenDry = consumed;
            return null;
        }
        lastMessageNanos = System.nanoTime();
        // the array is the CopyData content (pgjdbc slices the XLogData header off it); without one the message's
        // size on the wire is unknown: then pgjdbc is asked until it runs dry
        consumed = message.hasArray() ? consumed + COPY_DATA_FRAMING + message.array().length : Long.MIN_VALUE;
        // the LSN belongs to this message only now: a later read or keepalive moves it
        messageLsn = stream.getLastReceiveLSN().asLong();
        return message;
    }

    @Override
    public void pause(long nanos) {
        if (System.nanoTime() - lastMessageNanos < BURST_NANOS) {
            LockSupport.parkNanos(nanos);
        } else {
            traffic.awaitArrival(IDLE_WAIT_MILLIS);
        }
    }

    @Override
    public long messageLsn() {
        return messageLsn;
    }

    @Override
    public long idlePosition() {
        // with nothing unread, the newest position received: a message's, or a keepalive's WAL end
        return stream.getLastReceiveLSN().asLong();
    }

    @Override
    public long report(long confirmable, boolean force) throws SQLException {
        if (confirmable > reported) {
            LogSequenceNumber confirmed = LogSequenceNumber.valueOf(confirmable);
            stream.setFlushedLSN(confirmed);
            stream.setAppliedLSN(confirmed);
            reported = confirmable;
        }
        stream.forceUpdateStatus();
        return reported;
    }

    @Override
    public long keepAlive(long confirmable) throws SQLException {
        return report(confirmable, true);
    }

    @Override
    public void requireAlive() throws SQLException {
        String closed = traffic.closed();
        if (closed != null) {
            throw new DeadConnectionException("replication stream: " + closed);
        }
        Duration silent = traffic.silentFor();
        if (silent.compareTo(readTimeout) > 0) {
            throw new DeadConnectionException("nothing arrived from the server for " + silent.toMillis() + " ms (readTimeout="
                    + readTimeout.toMillis() + " ms), although each status update asks it for a reply: the connection"
                    + " is dead");
        }
    }

    @Override
    public boolean finished() {
        return false;
    }
}
