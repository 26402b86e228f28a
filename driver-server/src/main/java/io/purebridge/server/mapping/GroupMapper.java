package io.purebridge.server.mapping;

import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.SnapshotModelUpdate;
import io.purebridge.engine.cinder.VolumeModelUpdate;
import io.purebridge.engine.cinder.FailoverVolumeUpdate;
import io.purebridge.engine.cinder.GroupReplicationUpdate;
import io.purebridge.engine.cinder.ReplicatedGroup;
import io.purebridge.v1.GroupSnapshotUpdate;
import io.purebridge.v1.GroupVolumeUpdate;
import io.purebridge.v1.ManageableObject;
import java.util.ArrayList;
import java.util.List;

/** Engine answers of group calls and manageable listings as Cinder's per-object entries. */
public final class GroupMapper {
    /** Cinder's statuses for a group call that succeeded. */
    public static final String AVAILABLE = "available";
    public static final String DELETED = "deleted";

    private GroupMapper() {
    }

    public static List<GroupVolumeUpdate> deletedVolumes(List<CinderVolume> volumes) {
        return volumes.stream().map(v -> GroupVolumeUpdate.newBuilder().setVolumeId(v.id()).setStatus(DELETED)
                .build()).toList();
    }

    public static List<GroupVolumeUpdate> createdVolumes(List<CinderVolume> volumes, List<VolumeModelUpdate> made) {
        List<GroupVolumeUpdate> out = new ArrayList<>(made.size());
        for (int i = 0; i < made.size(); i++) {
            out.add(GroupVolumeUpdate.newBuilder().setVolumeId(volumes.get(i).id()).setStatus(AVAILABLE)
                    .setModelUpdate(ResponseMapper.volumeUpdate(made.get(i))).build());
        }
        return out;
    }

    public static List<GroupSnapshotUpdate> takenSnapshots(List<CinderSnapshot> snapshots,
            List<SnapshotModelUpdate> taken) {
        List<GroupSnapshotUpdate> out = new ArrayList<>(taken.size());
        for (int i = 0; i < taken.size(); i++) {
            out.add(GroupSnapshotUpdate.newBuilder().setSnapshotId(snapshots.get(i).id()).setStatus(AVAILABLE)
                    .setModelUpdate(ResponseMapper.snapshotUpdate(taken.get(i))).build());
        }
        return out;
    }

    public static List<ManageableObject> manageable(List<io.purebridge.engine.cinder.ManageableObject> entries) {
        return entries.stream().map(e -> ManageableObject.newBuilder().setName(e.name()).setSizeGib(e.sizeGib())
                .setSafeToManage(e.safeToManage()).setReasonNotSafe(e.reasonNotSafe()).setCinderId(e.cinderId())
                .setSourceName(e.sourceName() == null ? "" : e.sourceName()).build()).toList();
    }

    public static List<GroupSnapshotUpdate> deletedSnapshots(List<CinderSnapshot> snapshots) {
        return snapshots.stream().map(s -> GroupSnapshotUpdate.newBuilder().setSnapshotId(s.id()).setStatus(DELETED)
                .build()).toList();
    }

    /** The groups of a group replication request, each with its volumes. */
    public static List<ReplicatedGroup> replicatedGroups(List<io.purebridge.v1.ReplicatedGroup> groups) {
        List<ReplicatedGroup> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            io.purebridge.v1.ReplicatedGroup g = groups.get(i);
            out.add(new ReplicatedGroup(RequestMapper.group(g.hasGroup(), g.getGroup(), "groups[" + i + "].group"),
                    RequestMapper.volumes(g.getVolumesList(), "groups[" + i + "].volumes")));
        }
        return out;
    }

    /** The one group an enable, disable or failover acts on. */
    public static ReplicatedGroup oneGroup(List<io.purebridge.v1.ReplicatedGroup> groups) {
        if (groups.size() != 1) {
            throw io.purebridge.engine.error.EngineException.invalidArgument("GROUPS_COUNT", "groups must hold"
                    + " exactly one group with its volumes, got " + groups.size() + ".");
        }
        return replicatedGroups(groups).get(0);
    }

    public static io.purebridge.v1.GroupReplicationUpdate replicationUpdate(GroupReplicationUpdate update) {
        io.purebridge.v1.GroupReplicationUpdate.Builder b = io.purebridge.v1.GroupReplicationUpdate.newBuilder()
                .setGroupId(update.groupId()).setReplicationStatus(update.replicationStatus());
        for (FailoverVolumeUpdate u : update.volumes()) {
            b.addVolumeUpdates(FailoverMapper.volumeUpdate(u));
        }
        return b.build();
    }
}
