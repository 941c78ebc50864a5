package dev.pgcdc.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away certificate authority: a root, and certificates it issues, written as PEM or PKCS#12 files. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final Issued root;

    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    TestPki(Path dir) {
        this.dir = dir;
        KeyPair keys = rsa();
        this.root = new Issued(sign("CN=pgcdc test CA", keys, keys, "CN=pgcdc test CA", true), keys);
    }

    Issued root() {
        return root;
    }

    /** A certificate for a server or client; each name is a DNS name or, if numeric, an IP address. */
    Issued issue(String commonName, String... subjectAltNames) {
        KeyPair keys = rsa();
        X509Certificate cert = sign("CN=" + commonName, keys, root.keys(), root.certificate().getSubjectX500Principal()
                .getName(), false, subjectAltNames);
        return new Issued(cert, keys);
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof KeyPair pair ? new JcaMiscPEMGenerator(pair.getPrivate()) : new JcaMiscPEMGenerator(object));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /** {@code BEGIN ENCRYPTED PRIVATE KEY}: PKCS#8, AES-256, as {@code openssl pkcs8 -topk8 -v2 aes256} writes it. */
    static String encryptedPkcs8Pem(KeyPair keys, String password) {
        try {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(),
                        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                                .setPassword(password.toCharArray()).build()));
            }
            return text.toString();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN PRIVATE KEY}: unencrypted PKCS#8. */
    static String pkcs8Pem(KeyPair keys) {
        try {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            return text.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 file holding the key and certificate under pgjdbc's alias {@code user}. */
    Path pkcs12(String name, Issued issued, String password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("user", issued.keys().getPrivate(), password.toCharArray(),
                    new Certificate[] {issued.certificate()});
            Path file = dir.resolve(name);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, KeyPair issuerKeys, String issuer,
                                        boolean ca, String... subjectAltNames) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name(subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (subjectAltNames.length > 0) {
                GeneralName[] names = new GeneralName[subjectAltNames.length];
                for (int i = 0; i < names.length; i++) {
                    String name = subjectAltNames[i];
                    names[i] = new GeneralName(Character.isDigit(name.charAt(0)) ? GeneralName.iPAddress
                            : GeneralName.dNSName, name);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
