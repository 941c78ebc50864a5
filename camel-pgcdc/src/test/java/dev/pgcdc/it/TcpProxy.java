package dev.pgcdc.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, for partition tests: in black-hole mode it stops forwarding bytes in
 * both directions but keeps every socket open, as a network partition does to an established connection (new
 * connections are accepted and black-holed too). {@link #cutOffOpenConnections()} black-holes the connections open
 * now for good while new ones work, as a partition that heals after a firewall forgot the old connections;
 * {@link #closeOpenConnections()} closes them, as a server or tunnel going away does. It records
 * when it accepted each connection and which local port each connection to the server uses, and closes itself, with
 * all its sockets, after {@code lifetime} at the latest.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Long> acceptedNanos = new CopyOnWriteArrayList<>();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private final long deadlineNanos;
    private boolean blackHole;
    private volatile boolean closed;

    TcpProxy(String host, int port, Duration lifetime) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.deadlineNanos = System.nanoTime() + lifetime.toNanos();
        start("tcp-proxy-accept", this::acceptLoop);
        start("tcp-proxy-reaper", this::closeAtDeadline);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Stops (true) or resumes (false) forwarding on every connection, open or future. */
    void blackHole(boolean on) {
        synchronized (gate) {
            blackHole = on;
            gate.notifyAll();
        }
    }

    /** Stops forwarding on the connections open now, for as long as the proxy lives. */
    void cutOffOpenConnections() {
        links.forEach(link -> link.cutOff = true);
    }

    /**
     * Closes the connections open now, both ends: in order (the client reads the end of its stream), or with a reset
     * (its read fails), as a server or tunnel going away does.
     */
    void closeOpenConnections(boolean reset) {
        sockets.forEach(socket -> {
            if (reset) {
                try {
                    socket.setSoLinger(true, 0); // a close without linger sends an RST
                } catch (IOException e) {
                    // already closed
                }
            }
            closeQuietly(socket);
        });
    }

    /** The local ports of the proxy's connections to the server ({@code client_port} in pg_stat_activity). */
    Set<Integer> upstreamPorts() {
        return links.stream().map(link -> link.upstreamPort).collect(Collectors.toSet());
    }

    /** {@link System#nanoTime()} of each accepted connection, in order. */
    List<Long> acceptedNanos() {
        return new ArrayList<>(acceptedNanos);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        closeQuietly(listener);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                acceptedNanos.add(System.nanoTime());
                Socket server = new Socket();
                sockets.add(client);
                sockets.add(server);
                server.connect(target, 5000);
                Link link = new Link(server.getLocalPort());
                links.add(link);
                start("tcp-proxy-up", () -> pump(link, client, server));
                start("tcp-proxy-down", () -> pump(link, server, client));
            } catch (IOException e) {
                if (!closed) {
                    close();
                }
            }
        }
    }

    /** Copies one direction; bytes read while black-holed are held until forwarding resumes. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while (awaitForwarding(link) && (n = in.read(buffer)) >= 0) {
                if (!awaitForwarding(link)) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one end closed: the other end learns it below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Waits while black-holed; false once the proxy is closed. */
    private boolean awaitForwarding(Link link) {
        synchronized (gate) {
            while ((blackHole || link.cutOff) && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closed;
        }
    }

    private void closeAtDeadline() {
        synchronized (gate) {
            long left;
            while (!closed && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    gate.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
    }

    /** One proxied connection. */
    private static final class Link {
        final int upstreamPort;
        volatile boolean cutOff;

        Link(int upstreamPort) {
            this.upstreamPort = upstreamPort;
        }
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is all that is left to do
        }
    }
}
