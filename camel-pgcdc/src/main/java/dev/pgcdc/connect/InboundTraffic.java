package dev.pgcdc.connect;

import java.time.Duration;

/**
 * When bytes last arrived on one connection. pgjdbc consumes the server's keepalives inside the replication stream
 * without telling anyone, so this clock, fed by the connection's socket, is how the session tells an idle but live
 * server from a connection that silently stopped carrying traffic.
 */
public final class InboundTraffic {

    private volatile long lastArrivalNanos = System.nanoTime();

    void arrived() {
        lastArrivalNanos = System.nanoTime();
    }

    /** How long nothing has arrived (since the connection was opened, if nothing ever did). */
    public Duration silentFor() {
        return Duration.ofNanos(System.nanoTime() - lastArrivalNanos);
    }
}
