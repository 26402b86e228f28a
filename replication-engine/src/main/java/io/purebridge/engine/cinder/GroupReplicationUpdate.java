package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Objects;

/**
 * What Cinder's manager stores after a group replication call (enable, disable, failover) or
 * reports from get_replication_error_status: the group's replication_status and one entry per
 * volume ({@code {'id': ..., ...}}).
 *
 * @param replicationStatus "enabled", "disabled", "failed-over" or "error"
 */
public record GroupReplicationUpdate(String groupId, String replicationStatus, List<FailoverVolumeUpdate> volumes) {
    public GroupReplicationUpdate {
        Objects.requireNonNull(groupId, "groupId");
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
        volumes = List.copyOf(volumes);
    }
}
