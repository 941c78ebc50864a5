package dev.pgcdc.connect;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the connection uses TLS: the mode, the root certificate that signs the server's certificate, and an optional
 * client certificate and key. The key may be PEM (PKCS#1 or PKCS#8, encrypted or not), PKCS#8 DER, or PKCS#12
 * ({@code .p12}/{@code .pfx}, certificate included); {@code password} unlocks it. The password is left out of
 * {@link #toString()}.
 */
public final class SslSettings {

    /** libpq's and pgjdbc's default: TLS when the server offers it, unverified. */
    public static final SslSettings DEFAULT = new SslSettings(SslMode.PREFER, null, null, null, null);

    private final SslMode mode;
    private final Path rootCert;
    private final Path cert;
    private final Path key;
    private final String password;

    public SslSettings(SslMode mode, Path rootCert, Path cert, Path key, String password) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.rootCert = rootCert;
        this.cert = cert;
        this.key = key;
        this.password = password;
        if (mode == SslMode.DISABLE && (rootCert != null || cert != null || key != null)) {
            throw new IllegalArgumentException("sslMode=disable, but certificates are configured: choose an sslMode"
                    + " that uses TLS, or remove sslRootCert/sslCert/sslKey");
        }
    }

    public SslMode mode() {
        return mode;
    }

    public Path rootCert() {
        return rootCert;
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }

    String password() {
        return password;
    }

    @Override
    public String toString() {
        return "sslMode=" + mode + (rootCert == null ? "" : ", sslRootCert=" + rootCert)
                + (cert == null ? "" : ", sslCert=" + cert) + (key == null ? "" : ", sslKey=" + key);
    }
}
