package dev.pgcdc.connect;

/** libpq's sslmode values, which pgjdbc understands with the same meaning. */
public enum SslMode {
    /** Never TLS. */
    DISABLE("disable"),
    /** Plain first, TLS only if the server insists. */
    ALLOW("allow"),
    /** TLS if the server offers it, plain otherwise; the certificate is not checked (libpq's default). */
    PREFER("prefer"),
    /** TLS or no connection; the certificate is not checked. */
    REQUIRE("require"),
    /** TLS with a certificate signed by the root certificate. */
    VERIFY_CA("verify-ca"),
    /** As verify-ca, and the certificate must name the host connected to. */
    VERIFY_FULL("verify-full");

    private final String value;

    SslMode(String value) {
        this.value = value;
    }

    /** The value as libpq and pgjdbc spell it. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
