package dev.pgcdc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import dev.pgcdc.embedded.HostAuth;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each wrong setting makes the consumer's start fail with one clear message, soon (connectTimeout=5s), without
 * retrying, and without a secret in the message or in anything logged meanwhile.
 */
class BadConfigurationTest extends CdcTestSupport {

    private static final String SUPERUSER_PASSWORD = "Super-S3cret!pw";
    private static final String WRONG_PASSWORD = "Wrong-S3cret!pw";
    private static final String SSH_PASSWORD = "Ssh-S3cret!pw";
    private static final Duration BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().superuser("postgres", SUPERUSER_PASSWORD)
            .hostAuth(HostAuth.SCRAM_SHA_256).build();

    @TempDir
    static Path dir;
    private static TestSshServer ssh;

    @BeforeAll
    static void startSshServer() throws IOException {
        ssh = new TestSshServer(dir, SSH_PASSWORD, TestSshServer.newKeyPair().getPublic());
    }

    @AfterAll
    static void stopSshServer() throws IOException {
        ssh.close();
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void wrongHost() {
        assertFailsClearly(target("no-such-host.invalid", pg().port(), "postgres", SUPERUSER_PASSWORD),
                "Cannot connect to postgres@no-such-host.invalid:" + pg().port() + "/postgres",
                "The host name no-such-host.invalid does not resolve: check the host option");
    }

    @Test
    void wrongPort() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertFailsClearly(target(pg().host(), closedPort, "postgres", SUPERUSER_PASSWORD),
                "Cannot connect to postgres@127.0.0.1:" + closedPort + "/postgres: Connection to 127.0.0.1:"
                        + closedPort + " refused");
    }

    @Test
    void aReadTimeoutTooShortForTheStatusInterval() {
        assertFailsClearly(target(pg().host(), pg().port(), "postgres", SUPERUSER_PASSWORD)
                + "&statusInterval=10000&readTimeout=15000", "readTimeout (15000 ms) must be at least twice"
                + " statusInterval (10000 ms)", "Raise readTimeout or lower statusInterval");
    }

    @Test
    void wrongPassword() {
        assertFailsClearly(target(pg().host(), pg().port(), "postgres", WRONG_PASSWORD),
                "password authentication failed for user \"postgres\"",
                "Check the user, password (or passwordFile) and client certificate options");
    }

    @Test
    void wrongDatabase() {
        assertFailsClearly(target(pg().host(), pg().port(), "no_such_db", SUPERUSER_PASSWORD),
                "Cannot connect to postgres@127.0.0.1:" + pg().port() + "/no_such_db",
                "database \"no_such_db\" does not exist");
    }

    @Test
    void tlsRequiredButTheServerHasItOff() {
        assertFailsClearly(target(pg().host(), pg().port(), "postgres", SUPERUSER_PASSWORD) + "&sslMode=require",
                "sslMode=require requires TLS, but the server has ssl=off");
    }

    @Test
    void sshAuthenticationFails() {
        String fingerprint = org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(ssh.hostKey());
        assertFailsClearly(target(pg().host(), pg().port(), "postgres", SUPERUSER_PASSWORD) + "&sshHost=127.0.0.1"
                        + "&sshPort=" + ssh.port() + "&sshUser=" + TestSshServer.USER + "&sshPassword=" + WRONG_PASSWORD
                        + "&sshHostKeyFingerprint=RAW(" + fingerprint + ")",
                "SSH authentication as tunnel@127.0.0.1:" + ssh.port() + " failed",
                "check sshUser and sshPassword or the private key");
    }

    @Test
    void sshServerUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertFailsClearly(target(pg().host(), pg().port(), "postgres", SUPERUSER_PASSWORD) + "&sshHost=127.0.0.1"
                        + "&sshPort=" + closedPort + "&sshUser=" + TestSshServer.USER + "&sshPassword=" + SSH_PASSWORD
                        + "&sshKnownHostsFile=" + dir.resolve("known_hosts"),
                "Cannot reach the SSH server 127.0.0.1:" + closedPort);
    }

    private String target(String host, int port, String database, String password) {
        return "pgcdc:" + uniqueSlot("bad") + "?host=" + host + "&port=" + port + "&database=" + database
                + "&user=postgres&password=" + password + "&connectTimeout=5s&reconnectDelay=100";
    }

    private void assertFailsClearly(String uri, String... expected) {
        try (LogCapture logs = new LogCapture()) {
            StartFailure failure = StartFailure.of(() -> start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).to("log:never");
                }
            })).tookAtMost(BOUND);
            assertThat(failure.text()).contains(expected);
            String everything = failure.text() + logs.text();
            assertThat(everything).doesNotContain(SUPERUSER_PASSWORD, WRONG_PASSWORD, SSH_PASSWORD);
            // the start failed in preflight: no replication thread was started, so nothing retries
            assertThat(logs.text()).doesNotContain("reconnecting", "streaming from");
        }
    }
}
