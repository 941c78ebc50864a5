package dev.pgcdc.security;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS for both connections against a server with a certificate from a test CA: verify-full streams, a certificate for
 * another host is refused, and client certificates work with the key as PEM (plain and encrypted) and PKCS#12.
 */
class SslConnectionTest extends CdcTestSupport {

    private static final String CERT_USER = "cdc_cert";
    private static final String KEY_PASSWORD = "k3y-Secret!";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static PostgresCluster cluster;
    private static Path rootCert;

    @BeforeAll
    static void startTlsCluster() {
        pki = new TestPki(dir);
        TestPki.Issued server = pki.issue("localhost", "localhost", "127.0.0.1");
        TestPki.Issued other = pki.issue("db.other.example", "db.other.example");
        rootCert = pki.write("root.crt", TestPki.pem(pki.root().certificate()));
        cluster = PostgresCluster.builder()
                .dataFile("server.crt", TestPki.pem(server.certificate()).getBytes())
                .dataFile("server.key", TestPki.pem(server.keys()).getBytes())
                .dataFile("other.crt", TestPki.pem(other.certificate()).getBytes())
                .dataFile("other.key", TestPki.pem(other.keys()).getBytes())
                .dataFile("root.crt", TestPki.pem(pki.root().certificate()).getBytes())
                .setting("ssl", "on").setting("ssl_cert_file", "server.crt").setting("ssl_key_file", "server.key")
                .setting("ssl_ca_file", "root.crt")
                // the certificate user may log in with a client certificate only
                .hbaRule("hostssl all " + CERT_USER + " 127.0.0.1/32 cert")
                .hbaRule("hostssl replication " + CERT_USER + " 127.0.0.1/32 cert")
                .start();
        cluster.execute("CREATE ROLE " + CERT_USER + " LOGIN SUPERUSER");
    }

    @AfterAll
    static void stopCluster() {
        cluster.stop();
    }

    @Override
    protected PostgresServer pg() {
        return cluster;
    }

