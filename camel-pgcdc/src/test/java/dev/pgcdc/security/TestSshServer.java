package dev.pgcdc.security;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * An in-process SSH server on 127.0.0.1 that allows TCP forwarding for one user, by password or by key. Its host key
 * is kept in a file, so a restart on the same port presents the same key, as a real server does.
 */
final class TestSshServer implements AutoCloseable {

    static final String USER = "tunnel";

    private final Path hostKeyFile;
    private final String password;
    private final PublicKey authorizedKey;
    private final AtomicInteger forwardedConnections = new AtomicInteger();
    private SshServer server;
    private int port;

    TestSshServer(Path dir, String password, PublicKey authorizedKey) throws IOException {
        this.hostKeyFile = dir.resolve("ssh-host-key");
        this.password = password;
        this.authorizedKey = authorizedKey;
        start();
    }

    void start() throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKeyFile));
        server.setPasswordAuthenticator((user, given, session) -> USER.equals(user) && password.equals(given));
        server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, authorizedKey));
        server.setForwardingFilter(new AcceptAllForwardingFilter() {
            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                forwardedConnections.incrementAndGet();
                return true;
            }
        });
        server.start();
        port = server.getPort();
    }

    /** Stops the server, closing every session and so every tunnel through it. */
    void stop() throws IOException {
        server.stop(true);
    }

    int port() {
        return port;
    }

    /** How many connections the server forwarded to a target: proof that traffic went through it. */
    int forwardedConnections() {
        return forwardedConnections.get();
    }

    PublicKey hostKey() {
        try {
            return server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A known_hosts line for this server: {@code [127.0.0.1]:port type base64}. */
    String knownHostsLine(PublicKey key) {
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(key) + "\n";
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key in OpenSSH's own format, encrypted with the passphrase as ssh-keygen -N does. */
    static Path writeOpenSshKey(KeyPair keys, String passphrase, Path file) throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherName(OpenSSHKeyEncryptionContext.AES);
        encryption.setCipherType("256");
        encryption.setCipherMode("CTR");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keys, "pgcdc test", encryption, out);
        }
        return file;
    }
}
