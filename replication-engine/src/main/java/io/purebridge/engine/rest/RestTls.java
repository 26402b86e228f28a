package io.purebridge.engine.rest;

import io.purebridge.engine.error.EngineException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the SSLContext for one array's client: the JVM's default trust, a CA bundle (PEM or DER,
 * one or more certificates) from {@code ArrayEndpoint.sslCertPath}, or, when verification is off,
 * a trust-all context that only this client uses (never installed as a JVM default).
 */
public final class RestTls {
    private RestTls() {
    }

    public static SSLContext context(boolean verify, String caBundlePath) {
        try {
            if (!verify) {
                return trustAll();
            }
            if (caBundlePath == null || caBundlePath.isBlank()) {
                return SSLContext.getDefault();
            }
            return trusting(bundlePath(caBundlePath));
        } catch (GeneralSecurityException e) {
            throw EngineException.internal("TLS_SETUP_FAILED", "Could not set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a failed handshake was cut off by the array (the connection closed or reset before
     * it finished, as an array at its limit of connections per client does) rather than refused
     * on the certificate or the protocol. Only the first is worth another try; only the second is
     * the operator's to fix. The JDK's HTTP client reports a closed channel with no cause.
     */
    static boolean endedByPeer(SSLHandshakeException failure) {
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t instanceof GeneralSecurityException) {
                return false;
            }
            if (t instanceof EOFException || t instanceof SocketException) {
                return true;
            }
        }
        String message = failure.getMessage();
        return message != null && message.startsWith("Remote host");
    }

    private static final String OPTION = "driver_ssl_cert_path, or ssl_cert_path on a replication_device line";

    /** Larger than any CA bundle; a bound, so a path to a device or a huge file is refused, not read forever. */
    static final int MAX_BUNDLE_BYTES = 1 << 20;

    /** The CA bundle option as a path, or an INVALID_ARGUMENT naming the option. */
    static Path bundlePath(String path) {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw EngineException.invalidArgument("SSL_CERT_PATH_INVALID", "The CA bundle path '" + path + "' ("
                    + OPTION + ") is not a valid path: " + e.getReason() + "; fix it in cinder.conf.");
        }
    }

    /**
     * The CA bundle's bytes: a regular file of at most {@link #MAX_BUNDLE_BYTES}, or an
     * INVALID_ARGUMENT naming the option.
     */
    static byte[] readBundle(Path bundle) {
        try {
            if (!Files.isRegularFile(bundle)) {
                throw EngineException.invalidArgument("SSL_CERT_PATH_UNREADABLE", "The CA bundle " + bundle
                        + " (" + OPTION + ") is not a readable file; point it at a PEM file with the array's CA.");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(bundle)) {
                bytes = in.readNBytes(MAX_BUNDLE_BYTES + 1);
            }
            if (bytes.length > MAX_BUNDLE_BYTES) {
                throw EngineException.invalidArgument("SSL_CERT_PATH_TOO_LARGE", "The CA bundle " + bundle
                        + " (" + OPTION + ") is larger than " + (MAX_BUNDLE_BYTES >> 20) + " MiB; point it at a"
                        + " PEM file with the array's CA.");
            }
            return bytes;
        } catch (IOException e) {
            throw EngineException.invalidArgument("SSL_CERT_PATH_UNREADABLE", "Cannot read the CA bundle "
                    + bundle + " (" + OPTION + "): " + e.getMessage() + "; fix the path or its permissions.");
        }
    }

    private static SSLContext trusting(Path bundle) throws GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(readBundle(bundle)));
        } catch (CertificateException e) {
            throw EngineException.invalidArgument("SSL_CERT_PATH_NOT_A_CERTIFICATE", "The CA bundle " + bundle
                    + " (" + OPTION + ") holds something that is not a PEM or DER certificate (" + e.getMessage()
                    + "); point it at a PEM file with the array's CA.");
        }
        if (certs.isEmpty()) {
            throw EngineException.invalidArgument("SSL_CERT_PATH_EMPTY", "The CA bundle " + bundle
                    + " (" + OPTION + ") holds no certificate; point it at a PEM file with the array's CA.");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate cert : certs) {
            store.setCertificateEntry("ca-" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return ctx;
    }

    /**
     * Accepts any certificate. It is an X509ExtendedTrustManager so that JSSE leaves endpoint
     * (host name) identification to it, which it skips: driver_ssl_cert_verify=False.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
