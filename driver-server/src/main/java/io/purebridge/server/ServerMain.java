package io.purebridge.server;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.server.config.ConfigException;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.MetricsConfig;
import io.purebridge.server.config.RestConfig;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.config.ServiceConfigLoader;
import io.purebridge.server.logging.ServiceLogProvider;
import io.purebridge.server.metrics.ArraysCollector;
import io.purebridge.server.metrics.BackendStatsRecorder;
import io.purebridge.server.metrics.MetricsEndpoint;
import io.purebridge.server.metrics.OffloadCollector;
import io.purebridge.server.rest.RestFrontEnd;
import io.purebridge.server.rest.RestFrontEndOptions;
import io.purebridge.server.security.FileModes;
import io.purebridge.server.security.ShutdownSignals;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar driver-server-<ver>-all.jar --config /etc/purebridge/purebridge-server.ini}
 *
 * <p>Prints {@code purebridge serving on unix:<path> [tcp <host:port>]} to stdout once every
 * listener is bound, so scripts can wait for it; before it, one {@code purebridge REST 2.x endpoint
 * for <array>: san_ip = <host:port> (CA bundle <pem>)} line per simulated array when [rest] is on.
 * Exit codes: 0 after a clean shutdown, 1 when the service cannot start (including a REST port in
 * use), 2 for bad configuration or usage (one line on stderr, no stack trace).
 */
@Command(name = "purebridge-server", mixinStandardHelpOptions = true,
        description = "Serves purebridge's VolumeDriverService (gRPC) for the Cinder driver shim.")
public final class ServerMain implements Callable<Integer> {
    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_BAD_CONFIG = 2;
    static final long SHUTDOWN_GRACE_SECONDS = 30;

    @Option(names = "--config", paramLabel = "FILE", description = "The service's INI file (see config-samples/purebridge-server.ini).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides [server] data_dir.")
    String dataDir;

    @Option(names = "--listen-socket", paramLabel = "PATH", description = "Overrides [server] listen_socket.")
    String listenSocket;

    @Option(names = "--listen-tcp", paramLabel = "HOST:PORT", description = "Overrides [server] listen_tcp (empty: off).")
    String listenTcp;

    private final PrintStream out;
    private final PrintStream err;

    public ServerMain() {
        this(System.out, System.err);
    }

    ServerMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Before anything logs: every log line, ours and Jetty's and Netty's at any level, goes
        // through the service's provider (secrets masked, the call's request id at the head).
        if (System.getProperty(ServiceLogProvider.PROPERTY) == null) {
            System.setProperty(ServiceLogProvider.PROPERTY, ServiceLogProvider.class.getName());
        }
        System.exit(new ServerMain().commandLine().execute(args));
    }

    /** The picocli command, writing usage and errors to this instance's streams. */
    CommandLine commandLine() {
        return new CommandLine(this)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
    }

    @Override
    public Integer call() {
        ServiceConfig serviceConfig;
        try {
            serviceConfig = ServiceConfigLoader.load(config, new ConfigOverrides(
                    Optional.ofNullable(dataDir), Optional.ofNullable(listenSocket), Optional.ofNullable(listenTcp)));
        } catch (ConfigException e) {
            err.println("purebridge: bad configuration: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        Running service;
        try {
            service = start(serviceConfig);
        } catch (IOException | RuntimeException e) {
            err.println("purebridge: cannot start: " + e.getMessage());
            logger().debug("purebridge: start failure", e);
            return EXIT_CANNOT_START;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            if (!stopping.compareAndSet(false, true)) {
                awaitQuietly(stopped); // the hook must not let the JVM halt mid-close
                return;
            }
            try {
                // The logger may already be shut down in a hook; stderr is always there.
                System.err.println("purebridge: shutting down");
                service.close();
                System.err.println("purebridge: stopped");
            } finally {
                stopped.countDown();
            }
        };
        // SIGTERM and SIGINT are the documented clean shutdown: stop serving, close the arrays,
        // and exit 0 from main (the JVM's own handler would exit 143 from a shutdown hook).
        ShutdownSignals.onTermination(shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "purebridge-shutdown"));
        // Before the "serving on" line, so a script waiting for it already has every endpoint.
        restEndpointLines(service).forEach(out::println);
        OffloadLines.of(service.engine()).forEach(out::println);
        service.metricsEndpoint().ifPresent(m -> out.println("purebridge metrics on http://"
                + HostPortText.of(serviceConfig.metrics().bindAddress(), m.port()) + "/metrics"));
        out.println("purebridge serving on " + String.join(" ", service.server().addresses()));
        out.flush();
        try {
            service.server().awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.get()) {
            awaitQuietly(stopped); // the arrays are closed before main returns 0
        }
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(SHUTDOWN_GRACE_SECONDS * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds the engine and the listeners from {@code config} and starts serving. */
    public static Running start(ServiceConfig config) throws IOException {
        // Volume data, CHAP secrets and the REST key live here: owner only (0700, files 0600).
        FileModes.secure(config.dataDir());
        EngineFactory.Engine engine = EngineFactory.create(config);
        MetricRegistry metrics = new MetricRegistry();
        List<Listener> listeners = new ArrayList<>();
        listeners.add(new UnixSocketListener(config.listenSocket()));
        config.listenTcp().ifPresent(address -> listeners.add(new TcpListener(address, config.tls())));
        PurebridgeServer server = new PurebridgeServer(listeners, engine.registry(), engine.simulatedArrays(),
                engine.offloadJobs(), metrics);
        BackendStatsRecorder backendStats = new BackendStatsRecorder(Clock.systemUTC());
        if (config.metrics().enabled()) {
            server.observeVolumeDriver(backendStats);
        }
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(engine);
            throw e;
        }
        Optional<MetricsEndpoint> metricsEndpoint;
        try {
            metricsEndpoint = startMetrics(config, engine, metrics, backendStats);
        } catch (IOException | RuntimeException e) {
            server.stop(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            closeQuietly(engine);
            throw e;
        }
        logger().info("purebridge: serving {} with {} simulated array(s) in {}", server.addresses(),
                config.arrays().size(), config.dataDir());
        Optional<RestFrontEnd> rest;
        try {
            rest = startRest(config, engine);
        } catch (IOException | RuntimeException e) {
            server.stop(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            metricsEndpoint.ifPresent(MetricsEndpoint::close);
            closeQuietly(engine);
            throw e;
        }
        // The embedded target is local: connect it now, so its bucket is initialised before any use.
        OffloadLines.connectEmbedded(engine);
        // What opening the arrays and the REST front end just created, with whatever umask.
        FileModes.secureQuietly(config.dataDir());
        return new Running(server, engine, metrics, rest, metricsEndpoint);
    }

    /** The OpenMetrics endpoint when [metrics] enabled: RPCs, hosted arrays, replication, backends. */
    private static Optional<MetricsEndpoint> startMetrics(ServiceConfig config, EngineFactory.Engine engine,
            MetricRegistry metrics, BackendStatsRecorder backendStats) throws IOException {
        MetricsConfig settings = config.metrics();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Map<String, FlashArray> arrays = new LinkedHashMap<>();
        config.arrays().forEach((name, token) -> arrays.put(name, engine.simulatedArrays().open(name, token)));
        List<MultiCollector> collectors = new ArrayList<>(
                MetricsEndpoint.simulatedArrayCollectors(new ArraysCollector(() -> arrays),
                        engine.simulatedArrays().replication()));
        collectors.add(backendStats);
        collectors.add(new OffloadCollector(engine.offloadJobs()));
        MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsEndpoint.registry(metrics, collectors),
                settings.bindAddress(), settings.port());
        logger().info("purebridge: metrics on http://{}/metrics", HostPortText.of(settings.bindAddress(),
                endpoint.port()));
        return Optional.of(endpoint);
    }

    /** One line per array served by the REST front end, by array name. */
    static List<String> restEndpointLines(Running service) {
        List<String> lines = new ArrayList<>();
        service.rest().ifPresent(rest -> rest.ports().keySet().stream().sorted().forEach(name ->
                lines.add("purebridge REST 2.x endpoint for " + name + ": san_ip = " + rest.sanIp(name)
                        + " (CA bundle " + rest.certificatePem() + ")")));
        return lines;
    }

    /** The REST 2.x front end over the simulated arrays, when [rest] enabled and there are arrays. */
    private static Optional<RestFrontEnd> startRest(ServiceConfig config, EngineFactory.Engine engine)
            throws IOException {
        RestConfig rest = config.rest();
        if (!rest.enabled() || config.arrays().isEmpty()) {
            return Optional.empty();
        }
        RestFrontEnd frontEnd = new RestFrontEnd(new RestFrontEndOptions(rest.bindAddress(), rest.fixedPorts(),
                RestFrontEndOptions.defaults().sessionIdleTimeout(),
                TimeUnit.SECONDS.toMillis(config.eradicationDelaySeconds())), Clock.systemUTC());
        frontEnd.offloadTargets(engine.offloadTargets());
        frontEnd.startSimulators(config.dataDir(), engine.simulatedArrays(), config.arrays());
        return Optional.of(frontEnd);
    }

    /** A started service; {@link #close} stops the listeners, the REST front end and then the engine. */
    public record Running(PurebridgeServer server, EngineFactory.Engine engine, MetricRegistry metrics,
            Optional<RestFrontEnd> rest, Optional<MetricsEndpoint> metricsEndpoint) implements AutoCloseable {
        public Running(PurebridgeServer server, EngineFactory.Engine engine, MetricRegistry metrics) {
            this(server, engine, metrics, Optional.empty());
        }

        public Running(PurebridgeServer server, EngineFactory.Engine engine, MetricRegistry metrics,
                Optional<RestFrontEnd> rest) {
            this(server, engine, metrics, rest, Optional.empty());
        }

        @Override
        public void close() {
            server.stop(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            metricsEndpoint.ifPresent(MetricsEndpoint::close);
            rest.ifPresent(RestFrontEnd::close);
            closeQuietly(engine);
        }
    }

    /** host:port, with an IPv6 host in brackets. */
    private static final class HostPortText {
        static String of(String host, int port) {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("purebridge: error while closing the engine: " + e);
        }
    }

    // Created on first use so slf4j-simple reads its settings after main() starts.
    private static Logger logger() {
        return LoggerFactory.getLogger(ServerMain.class);
    }
}
