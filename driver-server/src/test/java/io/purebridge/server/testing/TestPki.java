package io.purebridge.server.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA and the certificates it signs, written as PEM files for TLS tests. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    public TestPki(Path dir, String name) throws GeneralSecurityException, IOException, OperatorCreationException {
        this.dir = Files.createDirectories(dir);
        this.name = name;
        this.caKeys = keys();
        this.ca = sign(new X500Name("CN=" + name + " CA"), caKeys, true, null);
        pem(caFile(), "CERTIFICATE", ca.getEncoded());
    }

    public Path caFile() {
        return dir.resolve(name + "-ca.pem");
    }

    /** Writes {@code <leaf>.pem} and {@code <leaf>.key} (PKCS#8) for a certificate valid for 127.0.0.1. */
    public Path[] issue(String leaf) throws GeneralSecurityException, IOException, OperatorCreationException {
        KeyPair keys = keys();
        X509Certificate cert = sign(new X500Name("CN=" + leaf), keys, false, "127.0.0.1");
        Path certFile = pem(dir.resolve(leaf + ".pem"), "CERTIFICATE", cert.getEncoded());
        Path keyFile = pem(dir.resolve(leaf + ".key"), "PRIVATE KEY", keys.getPrivate().getEncoded());
        return new Path[] {certFile, keyFile};
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKeys, boolean isCa, String ip)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        Instant now = Instant.now();
        X500Name issuer = isCa ? subject : new X500Name("CN=" + name + " CA");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (ip != null) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)));
        }
        var signer = new JcaContentSignerBuilder("SHA256withRSA").build(isCa ? subjectKeys.getPrivate()
                : caKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static Path pem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
        return file;
    }
}
