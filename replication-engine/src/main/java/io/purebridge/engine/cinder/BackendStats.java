package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Map;

/** get_volume_stats as the upstream Pure driver reports it (single pool = backend). */
public record BackendStats(
        String volumeBackendName,
        String vendorName,
        String driverVersion,
        String storageProtocol,
        double totalCapacityGb,
        double freeCapacityGb,
        double provisionedCapacityGb,
        int reservedPercentage,
        double maxOverSubscriptionRatio,
        boolean thinProvisioningSupport,
        boolean multiattach,
        long totalVolumes,
        long totalSnapshots,
        long totalHosts,
        long totalPgroups,
        boolean replicationEnabled,
        List<String> replicationType,
        int replicationCount,
        List<String> replicationTargets,
        double dataReductionRatio,
        Map<String, String> extra) {
    public BackendStats {
        replicationType = List.copyOf(replicationType);
        replicationTargets = List.copyOf(replicationTargets);
        extra = Map.copyOf(extra);
    }
}
