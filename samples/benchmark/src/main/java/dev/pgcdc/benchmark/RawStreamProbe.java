package dev.pgcdc.benchmark;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.benchmark.probe.CpuClock;
import dev.pgcdc.benchmark.probe.ProbeArgs;
import dev.pgcdc.benchmark.probe.ResultLine;
import dev.pgcdc.benchmark.probe.Tally;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The live-lag reference: the slot's pgoutput stream read by pgjdbc alone, on one thread, with blocking reads and
 * nothing done per message but reading its type and times (no decoding, no Camel), a consumer that costs the server
 * and the machine almost nothing. Its lag, split as pgcdc's is (commit to the walsender's send time, then to the
 * read), is what the server and the machine give at that rate: a tail it shares with pgcdc is not pgcdc's. Prints one
 * result line.
 *
 * <p>Arguments: {@code host port user database slot publication expected warmup timeoutSeconds}.
 */
public final class RawStreamProbe {

    /** XLogData: {@code 'w'}, start LSN, WAL end, send time; pgjdbc hands over the payload as a slice after it. */
    private static final int XLOG_HEADER = 1 + 3 * Long.BYTES;
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private RawStreamProbe() {
    }

    public static void main(String[] argv) throws Exception {
        ProbeArgs args = new ProbeArgs(argv);
        Tally tally = new Tally(args.getLong("expected"), args.getLong("warmup"), true);
        Properties properties = new Properties();
        PGProperty.USER.set(properties, args.get("user"));
        PGProperty.PASSWORD.set(properties, args.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        String url = "jdbc:postgresql://" + args.get("host") + ":" + args.get("port") + "/" + args.get("database");
        Thread reader;
        try (Connection connection = DriverManager.getConnection(url, properties);
             PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI()
                     .replicationStream().logical().withSlotName(args.get("slot"))
                     .withSlotOption("proto_version", 1).withSlotOption("publication_names", args.get("publication"))
                     .withStatusInterval(100, TimeUnit.MILLISECONDS).start()) {
            reader = new Thread(() -> read(stream, tally), "raw-stream");
            reader.setDaemon(true); // a read blocked on the socket when the run times out must not keep the JVM
            reader.start();
            boolean complete = tally.await(args.getLong("timeoutSeconds"), TimeUnit.SECONDS);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("complete", complete);
            result.put("count", tally.count());
            result.put("seconds", (tally.lastNanos() - tally.firstNanos()) / 1e9);
            result.put("cpuMicrosPerChange",
                    CpuClock.microsPerChange(tally.firstCpuNanos(), CpuClock.processCpuNanos(), tally.count()));
            result.putAll(tally.latencyMillis());
            result.put("measuredCpuMicrosPerChangeByThread", tally.measuredMicrosPerChangeByThread(args.get("slot")));
            String trace = System.getProperty(PgcdcProbe.LAG_TRACE);
            if (trace != null) {
                tally.writeTrace(Path.of(trace));
            }
            ResultLine.print(result);
            System.exit(0); // the reader may still block in a read; the connection needs no orderly close here
        }
    }

    /** Reads until the tally is complete: a Begin message carries its transaction's commit time, each Insert counts. */
    private static void read(PGReplicationStream stream, Tally tally) {
        try {
            Instant committed = null;
            while (true) {
                ByteBuffer message = stream.read();
                Instant read = Instant.now();
                int at = message.position();
                byte type = message.get(at);
                if (type == 'B') {
                    committed = postgresTime(message.getLong(at + 1 + Long.BYTES));
                } else if (type == 'I') {
                    tally.record(committed, sendTime(message), read);
                }
            }
        } catch (Exception e) {
            // the run then reports itself incomplete; this says why
            System.err.println("raw stream: reading stopped: " + e);
        }
    }

    private static Instant sendTime(ByteBuffer message) {
        if (!message.hasArray() || message.arrayOffset() != XLOG_HEADER || message.array()[0] != 'w') {
            return null;
        }
        return postgresTime(ByteBuffer.wrap(message.array()).getLong(XLOG_HEADER - Long.BYTES));
    }

    private static Instant postgresTime(long micros) {
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
