package dev.pgcdc.connect;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A replication connection's socket stream as pgjdbc reads it (below TLS): tells its {@link InboundTraffic} when bytes
 * arrive and how many pgjdbc took, and can wait for the next byte without taking it from pgjdbc (it reads the byte
 * ahead and hands it over first), so that an idle reader sleeps until the server sends something rather than polling.
 * Read by one thread at a time: the session's.
 */
final class WatchedInput extends FilterInputStream {

    private static final int NONE = -1;
    private static final int END = -2;

    private final Socket socket;
    private final InboundTraffic traffic;
    /** The byte {@link #await} read ahead, {@link #END} after the end of the stream, or {@link #NONE}. */
    private int ahead = NONE;
    /**
     * Bytes the socket held when last asked, less those read since; 0 when unknown. Unread bytes only grow until a
     * read takes them, so a positive count stands without asking the kernel again: the session asks whether pgjdbc
     * would find anything, and pgjdbc asks the same right after.
     */
    private int unread;

    WatchedInput(InputStream in, Socket socket, InboundTraffic traffic) {
        super(in);
        this.socket = socket;
        this.traffic = traffic;
    }

    /**
     * Waits up to {@code timeoutMillis} for a byte to arrive, keeping it for the next read; false when none came.
     * True also when the socket ended or failed, which {@link InboundTraffic#closed} then tells.
     */
    boolean await(int timeoutMillis) {
        if (ahead != NONE || traffic.closed() != null) {
            return true;
        }
        try {
            if (available() > 0) {
                return true;
            }
            int restore = socket.getSoTimeout();
            socket.setSoTimeout(timeoutMillis);
            try {
                int b = arrived(in.read());
                unread = 0;
                ahead = b < 0 ? END : b;
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } finally {
                socket.setSoTimeout(restore);
            }
        } catch (IOException e) {
            failed(e);
            return true;
        }
    }

    @Override
    public int read() throws IOException {
        if (ahead != NONE) {
            return handOverAhead();
        }
        int b;
        try {
            b = arrived(in.read());
        } catch (IOException e) {
            throw failed(e);
        }
        if (b >= 0) {
            tookFromSocket(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (ahead != NONE) {
            int b = handOverAhead();
            if (b < 0) {
                return b;
            }
            buffer[offset] = (byte) b;
            // what else already waits comes along, so pgjdbc needs no second read for it
            int more = length > 1 && available() > 0 ? read(buffer, offset + 1, length - 1) : 0;
            return 1 + Math.max(more, 0);
        }
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw failed(e);
        }
        if (n > 0) {
            traffic.arrived();
            tookFromSocket(n);
        } else if (n < 0) {
            traffic.ended();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (ahead != NONE) {
            return handOverAhead() < 0 ? 0 : 1;
        }
        long skipped;
        try {
            skipped = in.skip(n);
        } catch (IOException e) {
            throw failed(e);
        }
        if (skipped > 0) {
            traffic.arrived();
            tookFromSocket(skipped);
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        if (unread <= 0) {
            unread = in.available();
        }
        return unread + (ahead >= 0 ? 1 : 0);
    }

    private void tookFromSocket(long n) {
        unread = (int) Math.max(0, unread - n);
        traffic.took(n);
    }

    /** Tells the traffic of a byte read ({@code b}, or -1 at the end of the stream); returns {@code b}. */
    private int arrived(int b) {
        if (b >= 0) {
            traffic.arrived();
        } else {
            traffic.ended();
        }
        return b;
    }

    /** Tells the traffic of a failed read of the socket, before the reader hears of it; returns the failure. */
    private IOException failed(IOException e) {
        // pgjdbc's own peeks time out: the socket stays usable
        if (!(e instanceof SocketTimeoutException)) {
            traffic.failed(e);
        }
        return e;
    }

    /** The byte read ahead, or -1 for the end of the stream. */
    private int handOverAhead() {
        int b = ahead;
        ahead = NONE;
        if (b == END) {
            return -1;
        }
        traffic.took(1);
        return b;
    }
}
