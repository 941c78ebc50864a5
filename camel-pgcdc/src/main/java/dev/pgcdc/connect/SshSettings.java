package dev.pgcdc.connect;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SSH server (bastion) to tunnel through, how to authenticate to it, and how to recognise it. The server's host
 * key is always checked: against {@code sshHostKeyFingerprint} when given, otherwise against a known_hosts file
 * ({@code ~/.ssh/known_hosts} by default). Secrets (password, private key, passphrase) stay out of
 * {@link #toString()}.
 */
public final class SshSettings {

    /** OpenSSH's fingerprint forms: {@code SHA256:base64} (what ssh-keygen -l prints) or {@code MD5:hex:..}. */
    private static final Pattern FINGERPRINT = Pattern.compile("(?i)(SHA256:[A-Za-z0-9+/]{43}=?|MD5(:[0-9a-f]{2}){16})");

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path privateKeyFile;
    private final String privateKey;
    private final String privateKeyPassphrase;
    private final Path knownHostsFile;
    private final String hostKeyFingerprint;

    private SshSettings(Builder builder) {
        this.host = Objects.requireNonNull(builder.host, "sshHost");
        this.port = builder.port;
        this.user = builder.user;
        this.password = builder.password;
        this.privateKeyFile = builder.privateKeyFile;
        this.privateKey = builder.privateKey;
        this.privateKeyPassphrase = builder.privateKeyPassphrase;
        this.hostKeyFingerprint = builder.hostKeyFingerprint;
        this.knownHostsFile = builder.knownHostsFile != null || hostKeyFingerprint != null ? builder.knownHostsFile
                : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        validate();
    }

    public static Builder builder(String host) {
        return new Builder(host);
    }

    private void validate() {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("sshHost is set, so sshUser is needed too");
        }
        if (password == null && privateKeyFile == null && privateKey == null) {
            throw new IllegalArgumentException("SSH tunnel via " + this + " needs sshPassword, sshPrivateKeyFile or"
                    + " sshPrivateKey");
        }
        if (privateKeyFile != null && privateKey != null) {
            throw new IllegalArgumentException("Give either sshPrivateKeyFile or sshPrivateKey, not both");
        }
        if (hostKeyFingerprint != null && !FINGERPRINT.matcher(hostKeyFingerprint).matches()) {
            throw new IllegalArgumentException("sshHostKeyFingerprint '" + hostKeyFingerprint + "' is not an OpenSSH"
                    + " fingerprint such as SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU (see ssh-keygen -lf)");
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    Path privateKeyFile() {
        return privateKeyFile;
    }

    String privateKey() {
        return privateKey;
    }

    String privateKeyPassphrase() {
        return privateKeyPassphrase;
    }

    /** The known_hosts file to check the host key against; null when a fingerprint is given instead. */
    public Path knownHostsFile() {
        return knownHostsFile;
    }

    public String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }

    public static final class Builder {
        private final String host;
        private int port = 22;
        private String user;
        private String password;
        private Path privateKeyFile;
        private String privateKey;
        private String privateKeyPassphrase;
        private Path knownHostsFile;
        private String hostKeyFingerprint;

        private Builder(String host) {
            this.host = host;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        public Builder privateKeyFile(Path value) {
            this.privateKeyFile = value;
            return this;
        }

        /** The private key itself, in OpenSSH or PEM form, e.g. from an environment variable. */
        public Builder privateKey(String value) {
            this.privateKey = value;
            return this;
        }

        public Builder privateKeyPassphrase(String value) {
            this.privateKeyPassphrase = value;
            return this;
        }

        public Builder knownHostsFile(Path value) {
            this.knownHostsFile = value;
            return this;
        }

        public Builder hostKeyFingerprint(String value) {
            this.hostKeyFingerprint = value;
            return this;
        }

        public SshSettings build() {
            return new SshSettings(this);
        }
    }
}
