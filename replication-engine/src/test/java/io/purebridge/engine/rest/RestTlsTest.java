package io.purebridge.engine.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestTlsTest {
    @TempDir
    Path dir;

    @Test
    void aHandshakeCutOffIsTheArraysDoingAndARefusedCertificateIsNot() {
        SSLHandshakeException closedChannel = new SSLHandshakeException("Remote host closed the channel");
        SSLHandshakeException terminated = new SSLHandshakeException("Remote host terminated the handshake");
        terminated.initCause(new EOFException("SSL peer shut down incorrectly"));
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        SSLHandshakeException alert = new SSLHandshakeException("Received fatal alert: handshake_failure");

        assertThat(RestTls.endedByPeer(closedChannel)).isTrue();
        assertThat(RestTls.endedByPeer(terminated)).isTrue();
        assertThat(RestTls.endedByPeer(untrusted)).isFalse();
        assertThat(RestTls.endedByPeer(alert)).isFalse();
    }

    /**
     * A CA bundle path comes from cinder.conf through RegisterBackend, which a caller without a
     * credential may send: a device, a huge file or garbage must be refused at once, naming the
     * option (a path to /dev/zero used to keep a service thread reading forever).
     */
    @Test
    void aCaBundleThatIsNotASmallFileOfCertificatesIsRefusedNamingTheOption() throws Exception {
        Path huge = dir.resolve("huge.pem");
        Files.write(huge, new byte[RestTls.MAX_BUNDLE_BYTES + 1]);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");

        assertRefused("/dev/zero", "SSL_CERT_PATH_UNREADABLE");
        assertRefused(dir.toString(), "SSL_CERT_PATH_UNREADABLE");
        assertRefused(dir.resolve("missing.pem").toString(), "SSL_CERT_PATH_UNREADABLE");
        assertRefused(huge.toString(), "SSL_CERT_PATH_TOO_LARGE");
        assertRefused(garbage.toString(), "SSL_CERT_PATH_NOT_A_CERTIFICATE");
        assertRefused("bad\0path", "SSL_CERT_PATH_INVALID");
    }

    private static void assertRefused(String path, String reason) {
        assertThatThrownBy(() -> RestTls.context(true, path)).as(path)
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains("driver_ssl_cert_path");
                });
        assertThatThrownBy(() -> new RestHttpClients(RestClientOptions.defaults())
                .forEndpoint(new ArrayEndpoint("10.0.0.5", "token", true, path)))
                .as(path).isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
