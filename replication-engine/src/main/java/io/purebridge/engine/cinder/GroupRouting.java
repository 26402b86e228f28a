package io.purebridge.engine.cinder;

import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend whose replicated groups may be failed over one by one: a volume whose provider_id is
 * {@code <target array>:<volume>} ({@link LocatedNames}) lives on that replication target while its
 * group is failed over, so its calls (attach, detach, delete, extend, snapshots, revert, data) go to
 * a backend over that array; every other call goes to the primary backend. Calls that would mix the
 * two arrays (a clone or a volume from a snapshot of such a volume, retype, unmanage, group changes)
 * are refused until the group fails back.
 */
final class GroupRouting implements CinderBackend {
    private final ArrayCinderBackend primary;
    /** Backend over each reachable replication target's array, by array name. */
    private final Map<String, CinderBackend> targets;

    GroupRouting(ArrayCinderBackend primary, Map<String, CinderBackend> targets) {
        this.primary = primary;
        this.targets = Map.copyOf(targets);
    }

    ArrayCinderBackend primary() {
        return primary;
    }

    @Override
    public String backendName() {
        return primary.backendName();
    }

    /** The backend serving a volume, or empty for the primary. */
    private Optional<CinderBackend> routeOf(String providerId) {
        Optional<String> array = LocatedNames.arrayOf(providerId);
        if (array.isEmpty()) {
            return Optional.empty();
        }
        CinderBackend b = targets.get(array.get());
        if (b == null) {
            throw EngineException.failedPrecondition("FAILOVER_REFUSED", "provider_id " + providerId + " names array "
                    + array.get() + ", which is not a replication target of backend " + backendName()
                    + " that answered at registration; fail the volume's group back once it answers.");
        }
        return Optional.of(b);
    }

    private Optional<CinderBackend> routeOf(CinderVolume v) {
        return routeOf(v.providerId());
    }

    private void refuseIfRouted(CinderVolume v, String action) {
        if (LocatedNames.arrayOf(v.providerId()).isPresent()) {
            throw EngineException.failedPrecondition("GROUP_FAILED_OVER", "Cannot " + action + " volume " + v.id()
                    + ": its group is failed over to " + LocatedNames.arrayOf(v.providerId()).get()
                    + "; fail the group back (failover_replication with secondary_backend_id 'default') first.");
        }
    }

