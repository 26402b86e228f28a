package io.purebridge.server.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The service's validated configuration (see {@link ConfigKeys} for the file format).
 *
 * @param arrays simulated arrays hosted by this service: name -> API token, in file order
 * @param rest the REST 2.x front end serving those arrays over HTTPS
 * @param tls TLS of the TCP listener
 * @param metrics the OpenMetrics endpoint
 * @param offload the offload targets and the embedded S3 server
 */
public record ServiceConfig(
        Path dataDir,
        Path listenSocket,
        Optional<HostPort> listenTcp,
        long eradicationDelaySeconds,
        Map<String, String> arrays,
        RestConfig rest,
        TlsConfig tls,
        MetricsConfig metrics,
        OffloadConfig offload) {
    public ServiceConfig {
        Objects.requireNonNull(offload, "offload");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(listenSocket, "listenSocket");
        Objects.requireNonNull(listenTcp, "listenTcp");
        // Keeps the file's order, so arrays open and log in the order the operator wrote them.
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Without offload targets or the embedded S3 server. */
    public ServiceConfig(Path dataDir, Path listenSocket, Optional<HostPort> listenTcp, long eradicationDelaySeconds,
            Map<String, String> arrays, RestConfig rest, TlsConfig tls, MetricsConfig metrics) {
        this(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, rest, tls, metrics,
                OffloadConfig.none());
    }

    /** This configuration with {@code other} offload targets and S3 server. */
    public ServiceConfig withOffload(OffloadConfig other) {
        return new ServiceConfig(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, rest, tls, metrics,
                other);
    }

    /** Without TLS on the TCP listener (which then serves loopback only) and without the metrics endpoint. */
    public ServiceConfig(Path dataDir, Path listenSocket, Optional<HostPort> listenTcp, long eradicationDelaySeconds,
            Map<String, String> arrays, RestConfig rest) {
        this(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, rest, TlsConfig.off(),
                MetricsConfig.disabled());
    }

    /** With TLS as given, without the metrics endpoint. */
    public ServiceConfig(Path dataDir, Path listenSocket, Optional<HostPort> listenTcp, long eradicationDelaySeconds,
            Map<String, String> arrays, RestConfig rest, TlsConfig tls) {
        this(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, rest, tls, MetricsConfig.disabled());
    }

    /** With the metrics endpoint as given, without TLS. */
    public ServiceConfig(Path dataDir, Path listenSocket, Optional<HostPort> listenTcp, long eradicationDelaySeconds,
            Map<String, String> arrays, RestConfig rest, MetricsConfig metrics) {
        this(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, rest, TlsConfig.off(), metrics);
    }

    /** With the REST front end's defaults. */
    public ServiceConfig(Path dataDir, Path listenSocket, Optional<HostPort> listenTcp, long eradicationDelaySeconds,
            Map<String, String> arrays) {
        this(dataDir, listenSocket, listenTcp, eradicationDelaySeconds, arrays, RestConfig.defaults());
    }

    /** Tokens and secrets are never printed (offload targets hold only references to theirs). */
    @Override
    public String toString() {
        Map<String, String> redacted = new TreeMap<>();
        arrays.keySet().forEach(name -> redacted.put(name, "****"));
        return "ServiceConfig[dataDir=" + dataDir + ", listenSocket=" + listenSocket + ", listenTcp="
                + listenTcp.map(HostPort::toString).orElse("off") + ", eradicationDelaySeconds="
                + eradicationDelaySeconds + ", arrays=" + redacted + ", rest=" + rest + ", tls=" + tls + ", metrics="
                + metrics + ", offload=" + offload + "]";
    }
}
