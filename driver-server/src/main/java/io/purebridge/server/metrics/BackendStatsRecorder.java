package io.purebridge.server.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.GetVolumeStatsResponse;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import io.purebridge.v1.VolumeStats;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per Cinder backend figures, as the service last answered {@code get_volume_stats} for it
 * (cinder-volume asks every minute): a scrape never calls an array, real arrays included. Installed
 * as an interceptor on VolumeDriverService; it reads the GetVolumeStats responses and nothing else.
 */
public final class BackendStatsRecorder implements ServerInterceptor, MultiCollector {
    static final double GIB = 1L << 30;

    static final String CAPACITY = "purebridge_backend_capacity_bytes";
    static final String FREE = "purebridge_backend_free_bytes";
    static final String PROVISIONED = "purebridge_backend_provisioned_bytes";
    static final String VOLUMES = "purebridge_backend_volumes";
    static final String SNAPSHOTS = "purebridge_backend_snapshots";
    static final String HOSTS = "purebridge_backend_hosts";
    static final String PGROUPS = "purebridge_backend_protection_groups";
    static final String TARGETS = "purebridge_backend_replication_targets";
    static final String DATA_REDUCTION = "purebridge_backend_data_reduction_ratio";
    static final String STATS_TIME = "purebridge_backend_stats_timestamp_seconds";

    private static final String METHOD = VolumeDriverServiceGrpc.getGetVolumeStatsMethod().getFullMethodName();

    private record Seen(VolumeStats stats, long atMillis) {
    }

    private final Map<String, Seen> last = new ConcurrentHashMap<>();
    private final Clock clock;

    public BackendStatsRecorder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!METHOD.equals(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        String[] backend = {""};
        ServerCall<Q, R> watching = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                if (message instanceof GetVolumeStatsResponse response && !backend[0].isEmpty()) {
                    last.put(backend[0], new Seen(response.getStats(), clock.millis()));
                }
                super.sendMessage(message);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(watching, headers)) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof GetVolumeStatsRequest request) {
                    backend[0] = request.getBackendName();
                }
                super.onMessage(message);
            }
        };
    }

    @Override
    public MetricSnapshots collect() {
        Gauges g = new Gauges()
                .gauge(CAPACITY, Unit.BYTES, "total_capacity_gb of the backend's last volume stats, in bytes.")
                .gauge(FREE, Unit.BYTES, "free_capacity_gb of the backend's last volume stats, in bytes.")
                .gauge(PROVISIONED, Unit.BYTES, "provisioned_capacity_gb of the backend's last volume stats, in bytes.")
                .gauge(VOLUMES, null, "total_volumes of the backend's last volume stats.")
                .gauge(SNAPSHOTS, null, "total_snapshots of the backend's last volume stats.")
                .gauge(HOSTS, null, "total_hosts of the backend's last volume stats.")
                .gauge(PGROUPS, null, "total_pgroups of the backend's last volume stats.")
                .gauge(TARGETS, null, "Replication targets the backend reached (replication_count).")
                .gauge(DATA_REDUCTION, Unit.RATIO, "data_reduction_ratio of the backend's last volume stats.")
                .gauge(STATS_TIME, Unit.SECONDS, "When the service last reported the backend's volume stats (Unix time).");
        for (Map.Entry<String, Seen> e : new TreeMap<>(last).entrySet()) {
            String b = e.getKey();
            VolumeStats s = e.getValue().stats();
            g.set(CAPACITY, s.getTotalCapacityGb() * GIB, "backend", b);
            g.set(FREE, s.getFreeCapacityGb() * GIB, "backend", b);
            g.set(PROVISIONED, s.getProvisionedCapacityGb() * GIB, "backend", b);
            g.set(VOLUMES, s.getTotalVolumes(), "backend", b);
            g.set(SNAPSHOTS, s.getTotalSnapshots(), "backend", b);
            g.set(HOSTS, s.getTotalHosts(), "backend", b);
            g.set(PGROUPS, s.getTotalPgroups(), "backend", b);
            g.set(TARGETS, s.getReplicationCount(), "backend", b);
            g.set(DATA_REDUCTION, s.getDataReductionRatio(), "backend", b);
            g.set(STATS_TIME, e.getValue().atMillis() / 1000.0, "backend", b);
        }
        return new MetricSnapshots(g.build());
    }
}
