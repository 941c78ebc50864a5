package dev.pgcdc.connect;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

import javax.net.SocketFactory;

/**
 * The socket factory pgjdbc uses when the database is reached through an SSH tunnel: pgjdbc keeps the real database
 * host in its URL, so TLS verify-full checks the certificate against that name, while every socket actually
 * connects to the tunnel's local end. pgjdbc instantiates this class itself, passing {@code socketFactoryArg}
 * ({@code host:port} of the local end) to the constructor.
 */
public final class TunnelSocketFactory extends SocketFactory {

    private final InetSocketAddress tunnel;

    public TunnelSocketFactory(String localEndpoint) {
        int colon = localEndpoint.lastIndexOf(':');
        this.tunnel = new InetSocketAddress(localEndpoint.substring(0, colon),
                Integer.parseInt(localEndpoint.substring(colon + 1)));
    }

    static String argument(InetSocketAddress localEnd) {
        return localEnd.getHostString() + ":" + localEnd.getPort();
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress ignoredDatabaseAddress, int timeout) throws IOException {
                super.connect(tunnel, timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected();
    }

    private Socket connected() throws IOException {
        Socket socket = createSocket();
        socket.connect(tunnel);
        return socket;
    }
}
