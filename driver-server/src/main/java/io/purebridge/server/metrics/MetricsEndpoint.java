package io.purebridge.server.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.purebridge.engine.sim.ReplicationControls;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The service's OpenMetrics/Prometheus endpoint ({@code [metrics]} of the service config): an HTTP
 * server of its own serving {@code /metrics} in the Prometheus text or OpenMetrics format (by the
 * scraper's Accept header), built on the dropwizard registry the RPC interceptor fills. Scrapes are
 * served one at a time on one daemon thread, so a busy scraper cannot take CPU from the data path.
 *
 * <p>What is exported never holds a token: figures, array, backend, pod and group names only.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusRegistry registry;
    private final HTTPServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(PrometheusRegistry registry, HTTPServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * The registry of everything the service exports: the RPC metrics and any other dropwizard
     * metric, plus the given collectors (arrays, replication, backends).
     */
    public static PrometheusRegistry registry(MetricRegistry dropwizard, List<MultiCollector> collectors) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RpcCollector(dropwizard));
        DropwizardExports.builder().dropwizardRegistry(dropwizard)
                .metricFilter((name, metric) -> !RpcCollector.handles(name))
                .register(registry);
        collectors.forEach(registry::register);
        return registry;
    }

    /** The collectors of a service hosting simulated arrays. */
    public static List<MultiCollector> simulatedArrayCollectors(ArraysCollector arrays, ReplicationControls replication) {
        return List.of(arrays, new ReplicationCollector(replication));
    }

    /** Starts serving {@code registry} on {@code bindAddress:port} (port 0: any free port). */
    public static MetricsEndpoint start(PrometheusRegistry registry, String bindAddress, int port) throws IOException {
        Objects.requireNonNull(registry, "registry");
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "purebridge-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(InetAddress.getByName(bindAddress)).port(port)
                    .registry(registry).executorService(executor).buildAndStart();
            return new MetricsEndpoint(registry, server, executor);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new IOException("cannot serve metrics on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
