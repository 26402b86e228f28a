package io.purebridge.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.purebridge.server.grpc.RpcMetricsInterceptor;
import java.util.Map;
import java.util.Objects;

/**
 * The RPC metrics {@link RpcMetricsInterceptor} keeps in the dropwizard registry, as labelled
 * Prometheus families (the stock DropwizardExports maps one dropwizard name to one family, which
 * would give a family per method and code):
 * <ul>
 *   <li>{@code purebridge_rpc_requests_total{method}}: calls completed, from the latency timer's count;
 *   <li>{@code purebridge_rpc_errors_total{method,code}}: calls closed with a non-OK gRPC status;
 *   <li>{@code purebridge_rpc_duration_seconds{method}}: latency histogram, from {@link LatencyBuckets}.
 * </ul>
 */
public final class RpcCollector implements MultiCollector {
    static final String REQUESTS = "purebridge_rpc_requests";
    static final String ERRORS = "purebridge_rpc_errors";
    static final String DURATION = "purebridge_rpc_duration_seconds";

    private static final String LATENCY_SUFFIX = ".latency";
    private static final String ERRORS_INFIX = ".errors.";

    private final MetricRegistry registry;

    public RpcCollector(MetricRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Whether {@code name} is one of the dropwizard metrics this collector exports. */
    static boolean handles(String name) {
        return name.startsWith(RpcMetricsInterceptor.PREFIX);
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name(REQUESTS)
                .help("gRPC calls the service completed, by method.");
        HistogramSnapshot.Builder duration = HistogramSnapshot.builder().name(DURATION).unit(Unit.SECONDS)
                .help("Time from a gRPC call's arrival to its close, by method.");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name(ERRORS)
                .help("gRPC calls closed with a non-OK status, by method and gRPC status code.");
        for (Map.Entry<String, Timer> e : registry.getTimers((name, m) -> handles(name)
                && name.endsWith(LATENCY_SUFFIX)).entrySet()) {
            String method = e.getKey().substring(RpcMetricsInterceptor.PREFIX.length(),
                    e.getKey().length() - LATENCY_SUFFIX.length());
            Labels labels = Labels.of("method", method);
            requests.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                    .value(e.getValue().getCount()).build());
            LatencyBuckets buckets = LatencyBuckets.of(e.getValue());
            if (buckets != null) {
                duration.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels)
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(LatencyBuckets.UPPER_BOUNDS_SECONDS,
                                buckets.bucketCounts()))
                        .sum(buckets.sumSeconds()).build());
            }
        }
        for (Map.Entry<String, Counter> e : registry.getCounters((name, m) -> handles(name)
                && name.contains(ERRORS_INFIX)).entrySet()) {
            String name = e.getKey();
            int infix = name.lastIndexOf(ERRORS_INFIX);
            String method = name.substring(RpcMetricsInterceptor.PREFIX.length(), infix);
            String code = name.substring(infix + ERRORS_INFIX.length());
            errors.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("method", method, "code", code)).value(e.getValue().getCount()).build());
        }
        return MetricSnapshots.of(requests.build(), duration.build(), errors.build());
    }
}
