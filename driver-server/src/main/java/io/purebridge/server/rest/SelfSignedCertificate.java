package io.purebridge.server.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front end's TLS identity: a self-signed certificate made on first start and kept under the
 * data directory, so clients can pin it (driver_ssl_cert_path = cert.pem) across restarts.
 * Files: {@code keystore.p12} (key and certificate), {@code keystore.pass} (its random password,
 * owner-only) and {@code cert.pem} (the certificate, to use as a CA bundle).
 */
public final class SelfSignedCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);
    static final String ALIAS = "purebridge-rest";

    private final Path keystore;
    private final String password;
    private final Path certificatePem;

    private SelfSignedCertificate(Path keystore, String password, Path certificatePem) {
        this.keystore = keystore;
        this.password = password;
        this.certificatePem = certificatePem;
    }

    /** Loads the identity from {@code dir}, creating it first if absent. */
    public static SelfSignedCertificate loadOrCreate(Path dir, List<String> extraNames) throws IOException {
        Files.createDirectories(dir);
        Path ks = dir.resolve("keystore.p12");
        Path pass = dir.resolve("keystore.pass");
        Path pem = dir.resolve("cert.pem");
        if (Files.exists(ks) && Files.exists(pass)) {
            String password = Files.readString(pass, StandardCharsets.US_ASCII).trim();
            if (!Files.exists(pem)) {
                writePem(pem, load(ks, password));
            }
            return new SelfSignedCertificate(ks, password, pem);
        }
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        try {
            // EC P-256: fast to generate (tests start many front ends) and accepted by every TLS client.
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair pair = gen.generateKeyPair();
            X509Certificate cert = build(pair, subjectNames(extraNames));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[] {cert});
            Path tmp = Files.createTempFile(dir, "keystore", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, password.toCharArray());
            }
            writeOwnerOnly(pass, password);
            Files.move(tmp, ks, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            writePem(pem, cert);
            LOG.info("rest-frontend: created self-signed certificate {}", pem);
            return new SelfSignedCertificate(ks, password, pem);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the REST front end's certificate: " + e.getMessage(), e);
        }
    }

    public Path keystore() {
        return keystore;
    }

    /** The keystore password; only for the TLS server, never logged. */
    String password() {
        return password;
    }

    /** The certificate in PEM, usable as a client's CA bundle. */
    public Path certificatePem() {
        return certificatePem;
    }

    private static Set<String> subjectNames(List<String> extra) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName());
            names.add(local.getHostAddress());
        } catch (IOException e) {
            LOG.debug("rest-frontend: no local host name: {}", e.toString());
        }
        names.addAll(extra);
        return names;
    }

    private static X509Certificate build(KeyPair pair, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=purebridge simulated FlashArray, O=purebridge");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
        List<GeneralName> san = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.matches("[0-9.]+") || n.contains(":");
            san.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
        // CA:true so that the certificate itself works as the client's trust anchor.
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static X509Certificate load(Path ks, String password) throws IOException {
        try (InputStream in = Files.newInputStream(ks)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return (X509Certificate) store.getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + ks + ": " + e.getMessage(), e);
        }
    }

    private static void writePem(Path pem, X509Certificate cert) throws IOException {
        try (Writer w = Files.newBufferedWriter(pem, StandardCharsets.US_ASCII)) {
            w.write("-----BEGIN CERTIFICATE-----\n");
            w.write(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded()));
            w.write("\n-----END CERTIFICATE-----\n");
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }
}
