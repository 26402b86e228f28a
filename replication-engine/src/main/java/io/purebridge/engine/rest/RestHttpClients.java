package io.purebridge.engine.rest;

import io.purebridge.engine.array.ArrayEndpoint;
import java.net.http.HttpClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTP client, and so one pool of connections, per TLS setting. A backend registers again on
 * every cinder-volume start and every do_setup; a new client each time would leave the old one's
 * connections open until the array timed them out, and the array counts them against its limit of
 * connections per client. A changed CA bundle file gets a new client.
 */
final class RestHttpClients {
    private record TlsSetting(boolean verify, String bundlePath, String bundleSha256) {
    }

    private final RestClientOptions options;
    private final Map<TlsSetting, HttpClient> clients = new ConcurrentHashMap<>();

    RestHttpClients(RestClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    HttpClient forEndpoint(ArrayEndpoint endpoint) {
        return clients.computeIfAbsent(setting(endpoint), s -> RestSession.httpClient(endpoint, options));
    }

    private static TlsSetting setting(ArrayEndpoint endpoint) {
        String path = endpoint.sslCertPath();
        if (!endpoint.sslCertVerify() || path == null || path.isBlank()) {
            return new TlsSetting(endpoint.sslCertVerify(), null, null);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(RestTls.readBundle(RestTls.bundlePath(path)));
            return new TlsSetting(true, path, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
