package io.purebridge.server.mapping;

import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.FailoverGroupUpdate;
import io.purebridge.engine.cinder.FailoverResult;
import io.purebridge.engine.cinder.FailoverVolumeUpdate;
import io.purebridge.v1.FailoverGroup;
import io.purebridge.v1.FailoverRequest;
import io.purebridge.v1.FailoverResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Failover requests and answers between proto and engine records. */
public final class FailoverMapper {
    private FailoverMapper() {
    }

    public static io.purebridge.engine.cinder.FailoverRequest request(FailoverRequest request) {
        List<CinderVolume> volumes = new ArrayList<>();
        for (int i = 0; i < request.getVolumesCount(); i++) {
            volumes.add(RequestMapper.volume(true, request.getVolumes(i), "volumes[" + i + "]"));
        }
        Map<String, String> volumeGroups = new LinkedHashMap<>();
        List<String> groupIds = new ArrayList<>();
        for (FailoverGroup group : request.getGroupsList()) {
            groupIds.add(group.getId());
            group.getVolumeIdsList().forEach(v -> volumeGroups.put(v, group.getId()));
        }
        return new io.purebridge.engine.cinder.FailoverRequest(volumes, volumeGroups, groupIds,
                request.getSecondaryId());
    }

    public static FailoverResponse response(FailoverResult result) {
        FailoverResponse.Builder out = FailoverResponse.newBuilder().setActiveBackendId(result.activeBackendId());
        for (FailoverVolumeUpdate u : result.volumeUpdates()) {
            out.addVolumeUpdates(volumeUpdate(u));
        }
        for (FailoverGroupUpdate g : result.groupUpdates()) {
            out.addGroupUpdates(io.purebridge.v1.FailoverGroupUpdate.newBuilder()
                    .setGroupId(g.groupId())
                    .setStatus(g.status())
                    .setReplicationStatus(g.replicationStatus()));
        }
        return out.build();
    }

    /** One volume's update, after a whole-backend failover or a group replication call. */
    static io.purebridge.v1.FailoverVolumeUpdate volumeUpdate(FailoverVolumeUpdate u) {
        return io.purebridge.v1.FailoverVolumeUpdate.newBuilder()
                .setVolumeId(u.volumeId())
                .setStatus(u.status())
                .setReplicationStatus(u.replicationStatus())
                .setProviderId(u.providerId())
                .putAllMetadata(u.metadata())
                .setDetail(u.detail())
                .build();
    }
}
