package dev.pgcdc.connect;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads the private key of a PEM file the way OpenSSL writes them ({@code BEGIN PRIVATE KEY}, {@code BEGIN RSA/EC
 * PRIVATE KEY}, {@code BEGIN ENCRYPTED PRIVATE KEY}, or a legacy encrypted PEM), because pgjdbc itself only reads
 * PKCS#8 DER and PKCS#12 key files while users mostly have PEM.
 */
final class PemPrivateKey {

    /** A provider instance for decryption only; it is not registered, so the JVM's provider list stays as it was. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private PemPrivateKey() {
    }

    static boolean isPem(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            char[] head = new char[64];
            int read = reader.read(head);
            return read > 0 && new String(head, 0, read).contains("-----BEGIN ");
        }
    }

    /** The key; {@code password} decrypts an encrypted one. Errors name the file, never the password. */
    static PrivateKey read(Path file, String password) {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                PrivateKeyInfo info = keyInfo(object, file, password);
                if (info != null) {
                    return new JcaPEMKeyConverter().setProvider(BC).getPrivateKey(info);
                }
            }
            throw new IllegalArgumentException("sslKey " + file + " contains no private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read sslKey " + file + ": " + e.getMessage(), e);
        } catch (PKCSException | OperatorCreationException e) {
            throw new IllegalArgumentException("Cannot decrypt sslKey " + file + ": is sslPassword right?", e);
        }
    }

    private static PrivateKeyInfo keyInfo(Object object, Path file, String password)
            throws IOException, PKCSException, OperatorCreationException {
        if (object instanceof PrivateKeyInfo info) {
            return info;
        }
        if (object instanceof PEMKeyPair pair) {
            return pair.getPrivateKeyInfo();
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC)
                    .build(requirePassword(file, password)));
        }
        if (object instanceof PEMEncryptedKeyPair encrypted) {
            try {
                return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC)
                        .build(requirePassword(file, password))).getPrivateKeyInfo();
            } catch (EncryptionException e) {
                throw new PKCSException("cannot decrypt", e);
            }
        }
        return null;
    }

    private static char[] requirePassword(Path file, String password) {
        if (password == null) {
            throw new IllegalArgumentException("sslKey " + file + " is encrypted: give its password in sslPassword");
        }
        return password.toCharArray();
    }
}
