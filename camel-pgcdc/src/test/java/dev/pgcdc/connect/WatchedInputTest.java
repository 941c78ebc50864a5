package dev.pgcdc.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.pgcdc.embedded.junit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The replication socket's stream over a real loopback connection: waiting for bytes takes none from the reader. */
class WatchedInputTest {

    private ServerSocket server;
    private Socket client;
    private Socket peer;
    private final InboundTraffic traffic = new InboundTraffic();
    private InputStream input;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        peer = server.accept();
        client.setSoTimeout(5_000);
        input = new WatchedInput(client.getInputStream(), client, traffic);
        traffic.watch((WatchedInput) input);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        peer.close();
        server.close();
    }

    @Test
    void aWaitWithNothingSentEndsAfterItsTimeoutAndLeavesTheSocketUsable() throws Exception {
        assertThat(traffic.awaitArrival(20)).isFalse();
        assertThat(client.getSoTimeout()).isEqualTo(5_000);
        assertThat(traffic.mayHaveUnread()).isFalse();
        assertThat(traffic.taken()).isZero();
        assertThat(traffic.closed()).isNull();
        peer.getOutputStream().write(42);
        assertThat(input.read()).isEqualTo(42);
    }

    @Test
    void theByteAWaitReadAheadIsReadFirstAndCountedOnlyOnceTaken() throws Exception {
        OutputStream out = peer.getOutputStream();
        out.write("hello".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(traffic.awaitArrival(5_000)).isTrue();
        assertThat(traffic.mayHaveUnread()).isTrue();
        assertThat(traffic.taken()).isZero();
        assertThat(traffic.awaitArrival(5_000)).isTrue(); // already there: no second byte read ahead

        byte[] buffer = new byte[5];
        int n = 0;
        while (n < 5) {
            n += input.read(buffer, n, 5 - n);
        }
        assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(input.available()).isZero();
        assertThat(traffic.taken()).isEqualTo(5);
        assertThat(client.getSoTimeout()).isEqualTo(5_000);
    }

    @Test
    void aCountOfUnreadBytesStandsUntilAReadTakesThemAndNeverSaysMoreThanThereAre() throws Exception {
        OutputStream out = peer.getOutputStream();
        out.write(new byte[] {1, 2, 3, 4, 5});
        out.flush();
        Await.until("five bytes in the socket", Duration.ofSeconds(5), () -> unread() == 5);
        out.write(new byte[] {6, 7});
        out.flush();
        // not asked again while the five are unread: a count that is short of the truth, never over it
        assertThat(input.available()).isEqualTo(5);
        byte[] buffer = new byte[3];
        assertThat(input.read(buffer, 0, 2)).isEqualTo(2);
        assertThat(input.available()).isEqualTo(3);
        assertThat(input.read(buffer, 0, 3)).isEqualTo(3);
        assertThat(buffer).containsExactly(3, 4, 5);
        // none known to be left: asked again, until the two sent later are seen
        Await.until("the two later bytes counted", Duration.ofSeconds(5), () -> unread() == 2);
        assertThat(input.read(buffer, 0, 3)).isEqualTo(2);
        assertThat(traffic.taken()).isEqualTo(7);
    }

    private int unread() {
        try {
            return input.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSingleByteReadAndASkipTakeTheByteReadAhead() throws Exception {
        OutputStream out = peer.getOutputStream();
        out.write(new byte[] {7, 8, 9});
        out.flush();
        assertThat(traffic.awaitArrival(5_000)).isTrue();
        assertThat(input.read()).isEqualTo(7);
        assertThat(traffic.awaitArrival(5_000)).isTrue();
        assertThat(input.skip(1)).isEqualTo(1);
        assertThat(input.read()).isEqualTo(9);
        assertThat(traffic.taken()).isEqualTo(3);
    }

    @Test
    void theEndOfTheStreamSeenWhileWaitingIsWhatTheNextReadReturnsAndTheTrafficTells() throws Exception {
        peer.shutdownOutput();
        assertThat(traffic.awaitArrival(5_000)).isTrue();
        assertThat(traffic.closed()).isEqualTo("the server closed the connection");
        assertThat(traffic.awaitArrival(5_000)).as("no wait on a closed socket").isTrue();
        assertThat(input.read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void aResetConnectionIsToldByTheTrafficThoughTheWaitOnlySaysSomethingHappened() throws Exception {
        peer.setSoLinger(true, 0);
        peer.close(); // an RST, not an orderly end
        assertThat(traffic.awaitArrival(5_000)).isTrue();
        assertThat(traffic.closed()).startsWith("the connection failed: java.net.SocketException");
    }

    @Test
    void aReadThatMeetsTheEndOfTheStreamTellsTheTrafficToo() throws Exception {
        peer.shutdownOutput();
        assertThat(input.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(traffic.closed()).isEqualTo("the server closed the connection");
    }
}
