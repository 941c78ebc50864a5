package dev.pgcdc.connect;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.SocketFactory;

/**
 * The socket factory of a replication connection: its sockets tell an {@link InboundTraffic} whenever bytes arrive
 * (below TLS, so encrypted connections count too), and connect to the SSH tunnel's local end when there is one.
 * pgjdbc instantiates the factory itself from a string argument, so the connector registers the connection's
 * target under a key for the duration of the connect.
 */
public final class TrafficSocketFactory extends SocketFactory {

    private static final Map<String, Target> CONNECTING = new ConcurrentHashMap<>();

    /** Where the socket connects (null: where pgjdbc says) and whom it tells about arrivals. */
    private record Target(InetSocketAddress tunnel, InboundTraffic traffic) {
    }

    private final Target target;

    public TrafficSocketFactory(String key) {
        this.target = CONNECTING.get(key);
        if (target == null) {
            throw new IllegalStateException("no connection is being opened under " + key);
        }
    }

    /** Registers a connect in progress; the key is pgjdbc's {@code socketFactoryArg}. Unregister when done. */
    static String register(InetSocketAddress tunnel, InboundTraffic traffic) {
        String key = UUID.randomUUID().toString();
        CONNECTING.put(key, new Target(tunnel, traffic));
        return key;
    }

    static void unregister(String key) {
        CONNECTING.remove(key);
    }

    @Override
    public Socket createSocket() {
        return new WatchedSocket(target);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    private static final class WatchedSocket extends Socket {

        private final Target target;
        private WatchedInput input;

        WatchedSocket(Target target) {
            this.target = target;
        }

        @Override
        public void connect(SocketAddress address, int timeout) throws IOException {
            super.connect(target.tunnel() != null ? target.tunnel() : address, timeout);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new WatchedInput(super.getInputStream(), this, target.traffic());
                target.traffic().watch(input);
            }
            return input;
        }
    }
}
