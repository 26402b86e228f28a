package io.purebridge.server.mapping;

import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.SnapshotModelUpdate;
import io.purebridge.engine.cinder.VolumeModelUpdate;
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
}
