package io.purebridge.engine.cinder;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cinder generic volume groups whose type has consistent_group_snapshot_enabled (reference §3.8):
 * one protection group {@code consisgroup-<group id>-cinder} per group holding its volumes, group
 * snapshots taken by the array in one operation ({@code <pg>.cgsnapshot-<id>-cinder}, crash
 * consistent across the members), groups made from a group snapshot or from another group. Other
 * groups answer UNIMPLEMENTED, so Cinder's generic group code runs, as upstream.
 */
final class ConsistencyGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyGroups.class);
    private final BackendOptions options;
    private final FlashArray array;
    private final CinderBackend volumes;
    private final GroupReplication replication;

    /**
     * @param volumes the backend, for creating and deleting member volumes as Cinder would
     * @param replication group replication, for group types with consistent_group_replication_enabled
     */
    ConsistencyGroups(BackendOptions options, FlashArray array, CinderBackend volumes, GroupReplication replication) {
        this.options = options;
        this.array = array;
        this.volumes = volumes;
        this.replication = replication;
    }

    static String groupName(String groupId) {
        return "consisgroup-" + groupId + "-cinder";
    }

    static String snapshotSuffix(String groupSnapshotId) {
        return "cgsnapshot-" + groupSnapshotId + "-cinder";
    }

    /**
     * The protection group of a group this backend keeps consistent; UNIMPLEMENTED for the others
     * (Cinder's generic groups), INVALID_ARGUMENT for types it cannot honour. Nothing is changed.
     */
    private String consistentGroup(CinderGroup group) {
        if (!group.consistent()) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "GROUP_NOT_CONSISTENT", "Group " + group.id()
                    + " has no " + CinderGroup.CG_SNAPSHOT + "; Cinder's generic group code handles it.");
        }
        if (group.replicated()) {
            return GroupReplication.groupPg(group, replication.check(group));
        }
        return plainGroupPg(group);
    }

    /**
     * A group without replication: its protection group in the root namespace, or, when its volume
     * types are sync or tri-sync (their volumes live in the backend's pod), inside that pod as
     * upstream names it ({@code cinder-pod::consisgroup-<id>-cinder}), so a group snapshot is still
     * one array operation over every member. A mix of pod and root types cannot share a group.
     */
    private String plainGroupPg(CinderGroup group) {
        boolean pod = false;
        boolean root = false;
        for (Map<String, String> specs : group.volumeTypeSpecs()) {
            ReplicationMode mode = ReplicationMode.fromExtraSpecs(specs);
            if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) {
                pod = true;
            } else {
                root = true;
            }
        }
        if (pod && root) {
            throw EngineException.invalidArgument("GROUP_TYPE_UNSUPPORTED", "Group " + group.id() + " mixes volume"
                    + " types with replication_type '<in> sync' or '<in> trisync' (their volumes live in pod "
                    + options.replicationPodName() + ") with non-replicated or async ones (in the root namespace);"
                    + " a consistency group of backend " + options.backendName() + " is one protection group, so"
                    + " its volume types must all be sync/trisync or all not.");
        }
        if (pod && options.replicationTargets().stream().noneMatch(t -> t.type() == ReplicationType.SYNC)) {
            throw EngineException.invalidArgument("GROUP_TYPE_UNSUPPORTED", "Group " + group.id() + " allows volume"
                    + " types with replication_type '<in> sync' or '<in> trisync', but backend "
                    + options.backendName() + " has no replication_device with type:sync, so it has no pod "
                    + options.replicationPodName() + " to hold them; add one or use non-replicated or async types.");
        }
        return pod ? io.purebridge.engine.array.ArrayNames.inPod(options.replicationPodName(), groupName(group.id()))
                : groupName(group.id());
    }

    /** A replicated group living in its own pod (sync or tri-sync volume types). */
    private boolean syncReplicated(CinderGroup group) {
        return group.replicated() && GroupReplication.inPod(replication.check(group));
    }

    private ReplicationArray pgs() {
        if (array instanceof ReplicationArray pgs) {
            return pgs;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "GROUPS_NOT_SUPPORTED", "Backend " + options.backendName()
                + " drives an array without protection groups; Cinder's generic group code handles groups.");
    }

    /** Creates the group's protection group; the same request again finds it. */
    void createGroup(CinderGroup group) {
        String pg = consistentGroup(group);
        boolean sync = syncReplicated(group);
        if (sync) {
            replication.pods().createPod(group);
        }
        try {
            pgs().createProtectionGroup(pg);
            LOG.info("{}: created protection group {} for group {}", options.backendName(), pg, group.id());
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
        }
        if (group.replicated() && !(sync && replication.check(group) == ReplicationMode.SYNC)) {
            // Cinder creates replicated groups with replication disabled; enable_replication turns it on.
            replication.prepare(pg);
        }
    }

    /**
     * The mode a new volume joins the backend's groups with: a member of a replicated group is
     * replicated by its group's protection group alone, not by the backend's async group.
     */
    ReplicationMode placementMode(CinderVolume volume, ReplicationMode mode) {
        CinderGroup group = volume.group();
        return group != null && group.replicated() ? ReplicationMode.NONE : mode;
    }

    /** Destroys the group's protection group, then its volumes; a missing group is success. */
    void deleteGroup(CinderGroup group, List<CinderVolume> members) {
        String pg = consistentGroup(group);
        try {
            pgs().destroyProtectionGroup(pg);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
        for (CinderVolume member : members) {
            volumes.deleteVolume(member);
        }
        if (syncReplicated(group)) {
            replication.pods().dropPod(group);
        }
        LOG.info("{}: deleted group {} ({} volumes)", options.backendName(), group.id(), members.size());
    }

    /** Adds and removes members; removing a volume the group does not hold is success. */
    void updateGroup(CinderGroup group, List<CinderVolume> add, List<CinderVolume> remove) {
        String pg = consistentGroup(group);
        ReplicationArray pgs = pgs();
        if (syncReplicated(group) && !(add.isEmpty() && remove.isEmpty())) {
            // A move into or out of the group's pod renames the volume, which update_group cannot report.
            throw EngineException.invalidArgument("GROUP_UPDATE_UNSUPPORTED", "Group " + group.id() + " replicates"
                    + " synchronously through its own pod " + SyncGroupPods.podName(group.id()) + "; volumes cannot"
                    + " be added to or removed from it. Create volumes in the group (openstack volume create"
                    + " --group), or use a group type without consistent_group_replication_enabled.");
        }
        if (!add.isEmpty()) {
            if (group.replicated()) {
                // Replicated by the group from now on, not by the backend's async group too.
                for (CinderVolume v : add) {
                    leave(pgs, options.replicationPgName(), PurityNames.arrayVolumeName(v));
                }
            }
            pgs.putProtectionGroupMembers(pg, add.stream().map(PurityNames::arrayVolumeName).toList());
        }
        for (CinderVolume volume : remove) {
            leave(pgs, pg, PurityNames.arrayVolumeName(volume));
            if (group.replicated() && ReplicationMode.fromExtraSpecs(volume.extraSpecs()) == ReplicationMode.ASYNC) {
                // Out of the replicated group: its type's placement protects it again.
                pgs.putProtectionGroupMembers(options.replicationPgName(), List.of(PurityNames.arrayVolumeName(volume)));
            }
        }
    }

    private static void leave(ReplicationArray pgs, String pg, String volume) {
        try {
            pgs.dropProtectionGroupMembers(pg, List.of(volume));
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Puts a volume created into a consistent group in its protection group (upstream's _add_to_group_if_needed). */
    VolumeModelUpdate join(CinderVolume volume, VolumeModelUpdate created) {
        CinderGroup group = volume.group();
        if (group == null || !group.consistent()) {
            return created;
        }
        try {
            pgs().putProtectionGroupMembers(consistentGroup(group), List.of(created.providerId()));
        } catch (EngineException e) {
            // Nothing half made: the volume goes again, as upstream's create does on a failed join.
            LOG.warn("{}: cannot add {} to group {}, deleting it: {}", options.backendName(), created.providerId(),
                    group.id(), e.getMessage());
            volumes.deleteVolume(withProvider(volume, created.providerId()));
            throw e;
        }
        if (group.replicated()) {
            return new VolumeModelUpdate(created.providerId(), replication.memberStatus(group), created.metadata());
        }
        return created;
    }

    /**
     * Snapshots every member in one array operation; returns each Cinder snapshot's array name
     * (snapshot id -> {@code <pg>.cgsnapshot-<id>-cinder.<volume>}).
     */
    List<SnapshotModelUpdate> createGroupSnapshot(CinderGroup group, String groupSnapshotId,
            List<CinderSnapshot> snapshots) {
        String pg = consistentGroup(group);
        String suffix = snapshotSuffix(groupSnapshotId);
        PgSnapshotRecord taken;
        try {
            taken = pgs().createProtectionGroupSnapshot(pg, suffix, false, false);
            LOG.info("{}: group snapshot {} of {}", options.backendName(), taken.name(), pg);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            taken = pgs().listProtectionGroupSnapshots(pg).stream().filter(s -> s.name().equals(pg + "." + suffix))
                    .findFirst().orElseThrow(() -> e);
            if (taken.destroyed()) {
                throw EngineException.failedPrecondition("SNAPSHOT_DESTROYED", "Group snapshot " + taken.name()
                        + " exists in the destroyed state; eradicate it on the array first.");
            }
        }
        List<SnapshotModelUpdate> models = new ArrayList<>();
        for (CinderSnapshot snapshot : snapshots) {
            String name = taken.name() + "." + PurityNames.arrayVolumeName(snapshot.volume());
            if (!taken.volumeSnapshots().contains(name)) {
                throw EngineException.failedPrecondition("GROUP_MEMBER_MISSING", "Volume " + snapshot.volume().id()
                        + " is not in protection group " + pg + " of group " + group.id()
                        + "; add it with update_group before taking a group snapshot.");
            }
            models.add(ManagedObjects.snapshotModel(name, array.arrayInfo().name()));
        }
        return models;
    }

    /** Destroys (and with pure_eradicate_on_delete eradicates) a group snapshot; a missing one is success. */
    void deleteGroupSnapshot(CinderGroup group, String groupSnapshotId) {
        String name = consistentGroup(group) + "." + snapshotSuffix(groupSnapshotId);
        destroyPgSnapshot(name, options.eradicateOnDelete());
    }

    private void destroyPgSnapshot(String name, boolean eradicate) {
        try {
            pgs().destroyProtectionGroupSnapshot(name);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return;
            }
            if (e.code() != ErrorCode.FAILED_PRECONDITION) {
                throw e;
            }
        }
        if (eradicate) {
            pgs().eradicateProtectionGroupSnapshot(name);
        }
    }

    /** A new group from a group snapshot: each volume from its member snapshot. */
    List<VolumeModelUpdate> createFromGroupSnapshot(CinderGroup group, List<CinderVolume> members,
            List<CinderSnapshot> sources) {
        requireSameLength(members.size(), sources.size(), "snapshots");
        createGroup(group);
        return createAll(group, members, i -> volumes.createVolumeFromSnapshot(in(group, members.get(i)),
                sources.get(i)));
    }

    /**
     * A new group from another: one temporary snapshot of the source group (consistent across its
     * volumes), each volume copied from it, then the temporary snapshot eradicated.
     */
    List<VolumeModelUpdate> createFromGroup(CinderGroup group, List<CinderVolume> members, CinderGroup source,
            List<CinderVolume> sourceVolumes) {
        requireSameLength(members.size(), sourceVolumes.size(), "source volumes");
        String sourcePg = consistentGroup(source);
        createGroup(group);
        PgSnapshotRecord temp = pgs().createProtectionGroupSnapshot(sourcePg, UUID.randomUUID() + "-tmp", false,
                false);
        try {
            return createAll(group, members, i -> {
                CinderVolume from = sourceVolumes.get(i);
                String snap = temp.name() + "." + PurityNames.arrayVolumeName(from);
                return volumes.createVolumeFromSnapshot(in(group, members.get(i)),
                        new CinderSnapshot(members.get(i).id(), "group-source", snap, from, from.sizeGib()));
            });
        } finally {
            destroyPgSnapshot(temp.name(), true);
        }
    }

    /** Creates each member; on a failure the ones made are deleted again with the group. */
    private List<VolumeModelUpdate> createAll(CinderGroup group, List<CinderVolume> members,
            IntFunction<VolumeModelUpdate> create) {
        List<VolumeModelUpdate> made = new ArrayList<>();
        try {
            for (int i = 0; i < members.size(); i++) {
                made.add(create.apply(i));
            }
            return made;
        } catch (EngineException e) {
            List<CinderVolume> undo = new ArrayList<>();
            for (int i = 0; i < made.size(); i++) {
                undo.add(withProvider(members.get(i), made.get(i).providerId()));
            }
            try {
                deleteGroup(group, undo);
            } catch (EngineException cleanup) {
                LOG.warn("{}: cleanup of group {} failed: {}", options.backendName(), group.id(), cleanup.getMessage());
            }
            throw e;
        }
    }

    private static void requireSameLength(int members, int sources, String what) {
        if (members != sources) {
            throw EngineException.invalidArgument("GROUP_SOURCES_MISMATCH", "The new group has " + members
                    + " volumes but " + sources + " " + what + "; give one source per volume, in the same order.");
        }
    }

    /** The member as created in the group (Cinder's request may not say so). */
    private static CinderVolume in(CinderGroup group, CinderVolume v) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), v.providerId(), v.sizeGib(), v.extraSpecs(),
                v.replicationStatus(), v.qosSpec(), group);
    }

    private static CinderVolume withProvider(CinderVolume v, String providerId) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), providerId, v.sizeGib(), v.extraSpecs(),
                v.replicationStatus(), v.qosSpec(), v.group());
    }
}
