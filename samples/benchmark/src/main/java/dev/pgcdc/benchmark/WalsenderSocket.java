package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The traffic on a walsender's TCP connection, server side, as the kernel counts it ({@code ss -ti}, Linux): bytes
 * the consumer sent (during streaming only its status updates, so their count whatever the consumer's build) and the
 * data segments the walsender sent (with TCP_NODELAY about one per flush of its output).
 */
final class WalsenderSocket {

    /**
     * A standby status update on the wire: CopyData ('d', length), then 'r', three LSNs, the client's clock and the
     * reply-requested flag.
     */
    static final int STATUS_UPDATE_BYTES = 1 + Integer.BYTES + 1 + 4 * Long.BYTES + 1;
    private static final Pattern BYTES_RECEIVED = Pattern.compile("\\bbytes_received:(\\d+)");
    private static final Pattern DATA_SEGS_OUT = Pattern.compile("\\bdata_segs_out:(\\d+)");
    private static final long SS_TIMEOUT_SECONDS = 5;

    private final int serverPort;
    private final int clientPort;

    WalsenderSocket(int serverPort, int clientPort) {
        this.serverPort = serverPort;
        this.clientPort = clientPort;
    }

    /** The counters now. */
    record Counters(long bytesReceived, long dataSegmentsOut) {
    }

    /** The connection's counters, or null when they cannot be read (no {@code ss}, connection gone). */
    Counters read() {
        try {
            Process ss = new ProcessBuilder(List.of("ss", "-tinH", "state", "established",
                    "( sport = :" + serverPort + " and dport = :" + clientPort + " )"))
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ss.waitFor(SS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                ss.destroyForcibly();
                return null;
            }
            Matcher received = BYTES_RECEIVED.matcher(out);
            Matcher segments = DATA_SEGS_OUT.matcher(out);
            // a connection that has not received anything yet shows no bytes_received
            if (!segments.find()) {
                return null;
            }
            return new Counters(received.find() ? Long.parseLong(received.group(1)) : 0,
                    Long.parseLong(segments.group(1)));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
