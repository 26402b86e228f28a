package io.purebridge.engine.cinder;

import java.util.List;

/**
 * The answer to a failover: Cinder's {@code (active_backend_id, volume_updates, group_updates)}.
 *
 * @param activeBackendId the backend_id now serving, or "default" after a failback
 */
public record FailoverResult(
        String activeBackendId,
        List<FailoverVolumeUpdate> volumeUpdates,
        List<FailoverGroupUpdate> groupUpdates) {
    public FailoverResult {
        volumeUpdates = List.copyOf(volumeUpdates);
        groupUpdates = List.copyOf(groupUpdates);
    }
}
