package dev.pgcdc.connect;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * When bytes last arrived on one connection. pgjdbc consumes the server's keepalives inside the replication stream
 * without telling anyone, so this clock, fed by the connection's socket, is how the session tells an idle but live
 * server from a connection that silently stopped carrying traffic. It also counts the bytes pgjdbc has taken from the
 * socket and can ask the socket whether more wait, so that the reader can tell, without waiting on the socket, whether
 * a read would find anything.
 */
public final class InboundTraffic {

    private volatile long lastArrivalNanos = System.nanoTime();
    /** The connection's socket stream (below TLS), once pgjdbc has opened it. */
    private volatile InputStream socket;
    /** Bytes pgjdbc has taken from the socket (read or skipped); written and read by the thread reading the stream. */
    private long taken;

    void arrived(long bytes) {
        lastArrivalNanos = System.nanoTime();
        taken += bytes;
    }

    /** Bytes pgjdbc has taken from the socket so far (below TLS: with TLS, more than it has decoded). */
    public long taken() {
        return taken;
    }

    void watch(InputStream socket) {
        this.socket = socket;
    }

    /**
     * Whether bytes may wait unread in the connection's socket: asks the kernel without waiting (below TLS, so
     * encrypted bytes count too). True when that cannot be told, so that the caller reads and sees for itself.
     */
    public boolean mayHaveUnread() {
        InputStream watched = socket;
        try {
            return watched == null || watched.available() > 0;
        } catch (IOException e) {
            return true; // the read that follows reports what is wrong
        }
    }

    /** How long nothing has arrived (since the connection was opened, if nothing ever did). */
    public Duration silentFor() {
        return Duration.ofNanos(System.nanoTime() - lastArrivalNanos);
    }
}
