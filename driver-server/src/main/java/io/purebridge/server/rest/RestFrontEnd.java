package io.purebridge.server.rest;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.sim.SimulatedArrayHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves simulated arrays as FlashArray REST 2.x endpoints over HTTPS, one port per array, so a
 * client needs only {@code san_ip = <address>:<port>} (RestFlashArray, py-pure-client, Ansible).
 * The self-signed certificate and the port of each array are kept under
 * {@code <dataDir>/rest-frontend/} and reused after a restart.
 */
public final class RestFrontEnd implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestFrontEnd.class);
    static final String DIR = "rest-frontend";
    /** How often the arrays send their protection groups' snapshots to offload targets. */
    private static final Duration OFFLOAD_EVERY = Duration.ofMinutes(1);

    private final RestFrontEndOptions options;
    private final Clock clock;
    private final RestRoutes routes = RestRoutes.standard();
    private Server server;
    private SessionStore sessions;
    private SelfSignedCertificate certificate;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    /** Null until {@link #offloadTargets} is called. */
    private OffloadTargets offloadTargets;
    private GroupOffloadShipper offloadShipper;
    private OnDemandOffload onDemand;

    public RestFrontEnd(RestFrontEndOptions options, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public RestFrontEnd() {
        this(RestFrontEndOptions.defaults(), Clock.systemUTC());
    }

    /**
     * Starts serving.
     *
     * @param dataDir the service's data directory (the certificate and ports live below it)
     * @param arrays array name to its FlashArray; looked up on every request so arrays may open lazily
     * @param apiTokens array name to the API token that logs in to it; key "*" applies to all others
     */
    public synchronized void start(Path dataDir, Map<String, ? extends Supplier<? extends FlashArray>> arrays,
            Map<String, String> apiTokens) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        Path dir = dataDir.resolve(DIR);
        certificate = SelfSignedCertificate.loadOrCreate(dir,
                "0.0.0.0".equals(options.bindAddress()) || "::".equals(options.bindAddress())
                        ? List.of() : List.of(options.bindAddress()));
        sessions = new SessionStore(apiTokens, clock, options.sessionIdleTimeout());
        Map<String, Integer> remembered = loadPorts(dir.resolve("ports.properties"));

        RestLimits limits = options.limits();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, 4 * arrays.size() + 4), 2);
        threads.setName("rest-frontend");
        Server s = new Server(threads);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(certificate.keystore().toString());
        tls.setKeyStorePassword(certificate.password());
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setIdleTimeout(limits.idleTimeoutMillis());
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach arrays by IP address; the certificate lists them, SNI is not required.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);

        // Bounds on what any client may hold: connections per address and in all, and how long a
        // connection may sit idle (which also ends TLS handshakes that never finish).
        PerClientConnectionLimit perClient = new PerClientConnectionLimit(limits.maxConnectionsPerClient());
        Map<String, ServerConnector> connectors = new TreeMap<>();
        for (String name : arrays.keySet()) {
            ServerConnector c = new ServerConnector(s, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
            c.setName(name);
            c.setIdleTimeout(limits.idleTimeoutMillis());
            c.addBean(perClient);
            c.setHost(options.bindAddress());
            Integer fixed = options.fixedPorts().get(name);
            c.setPort(fixed != null ? fixed : remembered.getOrDefault(name, 0));
            s.addConnector(c);
            connectors.put(name, c);
        }
        s.addBean(new NetworkConnectionLimit(limits.maxConnections(), s));
        s.setErrorHandler(new FlashArrayErrorHandler());
        Map<String, Supplier<? extends FlashArray>> copy = new LinkedHashMap<>(arrays);
        if (offloadTargets != null) {
            GroupOffloadTargets groups = GroupOffloadTargets.load(offloadTargets, dir.resolve("offload-groups.json"));
            for (ProtectionGroupsHandler.Kind kind : ProtectionGroupsHandler.Kind.values()) {
                routes.register(kind.resource(), new ProtectionGroupsHandler(kind, groups));
            }
            onDemand = OnDemandOffload.load(offloadTargets, copy, dir.resolve("offload-sends.json"));
            routes.register("remote-volume-snapshots", new RemoteVolumeSnapshotsHandler(offloadTargets, onDemand));
            routes.register("remote-volume-snapshots/transfer",
                    new RemoteSnapshotTransfersHandler(offloadTargets, onDemand));
            offloadShipper = new GroupOffloadShipper(groups, onDemand, copy);
        }
        s.setHandler(new FlashArrayHttpHandler(copy, sessions, routes, clock, options.eradicationDelayMs(), limits));
        try {
            s.start();
        } catch (Exception e) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IOException("REST front end could not start (a port may be in use; ports are in "
                    + dir.resolve("ports.properties") + "): " + e.getMessage(), e);
        }
        server = s;
        ports.clear();
        connectors.forEach((name, c) -> ports.put(name, c.getLocalPort()));
        savePorts(dir.resolve("ports.properties"), remembered);
        ports.forEach((name, port) -> LOG.info("rest-frontend: array {} at https://{}:{}", name,
                options.bindAddress(), port));
        if (offloadShipper != null) {
            onDemand.resume(); // sends a previous process answered and did not finish
            offloadShipper.start(OFFLOAD_EVERY);
        }
    }

    /**
     * Sends every protection group's snapshots that its offload targets lack, now (it also runs on
     * its own every minute); returns the names sent. Empty without offload targets.
     */
    public List<String> offloadGroupsNow() {
        GroupOffloadShipper shipper;
        synchronized (this) {
            shipper = offloadShipper;
        }
        return shipper == null ? List.of() : shipper.runOnce(); // not under this lock: a run takes a while
    }

    /**
     * Serves the service's offload targets on every array: {@code /offloads} and the snapshots
     * offloaded to them, {@code /remote-volume-snapshots?on=TARGET} and, grouped by protection group
     * snapshot, {@code /remote-protection-group-snapshots?on=TARGET}; {@code POST /volumes} restores
     * one of those snapshots when its source names it. A protection group takes one of them as a
     * target and the array offloads the group's snapshots to it. Before {@link #start}.
     */
    public synchronized RestFrontEnd offloadTargets(OffloadTargets targets) {
        this.offloadTargets = targets;
        routes.register("volumes", new VolumesHandler(new OffloadedSources(targets)));
        routes.register("offloads", new OffloadsHandler(targets));
        routes.register("remote-protection-group-snapshots", new RemoteProtectionGroupSnapshotsHandler(targets));
        return this;
    }

    /** Convenience for callers that hold arrays directly. */
    public void startWith(Path dataDir, Map<String, ? extends FlashArray> arrays, Map<String, String> apiTokens)
            throws IOException {
        Map<String, Supplier<FlashArray>> suppliers = new LinkedHashMap<>();
        arrays.forEach((name, array) -> suppliers.put(name, () -> array));
        start(dataDir, suppliers, apiTokens);
    }

    /**
     * Serves every array of the simulator host, each logging in with its configured API token
     * ({@code [arrays]} of the service config: name = token).
     */
    public void startSimulators(Path dataDir, SimulatedArrayHost host, Map<String, String> apiTokens)
            throws IOException {
        Map<String, Supplier<FlashArray>> served = new LinkedHashMap<>();
        for (String name : host.arrayNames()) {
            String token = apiTokens.get(name);
            served.put(name, () -> host.open(name, token));
        }
        start(dataDir, served, apiTokens);
    }

    /** The port array {@code name} is served on. */
    public synchronized int port(String name) {
        Integer p = ports.get(name);
        if (p == null) {
            throw new IllegalArgumentException("array " + name + " is not served by the REST front end");
        }
        return p;
    }

    /** Every served array and its port. */
    public synchronized Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    /** What to put in cinder.conf's san_ip to reach array {@code name} through REST. */
    public String sanIp(String name) {
        return sanIp(options.bindAddress(), port(name));
    }

    /** A wildcard bind address is reached on loopback; IPv6 literals go in brackets. */
    static String sanIp(String bindAddress, int port) {
        String host = "0.0.0.0".equals(bindAddress) ? "127.0.0.1"
                : "::".equals(bindAddress) ? "::1" : bindAddress;
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The certificate as PEM: a client's CA bundle (driver_ssl_cert_path). */
    public synchronized Path certificatePem() {
        return certificate.certificatePem();
    }

    /** Ends every session; clients get 401 and must log in again. */
    public synchronized void expireSessions() {
        if (sessions != null) {
            sessions.expireAll();
        }
    }

    public synchronized void stop() {
        if (offloadShipper != null) {
            offloadShipper.close();
            offloadShipper = null;
        }
        if (onDemand != null) {
            onDemand.close();
            onDemand = null;
        }
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("rest-frontend: stop failed: {}", e.toString());
        }
        server = null;
        ports.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private static Map<String, Integer> loadPorts(Path file) {
        Map<String, Integer> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            LOG.warn("rest-frontend: ignoring unreadable {}: {}", file, e.toString());
            return out;
        }
        for (String name : p.stringPropertyNames()) {
            try {
                out.put(name, Integer.parseInt(p.getProperty(name).trim()));
            } catch (NumberFormatException e) {
                LOG.warn("rest-frontend: ignoring bad port for {} in {}", name, file);
            }
        }
        return out;
    }

    private void savePorts(Path file, Map<String, Integer> remembered) {
        Properties p = new Properties();
        remembered.forEach((k, v) -> p.setProperty(k, Integer.toString(v)));
        ports.forEach((k, v) -> p.setProperty(k, Integer.toString(v)));
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "REST front end port of each simulated array");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
