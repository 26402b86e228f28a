package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.VolumeQos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend's get_volume_stats answer: capacity, counts, replication and the capabilities this
 * build honours (reference §3.6), so the scheduler places only what works here.
 */
final class BackendStatsReport {
    private static final long GIB = ArrayCinderBackend.GIB;
    private final BackendOptions options;
    private final FlashArray array;
    private final ReplicationArray replication;
    private final Map<String, ReplicationType> targetTypes;
    private final List<String> reachedTargetIds;
    private final FailedOverPlacement failedOver;
    private final GroupReplication groups;

    BackendStatsReport(BackendOptions options, FlashArray array, ReplicationArray replication,
            Map<String, ReplicationType> targetTypes, List<String> reachedTargetIds, FailedOverPlacement failedOver,
            GroupReplication groups) {
        this.groups = groups;
        this.options = options;
        this.array = array;
        this.replication = replication;
        this.targetTypes = targetTypes;
        this.reachedTargetIds = reachedTargetIds;
        this.failedOver = failedOver;
    }

    BackendStats report() {
        ArraySpace space = array.space();
        double total = space.capacityBytes() / (double) GIB;
        double used = space.totalPhysicalBytes() / (double) GIB;
        double free = total - used;
        double provisioned = space.totalProvisionedBytes() / (double) GIB;
        // Counted, not listed: one request each on REST however many objects the array holds.
        long volumes = array.countLiveVolumes();
        long snapshots = array.countLiveSnapshots();
        long hosts = array.countHosts();

        List<String> replicationTypes = new ArrayList<>();
        boolean anySync = options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.SYNC);
        boolean anyAsync = options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.ASYNC);
        if (options.replicationConfigured()) {
            replicationTypes.add("async");
            if (anySync) {
                replicationTypes.add("sync");
            }
            if (options.trisyncEnabled()) {
                replicationTypes.add("trisync");
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        // Exactly what this build honours: QoS specs (volume and volume-group limits) on arrays that
        // have volume QoS; features it does not offer yet are reported False so the scheduler does
        // not place such groups here.
        extra.put("QoS_support", array instanceof VolumeQos ? "True" : "False");
        // Consistency groups are generic groups here; the legacy consistencygroup calls are not served.
        extra.put("consistencygroup_support", "False");
        extra.put("consistent_group_snapshot_enabled", array instanceof ReplicationArray ? "True" : "False");
        // Group replication (Tiramisu) where it works: the primary replicates to a target that answered.
        extra.put("consistent_group_replication_enabled", groups.available() ? "True" : "False");
        if (options.filterFunction() != null) {
            extra.put("filter_function", options.filterFunction());
        }
        if (options.goodnessFunction() != null) {
            extra.put("goodness_function", options.goodnessFunction());
        }
        PerformanceStats.addTo(extra, array, options.backendName());
        if (replication != null) {
            // As upstream: what the primary's array connections offer right now.
            List<ReplicationType> connected = replication.listArrayConnections().stream()
                    .filter(c -> "connected".equals(c.status()) && targetTypes.containsKey(c.remoteName()))
                    .map(c -> targetTypes.get(c.remoteName())).toList();
            anySync = connected.contains(ReplicationType.SYNC);
            anyAsync = connected.contains(ReplicationType.ASYNC);
        }
        if (options.replicationConfigured()) {
            // "error" makes Cinder's manager ask get_replication_error_status which groups are broken.
            extra.put("replication_status", failedOver.active() ? FailoverVolumeUpdate.FAILED_OVER
                    : groups.anyGroupInError() ? FailoverVolumeUpdate.ERROR : ArrayCinderBackend.ENABLED);
            extra.put("active_backend_id", failedOver.active() ? failedOver.backendId() : "");
        }
        if (anySync && anyAsync) {
            extra.put("replication_capability", "trisync");
        } else if (anySync) {
            extra.put("replication_capability", "sync");
        } else if (anyAsync) {
            extra.put("replication_capability", "async");
        }
        return new BackendStats(options.volumeBackendName(), ArrayCinderBackend.VENDOR, driverVersion(),
                options.storageProtocolName(), total, free, provisioned, options.reservedPercentage(),
                overSubscriptionRatio(space, provisioned, used), true, true, volumes, snapshots, hosts, 0,
                options.replicationConfigured(), replicationTypes, reachedTargetIds.size(), reachedTargetIds,
                space.dataReduction(), extra);
    }

    private double overSubscriptionRatio(ArraySpace space, double provisionedGib, double usedGib) {
        if (options.automaticMaxOversubscriptionRatio() && space.totalReduction() < 100) {
            return space.totalReduction();
        }
        if (options.maxOverSubscriptionRatio().isPresent()) {
            return options.maxOverSubscriptionRatio().getAsDouble();
        }
        // max_over_subscription_ratio = auto, Cinder's formula; 20 (the default) before any use.
        if (usedGib > 0 && provisionedGib > 0) {
            return 1 + provisionedGib / usedGib;
        }
        return 20.0;
    }

    private String driverVersion() {
        return switch (options.protocol()) {
            case ISCSI -> "22.0.iscsi";
            case FC -> "22.0.fc";
            case NVME_ROCE, NVME_TCP -> "22.0.nvme";
        };
    }
}
