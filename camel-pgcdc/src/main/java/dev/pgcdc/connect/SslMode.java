package dev.pgcdc.connect;

import java.util.Arrays;
import java.util.stream.Collectors;

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

    public static SslMode of(String value) {
        for (SslMode mode : values()) {
            if (mode.value.equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown sslMode '" + value + "'; use one of "
                + Arrays.stream(values()).map(SslMode::value).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return value;
    }
}
