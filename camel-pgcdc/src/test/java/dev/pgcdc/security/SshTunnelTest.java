package dev.pgcdc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Streaming through an SSH tunnel (MINA SSHD in process): key and password auth, host key checks, SSH restarts. */
class SshTunnelTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final String SSH_PASSWORD = "ssh-Pa55word";
    private static final String PASSPHRASE = "key-Pa55phrase";

    @TempDir
    static Path dir;
    private static TestSshServer ssh;
    private static Path knownHosts;
    private static Path privateKey;

    @BeforeAll
    static void startSshServer() throws Exception {
        KeyPair clientKeys = TestSshServer.newKeyPair();
        ssh = new TestSshServer(dir, SSH_PASSWORD, clientKeys.getPublic());
        privateKey = TestSshServer.writeOpenSshKey(clientKeys, PASSPHRASE, dir.resolve("id_ecdsa"));
        knownHosts = Files.writeString(dir.resolve("known_hosts"), ssh.knownHostsLine(ssh.hostKey()));
    }

    @AfterAll
    static void stopSshServer() throws Exception {
        ssh.close();
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    private String keyAuth() {
        return "sshHost=127.0.0.1&sshPort=" + ssh.port() + "&sshUser=" + TestSshServer.USER + "&sshPrivateKeyFile="
                + privateKey + "&sshPrivateKeyPassphrase=" + PASSPHRASE + "&sshKnownHostsFile=" + knownHosts;
    }

    @Test
    void streamsThroughTheTunnelWithAnEncryptedPrivateKey() throws Exception {
        String slot = uniqueSlot("sshkey");
        int forwardedBefore = ssh.forwardedConnections();
        Received received = streamTable(slot, keyAuth());
        pg().execute("INSERT INTO " + slot + " VALUES (1)");
        assertThat(received.await(1)).extracting(e -> e.getAfter().get("id")).containsExactly(1);
        // the setup connection and the replication connection both went through the SSH server
        assertThat(ssh.forwardedConnections() - forwardedBefore).isGreaterThanOrEqualTo(2);
    }

    @Test
    void streamsThroughTheTunnelWithAPasswordAndAHostKeyFingerprint() throws Exception {
        String slot = uniqueSlot("sshpw");
        // RAW(): a fingerprint contains + and /, which URI decoding would change
        String fingerprint = "RAW(" + KeyUtils.getFingerPrint(ssh.hostKey()) + ")";
        Received received = streamTable(slot, "sshHost=127.0.0.1&sshPort=" + ssh.port() + "&sshUser="
                + TestSshServer.USER + "&sshPassword=" + SSH_PASSWORD + "&sshHostKeyFingerprint=" + fingerprint);
        pg().execute("INSERT INTO " + slot + " VALUES (2)");
        assertThat(received.await(1)).extracting(e -> e.getAfter().get("id")).containsExactly(2);
    }

    @Test
    void anUnknownHostKeyIsRejected() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
        String slot = uniqueSlot("sshunknown");
        StartFailure failure = StartFailure.of(() -> streamTable(slot, keyAuth().replace(knownHosts.toString(),
                empty.toString())));
        assertThat(failure.text()).contains("The SSH host key of 127.0.0.1:" + ssh.port() + " (" + KeyUtils.getKeyType(ssh.hostKey()) + " "
                + KeyUtils.getFingerPrint(ssh.hostKey()) + ") is not in the known hosts file " + empty);
        assertThat(Files.readString(empty)).as("the unknown key is not learned").isEmpty();
    }

    @Test
    void aChangedHostKeyIsRejected() throws Exception {
        Path changed = Files.writeString(dir.resolve("changed_known_hosts"),
                ssh.knownHostsLine(TestSshServer.newKeyPair().getPublic()));
        String slot = uniqueSlot("sshchanged");
        StartFailure failure = StartFailure.of(() -> streamTable(slot, keyAuth().replace(knownHosts.toString(),
                changed.toString())));
        assertThat(failure.text()).contains("The SSH host key of 127.0.0.1:" + ssh.port() + " CHANGED",
                "the server sent " + KeyUtils.getFingerPrint(ssh.hostKey()));
    }

    @Test
    void aMissingPrivateKeyFileIsNamedAsMissingAndAWrongPassphraseAsSuch() throws Exception {
        Path missing = dir.resolve("no_such_key");
        StartFailure absent = StartFailure.of(() -> streamTable(uniqueSlot("sshnokey"),
                keyAuth().replace(privateKey.toString(), missing.toString())));
        assertThat(absent.text()).contains("The SSH private key file " + missing + " does not exist")
                .doesNotContain("is sshPrivateKeyPassphrase right");

        StartFailure wrong = StartFailure.of(() -> streamTable(uniqueSlot("sshbadpass"),
                keyAuth().replace(PASSPHRASE, "not-" + PASSPHRASE)));
        assertThat(wrong.text()).contains("Cannot decode the SSH private key " + privateKey,
                "is sshPrivateKeyPassphrase right");
    }

    @Test
    void reconnectsThroughANewTunnelAfterTheSshServerRestartsWithoutLosingAChange() throws Exception {
        String slot = uniqueSlot("sshrestart");
        Received received = streamTable(slot, keyAuth());
        insert(slot, 1, 50);
        received.awaitMatching("first 50 rows", list -> list.size() >= 50);
        ssh.stop();
        insert(slot, 51, 100); // written while the tunnel is down
        ssh.start();
        insert(slot, 101, 150);
        List<ChangeEvent> events = received.awaitMatching("all 150 rows", list -> ids(list).size() == 150);
        assertThat(ids(events)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 150).boxed().collect(Collectors.toCollection(TreeSet::new)));
    }

    private Received streamTable(String slot, String sshOptions) throws Exception {
        pg().execute("CREATE TABLE IF NOT EXISTS " + slot + " (id int PRIMARY KEY)");
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + slot + "&" + sshOptions))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        return received;
    }

    private void insert(String table, int from, int to) {
        pg().execute("INSERT INTO " + table + " SELECT generate_series(" + from + ", " + to + ")");
    }

    private static Set<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.getAfter().get("id")).collect(Collectors.toCollection(TreeSet::new));
    }
}
