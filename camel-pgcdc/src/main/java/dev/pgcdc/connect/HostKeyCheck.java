package dev.pgcdc.connect;

import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Accepts the SSH server only if its host key is the expected one: the configured fingerprint, or an entry of the
 * known_hosts file. An unknown or changed key is rejected, never learned, and the reason is kept so the tunnel can
 * say exactly why the connection was refused (MINA SSHD itself only reports "Server key did not validate").
 */
final class HostKeyCheck implements ServerKeyVerifier {

    private final SshSettings settings;
    private final ServerKeyVerifier knownHosts;
    private volatile String rejection;

    HostKeyCheck(SshSettings settings) {
        this.settings = settings;
        this.knownHosts = settings.hostKeyFingerprint() != null ? null : new RecordingKnownHosts(settings.knownHostsFile());
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        if (knownHosts != null) {
            return knownHosts.verifyServerKey(session, remoteAddress, serverKey);
        }
        if (KeyUtils.checkFingerPrint(settings.hostKeyFingerprint(), serverKey).getKey()) {
            return true;
        }
        return reject("The SSH host key of " + server() + " has fingerprint " + fingerprint(serverKey)
                + ", not the expected sshHostKeyFingerprint " + settings.hostKeyFingerprint()
                + "; refusing to connect (the key changed or someone is intercepting the connection)");
    }

    /** Why the last host key was rejected, or null. */
    String rejection() {
        return rejection;
    }

    void reset() {
        rejection = null;
    }

    private boolean reject(String reason) {
        rejection = reason;
        return false;
    }

    private String server() {
        return settings.host() + ":" + settings.port();
    }

    private static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    private final class RecordingKnownHosts extends KnownHostsServerKeyVerifier {

        private final Path file;

        RecordingKnownHosts(Path file) {
            super(RejectAllServerKeyVerifier.INSTANCE, file);
            this.file = file;
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
            return reject("The SSH host key of " + server() + " (" + KeyUtils.getKeyType(serverKey) + " "
                    + fingerprint(serverKey) + ") is not in the known hosts file " + file
                    + (Files.exists(file) ? "" : " (the file does not exist)") + "; check the fingerprint with the"
                    + " server's administrator, then add the key to the file (e.g. ssh-keyscan -p " + settings.port()
                    + " " + settings.host() + ") or set sshHostKeyFingerprint");
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession clientSession, SocketAddress remoteAddress,
                                               KnownHostEntry entry, PublicKey expected, PublicKey actual) {
            return reject("The SSH host key of " + server() + " CHANGED: the known hosts file " + file + " has "
                    + fingerprint(expected) + ", the server sent " + fingerprint(actual) + "; refusing to connect"
                    + " (someone may be intercepting the connection; if the key was changed on purpose, update the"
                    + " file)");
        }

        @Override
        protected void handleRevokedKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
            reject("The SSH host key of " + server() + " (" + fingerprint(serverKey) + ") is marked @revoked in "
                    + file);
        }
    }
}
