package io.purebridge.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS of the TCP listener ({@code [server] tls_cert_file, tls_key_file, tls_client_ca_file}).
 *
 * @param certFile the service's certificate chain (PEM); set together with keyFile
 * @param keyFile its private key (PEM, PKCS#8), readable by the service's user only
 * @param clientCaFile when set, every TCP client must present a certificate signed by one of
 *     these CAs (PEM)
 */
public record TlsConfig(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile) {
    public TlsConfig {
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("tls_cert_file and tls_key_file go together");
        }
        if (clientCaFile.isPresent() && certFile.isEmpty()) {
            throw new IllegalArgumentException("tls_client_ca_file needs tls_cert_file and tls_key_file");
        }
    }

    public static TlsConfig off() {
        return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean enabled() {
        return certFile.isPresent();
    }
}
