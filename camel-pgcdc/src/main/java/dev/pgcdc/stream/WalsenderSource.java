package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;

import dev.pgcdc.connect.InboundTraffic;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/** The walsender's stream (START_REPLICATION) through pgjdbc, which is not thread-safe: one thread only. */
final class WalsenderSource implements WalSource {

    private final PGReplicationStream stream;
    private final InboundTraffic traffic;
    /** Silence for longer than this, although every status update asks the server for a reply, means a dead link. */
    private final Duration readTimeout;
    private long messageLsn;
    private long reported;

    WalsenderSource(PGReplicationStream stream, InboundTraffic traffic, Duration readTimeout, long confirmed) {
        this.stream = stream;
        this.traffic = traffic;
        this.readTimeout = readTimeout;
        this.reported = confirmed;
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
        ByteBuffer message = stream.readPending();
        if (message != null) {
            // the LSN belongs to this message only now: a later read or keepalive moves it
            messageLsn = stream.getLastReceiveLSN().asLong();
        }
        return message;
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
    public void requireAlive() throws SQLException {
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
