package dev.pgcdc.connect;

import java.io.IOException;
import java.time.Duration;

/**
 * When bytes last arrived on one connection. pgjdbc consumes the server's keepalives inside the replication stream
 * without telling anyone, so this clock, fed by the connection's socket, is how the session tells an idle but live
 * server from a connection that silently stopped carrying traffic. It also counts the bytes pgjdbc has taken from the
 * socket and can ask the socket whether more wait, so that the reader can tell, without waiting on the socket, whether
 * a read would find anything, and it can wait for the next byte without taking it from pgjdbc.
 */
public final class InboundTraffic {

    private volatile long lastArrivalNanos = System.nanoTime();
    /** The connection's socket stream (below TLS), once pgjdbc has opened it. */
    private volatile WatchedInput socket;
    /** Bytes pgjdbc has taken from the socket (read or skipped); written and read by the thread reading the stream. */
    private long taken;
    /** Why the socket can carry nothing more (its end, a failure), or null while it can. */
    private volatile String closed;

    void arrived() {
        lastArrivalNanos = System.nanoTime();
    }

    void took(long bytes) {
        taken += bytes;
    }

    void ended() {
        closed = "the server closed the connection";
    }

    void failed(IOException e) {
        closed = "the connection failed: " + e;
    }

    /**
     * Why the socket can carry nothing more (the server closed it, a read failed), or null while it can: pgjdbc's
     * non-blocking read reports neither, it only finds nothing.
     */
    public String closed() {
        return closed;
    }

    /** Bytes pgjdbc has taken from the socket so far (below TLS: with TLS, more than it has decoded). */
    public long taken() {
        return taken;
    }

    void watch(WatchedInput socket) {
        this.socket = socket;
    }

    /**
     * Whether bytes may wait unread in the connection's socket: asks the kernel without waiting (below TLS, so
     * encrypted bytes count too). True when that cannot be told, so that the caller reads and sees for itself.
     */
    public boolean mayHaveUnread() {
        WatchedInput watched = socket;
        try {
            return watched == null || watched.available() > 0;
        } catch (IOException e) {
            return true; // the read that follows reports what is wrong
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for bytes to arrive in the connection's socket, without taking them from
     * pgjdbc; returns at once when some already wait or the socket is {@link #closed}. False when none came; true when
     * they did or that cannot be told (nothing opened yet, the socket ended or failed).
     */
    public boolean awaitArrival(int timeoutMillis) {
        WatchedInput watched = socket;
        return watched == null || watched.await(timeoutMillis);
    }

    /** How long nothing has arrived (since the connection was opened, if nothing ever did). */
    public Duration silentFor() {
        return Duration.ofNanos(System.nanoTime() - lastArrivalNanos);
    }
}