    static CinderVolume strip(CinderVolume v) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), LocatedNames.withoutArray(v.providerId()), v.sizeGib(),
                v.extraSpecs(), v.replicationStatus(), v.qosSpec(), v.group());
    }

    static CinderSnapshot strip(CinderSnapshot s) {
        return new CinderSnapshot(s.id(), s.name(), LocatedNames.withoutArray(s.providerId()), strip(s.volume()),
                s.volumeSizeGib());
    }

    private static String arrayOfRoute(CinderVolume v) {
        return LocatedNames.arrayOf(v.providerId()).orElseThrow();
    }

    // --- volumes ----------------------------------------------------------------------------------

    @Override
    public VolumeModelUpdate createVolume(CinderVolume volume) {
        return primary.createVolume(volume);
    }

    @Override
    public void deleteVolume(CinderVolume volume) {
        routeOf(volume).ifPresentOrElse(b -> b.deleteVolume(strip(volume)), () -> primary.deleteVolume(volume));
    }

    @Override
    public void extendVolume(CinderVolume volume, long newSizeGib) {
        routeOf(volume).ifPresentOrElse(b -> b.extendVolume(strip(volume), newSizeGib),
                () -> primary.extendVolume(volume, newSizeGib));
    }

    @Override
    public VolumeModelUpdate createVolumeFromSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        refuseIfRouted(snapshot.volume(), "create a volume from a snapshot of");
        return primary.createVolumeFromSnapshot(volume, snapshot);
    }

    @Override
    public VolumeModelUpdate createClonedVolume(CinderVolume volume, CinderVolume source) {
        refuseIfRouted(source, "clone");
        return primary.createClonedVolume(volume, source);
    }

    @Override
    public void revertToSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        routeOf(volume).ifPresentOrElse(b -> b.revertToSnapshot(strip(volume), strip(snapshot)),
                () -> primary.revertToSnapshot(volume, snapshot));
    }

    @Override
    public SnapshotModelUpdate createSnapshot(CinderSnapshot snapshot) {
        Optional<CinderBackend> b = routeOf(snapshot.volume());
        if (b.isEmpty()) {
            return primary.createSnapshot(snapshot);
        }
        SnapshotModelUpdate made = b.get().createSnapshot(strip(snapshot));
        return new SnapshotModelUpdate(LocatedNames.arrayOf(snapshot.volume().providerId()).orElseThrow()
                + LocatedNames.SEPARATOR + made.providerId(), made.metadata());
    }

    @Override
    public void deleteSnapshot(CinderSnapshot snapshot) {
        // A snapshot taken before its group failed over is still on the primary.
        String where = snapshot.providerId().isEmpty() ? snapshot.volume().providerId() : snapshot.providerId();
        routeOf(where).ifPresentOrElse(b -> b.deleteSnapshot(strip(snapshot)), () -> primary.deleteSnapshot(
                new CinderSnapshot(snapshot.id(), snapshot.name(), snapshot.providerId(), strip(snapshot.volume()),
                        snapshot.volumeSizeGib())));
    }

    @Override
    public ConnectionProperties initializeConnection(CinderVolume volume, HostConnector connector) {
        Optional<CinderBackend> b = routeOf(volume);
        return b.isPresent() ? b.get().initializeConnection(strip(volume), connector)
                : primary.initializeConnection(volume, connector);
    }

    @Override
    public Optional<ConnectionProperties> terminateConnection(CinderVolume volume, Optional<HostConnector> connector) {
        Optional<CinderBackend> b = routeOf(volume);
        return b.isPresent() ? b.get().terminateConnection(strip(volume), connector)
                : primary.terminateConnection(volume, connector);
    }

    @Override
    public VolumeData volumeData(CinderVolume volume) {
        Optional<CinderBackend> b = routeOf(volume);
        return b.isPresent() ? b.get().volumeData(strip(volume)) : primary.volumeData(volume);
    }

    @Override
    public BackendStats volumeStats() {
        return primary.volumeStats();
    }

    // --- manage ------------------------------------------------------------------------------------

    @Override
    public VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName) {
        return primary.manageExisting(volume, sourceName);
    }

    @Override
    public long manageExistingGetSize(String sourceName) {
        return primary.manageExistingGetSize(sourceName);
    }

    @Override
    public void unmanage(CinderVolume volume) {
        refuseIfRouted(volume, "unmanage");
        primary.unmanage(volume);
    }

    @Override
    public SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName) {
        refuseIfRouted(snapshot.volume(), "manage a snapshot of");
        return primary.manageExistingSnapshot(snapshot, sourceName);
    }

    @Override
    public long manageExistingSnapshotGetSize(String sourceName) {
        return primary.manageExistingSnapshotGetSize(sourceName);
    }

    @Override
    public void unmanageSnapshot(CinderSnapshot snapshot) {
        refuseIfRouted(snapshot.volume(), "unmanage a snapshot of");
        primary.unmanageSnapshot(snapshot);
    }

    @Override
    public List<ManageableObject> manageableVolumes(List<CinderVolume> cinderVolumes) {
        return primary.manageableVolumes(cinderVolumes);
    }

    @Override
    public List<ManageableObject> manageableSnapshots(List<CinderSnapshot> cinderSnapshots) {
        return primary.manageableSnapshots(cinderSnapshots);
    }

    @Override
    public ProviderUpdates updateProviderInfo(List<CinderVolume> volumes, List<CinderSnapshot> snapshots) {
        return primary.updateProviderInfo(volumes, snapshots);
    }

    @Override
    public VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs) {
        refuseIfRouted(volume, "retype");
        return primary.retype(volume, newExtraSpecs);
    }

    @Override
    public VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs,
            QosSpecs.VolumeTypeQos newQosSpec) {
        refuseIfRouted(volume, "retype");
        return primary.retype(volume, newExtraSpecs, newQosSpec);
    }

    // --- groups ------------------------------------------------------------------------------------

    @Override
    public void createGroup(CinderGroup group) {
        primary.createGroup(group);
    }

    /** Volumes failed over with their group are deleted where they are, with the group's reverse copy there. */
    @Override
    public void deleteGroup(CinderGroup group, List<CinderVolume> volumes) {
        List<CinderVolume> home = new ArrayList<>();
        for (CinderVolume v : volumes) {
            Optional<CinderBackend> b = routeOf(v);
            if (b.isPresent()) {
                b.get().deleteVolume(strip(v));
                primary.groupReplication().dropReverseGroup(arrayOfRoute(v), group);
            } else {
                home.add(v);
            }
        }
        primary.deleteGroup(group, home);
    }

    @Override
    public void updateGroup(CinderGroup group, List<CinderVolume> add, List<CinderVolume> remove) {
        add.forEach(v -> refuseIfRouted(v, "add to group " + group.id()));
        remove.forEach(v -> refuseIfRouted(v, "remove from group " + group.id()));
        primary.updateGroup(group, add, remove);
    }

    @Override
    public List<SnapshotModelUpdate> createGroupSnapshot(CinderGroup group, String groupSnapshotId,
            List<CinderSnapshot> snapshots) {
        snapshots.forEach(s -> refuseIfRouted(s.volume(), "take a group snapshot of"));
        return primary.createGroupSnapshot(group, groupSnapshotId, snapshots);
    }

    @Override
    public void deleteGroupSnapshot(CinderGroup group, String groupSnapshotId) {
        primary.deleteGroupSnapshot(group, groupSnapshotId);
    }

    @Override
    public List<VolumeModelUpdate> createGroupFromGroupSnapshot(CinderGroup group, List<CinderVolume> volumes,
            List<CinderSnapshot> snapshots) {
        return primary.createGroupFromGroupSnapshot(group, volumes, snapshots);
    }

    @Override
    public List<VolumeModelUpdate> createGroupFromGroup(CinderGroup group, List<CinderVolume> volumes,
            CinderGroup source, List<CinderVolume> sources) {
        sources.forEach(v -> refuseIfRouted(v, "copy into a new group"));
        return primary.createGroupFromGroup(group, volumes, source, sources);
    }

    @Override
    public GroupReplicationUpdate enableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        return primary.enableGroupReplication(group, volumes);
    }

    @Override
    public GroupReplicationUpdate disableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        return primary.disableGroupReplication(group, volumes);
    }

    @Override
    public GroupReplicationUpdate failoverGroupReplication(CinderGroup group, List<CinderVolume> volumes,
            String secondaryBackendId) {
        return primary.failoverGroupReplication(group, volumes, secondaryBackendId);
    }

    @Override
    public List<GroupReplicationUpdate> groupReplicationErrors(List<ReplicatedGroup> groups) {
        return primary.groupReplicationErrors(groups);
    }
}
