package dev.pgcdc.connect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local port forwarding through an SSH server to the database: {@link #ensureOpen()} returns the loopback address
 * that reaches the database, and builds the SSH session again when it was lost (the SSH server restarted, the
 * network dropped), so every reconnect of the replication stream also reconnects the tunnel.
 */
final class SshTunnel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SshTunnel.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final SshSettings settings;
    private final SshdSocketAddress target;
    private final Duration timeout;
    private final HostKeyCheck hostKeyCheck;
    private SshClient client;
    private ClientSession session;
    private ExplicitPortForwardingTracker forwarding;

    SshTunnel(SshSettings settings, String targetHost, int targetPort, Duration timeout) {
        this.settings = settings;
        this.target = new SshdSocketAddress(targetHost, targetPort);
        this.timeout = timeout;
        this.hostKeyCheck = new HostKeyCheck(settings);
    }

    /** The local end of the tunnel; connects, authenticates and starts forwarding unless that is still up. */
    synchronized InetSocketAddress ensureOpen() throws IOException {
        if (session != null && session.isOpen() && forwarding != null && forwarding.isOpen()) {
            return forwarding.getBoundAddress().toInetSocketAddress();
        }
        closeSession();
        if (client == null) {
            client = startClient();
        }
        hostKeyCheck.reset();
        Stage stage = Stage.CONNECT;
        try {
            session = client.connect(settings.user(), settings.host(), settings.port()).verify(timeout).getSession();
            stage = Stage.AUTHENTICATE;
            addIdentities(session);
            session.auth().verify(timeout);
            stage = Stage.FORWARD;
            forwarding = session.createLocalPortForwardingTracker(new SshdSocketAddress(LOOPBACK, 0), target);
        } catch (IOException e) {
            closeSession();
            throw new IOException(explain(e, stage), e);
        }
        LOG.info("SSH tunnel {} -> {} via {} established", forwarding.getBoundAddress(), target, settings);
        return forwarding.getBoundAddress().toInetSocketAddress();
    }

    private SshClient startClient() {
        SshClient sshClient = SshClient.setUpDefaultClient();
        sshClient.setServerKeyVerifier(hostKeyCheck);
        // Only what is configured: no ~/.ssh/config host entries, no default identities from ~/.ssh.
        sshClient.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        sshClient.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        sshClient.start();
        return sshClient;
    }

    private void addIdentities(ClientSession clientSession) throws IOException {
        if (settings.password() != null) {
            clientSession.addPasswordIdentity(settings.password());
        }
        if (settings.privateKeyFile() == null && settings.privateKey() == null) {
            return;
        }
        String name = settings.privateKeyFile() != null ? settings.privateKeyFile().toString() : "sshPrivateKey";
        byte[] key;
        if (settings.privateKeyFile() == null) {
            key = settings.privateKey().getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                key = Files.readAllBytes(settings.privateKeyFile());
            } catch (NoSuchFileException e) {
                throw new KeyProblem("The SSH private key file " + name + " does not exist: set sshPrivateKeyFile to"
                        + " the path of the key");
            } catch (IOException e) {
                throw new KeyProblem("Cannot read the SSH private key file " + name + " (" + e + ")");
            }
        }
        try (InputStream in = new ByteArrayInputStream(key)) {
            FilePasswordProvider passphrase = settings.privateKeyPassphrase() == null ? FilePasswordProvider.EMPTY
                    : FilePasswordProvider.of(settings.privateKeyPassphrase());
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(clientSession, NamedResource.ofName(name), in,
                    passphrase);
            if (keys == null || !keys.iterator().hasNext()) {
                throw new KeyProblem("Cannot read an SSH private key from " + name);
            }
            keys.forEach(clientSession::addPublicKeyIdentity);
        } catch (GeneralSecurityException | IOException e) {
            if (e instanceof KeyProblem problem) {
                throw problem;
            }
            // read, but not decoded: an encrypted key fails so when the passphrase is wrong or missing
            throw new KeyProblem("Cannot decode the SSH private key " + name + " (" + e.getClass().getSimpleName()
                    + "); is it an OpenSSH or PEM private key, and is sshPrivateKeyPassphrase right?");
        }
    }

    /** The host key check runs during key exchange, which may finish only while authenticating: it goes first. */
    private String explain(IOException e, Stage stage) {
        if (hostKeyCheck.rejection() != null) {
            return hostKeyCheck.rejection();
        }
        if (e instanceof KeyProblem) {
            return e.getMessage();
        }
        String server = settings.host() + ":" + settings.port();
        return switch (stage) {
            case CONNECT -> "Cannot reach the SSH server " + server + " within " + timeout.toSeconds() + "s: "
                    + e.getMessage();
            case AUTHENTICATE -> "SSH authentication as " + settings + " failed (" + e.getMessage() + "): check"
                    + " sshUser and sshPassword or the private key";
            case FORWARD -> "The SSH server " + server + " refused to forward to " + target + ": " + e.getMessage();
        };
    }

    private synchronized void closeSession() {
        if (forwarding != null) {
            closeQuietly(forwarding);
            forwarding = null;
        }
        if (session != null) {
            closeQuietly(session);
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        closeSession();
        if (client != null) {
            client.stop();
            client = null;
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", channel, e.getMessage());
        }
    }

    private enum Stage { CONNECT, AUTHENTICATE, FORWARD }

    /** A private key that cannot be read: the message is already the one to show. */
    private static final class KeyProblem extends IOException {
        KeyProblem(String message) {
            super(message);
        }
    }
}