    @Test
    void streamsOverVerifyFullTlsOnBothConnections() throws Exception {
        String slot = uniqueSlot("tls");
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY)");
        Received received = new Received();
        start(route(uri(slot, "tables=" + slot + "&sslMode=verify-full&sslRootCert=" + rootCert), received));
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + slot + " VALUES (1)");
        assertThat(received.await(1).get(0).getAfter()).isEqualTo(Map.of("id", 1));
        // the walsender (replication connection) is encrypted, not only the setup connection
        assertThat(pg().queryForObject("SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
                + " WHERE a.backend_type = 'walsender' AND a.application_name = ?", Boolean.class, "pgcdc " + slot))
                .isTrue();
    }

    @Test
    void anIdleEncryptedReplicationConnectionIsNotTakenForADeadOne() throws Exception {
        String slot = uniqueSlot("tls_idle");
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY)");
        Received received = new Received();
        // the server's replies arrive encrypted: the dead-connection check must see them all the same
        start(route(uri(slot, "tables=" + slot + "&sslMode=verify-full&sslRootCert=" + rootCert + "&readTimeout=1500"),
                received));
        awaitStreaming(slot);
        int pid = slot(slot).activePid();
        Await.until("the idle replication connection lived for three readTimeouts", Duration.ofSeconds(20),
                () -> pg().queryForObject("SELECT count(*)::int FROM pg_stat_activity WHERE pid = ?"
                        + " AND clock_timestamp() - backend_start > interval '4500 ms'", Integer.class, pid) == 1);
        assertThat(slot(slot).activePid()).isEqualTo(pid);
        pg().execute("INSERT INTO " + slot + " VALUES (1)");
        assertThat(received.await(1).get(0).getAfter()).isEqualTo(Map.of("id", 1));
    }

    @Test
    void verifyFullRefusesACertificateForAnotherHost() throws Exception {
        useServerCertificate("other");
        try (LogCapture logs = new LogCapture()) {
            String slot = uniqueSlot("mismatch");
            StartFailure failure = StartFailure.of(() -> start(route(uri(slot,
                    "sslMode=verify-full&sslRootCert=" + rootCert + "&password=" + KEY_PASSWORD), new Received())))
                    .tookAtMost(Duration.ofSeconds(15));
            assertThat(failure.text()).contains("The server's certificate is not issued for host 127.0.0.1"
                    + " (sslMode=verify-full)");
            assertThat(failure.text() + logs.text()).doesNotContain(KEY_PASSWORD);
        } finally {
            useServerCertificate("server");
        }
    }

    @Test
    void verifyCaRefusesAServerSignedByAnotherCa() {
        Path otherRoot = pki.write("other-root.crt", TestPki.pem(new TestPki(dir).root().certificate()));
        String slot = uniqueSlot("wrongca");
        StartFailure failure = StartFailure.of(() -> start(route(uri(slot,
                "sslMode=verify-ca&sslRootCert=" + otherRoot), new Received())));
        assertThat(failure.text()).contains("The server's certificate is not signed by the root certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pem", "encrypted-pem", "pkcs12"})
    void authenticatesWithAClientCertificate(String keyForm) throws Exception {
        TestPki.Issued client = pki.issue(CERT_USER);
        Path cert = pki.write(keyForm + ".crt", TestPki.pem(client.certificate()));
        Path key = switch (keyForm) {
            case "pem" -> pki.write(keyForm + ".key", TestPki.pem(client.keys()));
            case "encrypted-pem" -> pki.write(keyForm + ".key", TestPki.encryptedPkcs8Pem(client.keys(), KEY_PASSWORD));
            default -> pki.pkcs12(keyForm + ".p12", client, KEY_PASSWORD);
        };
        String slot = uniqueSlot("cert_" + keyForm.replace('-', '_'));
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY)");
        Received received = new Received();
        String uri = "pgcdc:" + slot + "?host=" + pg().host() + "&port=" + pg().port() + "&database=postgres&user="
                + CERT_USER + "&tables=" + slot + "&sslMode=verify-full&sslRootCert=" + rootCert + "&sslCert=" + cert
                + "&sslKey=" + key + (keyForm.equals("pem") ? "" : "&sslPassword=" + KEY_PASSWORD)
                + "&snapshotMode=never"; // the streamed sequence alone
        try (LogCapture logs = new LogCapture()) {
            start(route(uri, received));
            awaitStreaming(slot);
            pg().execute("INSERT INTO " + slot + " VALUES (7)");
            assertThat(received.await(1)).extracting(ChangeEvent::getAfter).containsExactly(Map.of("id", 7));
            assertThat(logs.text()).doesNotContain(KEY_PASSWORD);
        }
        // no decrypted or converted key is left behind once the consumer stops
        contexts.forEach(org.apache.camel.CamelContext::stop);
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pgcdc-client-key-")))
                    .isEmpty();
        }
    }

    @Test
    void aClientCertificateUserWithoutCertificateIsRefused() {
        String slot = uniqueSlot("nocert");
        StartFailure failure = StartFailure.of(() -> start(route("pgcdc:" + slot + "?host=" + pg().host() + "&port="
                + pg().port() + "&database=postgres&user=" + CERT_USER + "&sslMode=verify-full&sslRootCert="
                + rootCert, new Received())));
        assertThat(failure.text()).contains("Cannot connect to " + CERT_USER + "@127.0.0.1:" + pg().port()
                + "/postgres");
    }

    /** Switches the server to another key pair; SSL files are re-read on reload, which new connections see. */
    private void useServerCertificate(String name) {
        pg().execute("ALTER SYSTEM SET ssl_cert_file = '" + name + ".crt'",
                "ALTER SYSTEM SET ssl_key_file = '" + name + ".key'", "SELECT pg_reload_conf()");
        Await.until("server uses " + name + ".crt", Duration.ofSeconds(10),
                () -> (name + ".crt").equals(pg().queryForObject("SHOW ssl_cert_file", String.class)));
    }

    private static RouteBuilder route(String uri, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }

}
