package dev.pgcdc.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Properties;

import org.postgresql.PGProperty;

/**
 * Turns {@link SslSettings} into pgjdbc properties, for the JDBC and the replication connection alike. A PEM client
 * key is converted once into a PKCS#12 file that only this process can read, locked with a random password that
 * never leaves memory, and deleted on {@link #close()}: pgjdbc cannot read PEM keys, and the key must not be written
 * anywhere unencrypted.
 */
final class TlsProperties implements AutoCloseable {

    /** pgjdbc's PKCS12KeyManager looks the key up under this alias. */
    private static final String PGJDBC_KEY_ALIAS = "user";

    private final SslSettings settings;
    private final Path convertedKey;
    private final String convertedKeyPassword;

    TlsProperties(SslSettings settings) {
        this.settings = settings;
        Path key = settings.key();
        if (key != null && !Files.isReadable(key)) {
            throw new IllegalArgumentException("sslKey " + key + " does not exist or is not readable");
        }
        if (key != null && !isPkcs12(key) && isPem(key)) {
            if (settings.cert() == null) {
                throw new IllegalArgumentException("sslKey " + key + " is a PEM key: give its certificate in sslCert");
            }
            convertedKeyPassword = randomPassword();
            convertedKey = toPkcs12(PemPrivateKey.read(key, settings.password()), settings.cert(), convertedKeyPassword);
        } else {
            convertedKey = null;
            convertedKeyPassword = null;
        }
    }

    void apply(Properties props) {
        PGProperty.SSL_MODE.set(props, settings.mode().value());
        if (settings.mode() == SslMode.DISABLE) {
            return;
        }
        if (settings.rootCert() != null) {
            PGProperty.SSL_ROOT_CERT.set(props, settings.rootCert().toString());
        }
        if (convertedKey != null) {
            PGProperty.SSL_KEY.set(props, convertedKey.toString());
            PGProperty.SSL_PASSWORD.set(props, convertedKeyPassword);
            return;
        }
        if (settings.cert() != null) {
            PGProperty.SSL_CERT.set(props, settings.cert().toString());
        }
        if (settings.key() != null) {
            PGProperty.SSL_KEY.set(props, settings.key().toString());
        }
        if (settings.password() != null) {
            PGProperty.SSL_PASSWORD.set(props, settings.password());
        }
    }

    @Override
    public void close() {
        if (convertedKey != null) {
            try {
                Files.deleteIfExists(convertedKey);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot delete the converted client key " + convertedKey, e);
            }
        }
    }

    /** pgjdbc decides by the file name too: PKCS#12 key stores end in .p12 or .pfx. */
    private static boolean isPkcs12(Path key) {
        String name = key.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static boolean isPem(Path key) {
        try {
            return PemPrivateKey.isPem(key);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read sslKey " + key + ": " + e.getMessage(), e);
        }
    }

    private static Path toPkcs12(PrivateKey key, Path certFile, String password) {
        try {
            Certificate[] chain;
            try (InputStream in = Files.newInputStream(certFile)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
            }
            if (chain.length == 0) {
                throw new IllegalArgumentException("sslCert " + certFile + " contains no certificate");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(PGJDBC_KEY_ALIAS, key, password.toCharArray(), chain);
            Path file = Files.createTempFile("pgcdc-client-key-", ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot prepare the client key from sslCert " + certFile + ": "
                    + e.getMessage(), e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
