package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Map;

/**
 * Cinder's {@code failover(context, volumes, secondary_id, groups)}.
 *
 * @param volumes the volumes the manager hands over (replicated ones, in any replication_status)
 * @param volumeGroups volume id -> generic group id, for the volumes that belong to a group
 * @param groupIds the groups the manager hands over
 * @param secondaryId a replication_device backend_id, "default" for failback, or "" to let the
 *     backend choose (a healthy sync target first, as upstream)
 */
public record FailoverRequest(
        List<CinderVolume> volumes,
        Map<String, String> volumeGroups,
        List<String> groupIds,
        String secondaryId) {
    public static final String DEFAULT = "default";

    public FailoverRequest {
        volumes = List.copyOf(volumes);
        volumeGroups = Map.copyOf(volumeGroups);
        groupIds = List.copyOf(groupIds);
        secondaryId = secondaryId == null ? "" : secondaryId.trim();
    }

    public boolean failback() {
        return DEFAULT.equals(secondaryId);
    }
}
