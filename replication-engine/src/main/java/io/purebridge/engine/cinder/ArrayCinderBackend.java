package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.OffloadTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CinderBackend} over one array (the active one) through the {@link FlashArray} SPI,
 * following the upstream Pure driver's names and behaviour (reference/cinder-pure-driver.md §3).
 *
 * <p>Replication (reference/cinder-pure-driver.md §4): the volume type's mode places a volume in the
 * root namespace (none), the root plus the async group (async), the sync pod (sync), or the pod plus
 * the tri-sync group (trisync). It needs arrays that replicate ({@link ReplicationArray}); on others
 * a replicated type is refused rather than reported as replicated.
 */
public final class ArrayCinderBackend implements CinderBackend {
    static final long GIB = 1L << 30;
    static final String VENDOR = "Pure Storage";
    static final String DISABLED = "disabled";
    static final String ENABLED = "enabled";
    private static final Logger LOG = LoggerFactory.getLogger(ArrayCinderBackend.class);

    private final BackendOptions options;
    private final FlashArray array;
    private final ArrayInfo arrayInfo;
    private final HostAttachments attachments;
    /** The primary's replication capability once do_setup built pod and groups; null otherwise. */
    private final ReplicationArray replication;
    /** Uniform sync targets: attach connects the host there too. */
    private final List<HostAttachments> uniformAttachments;
    /** Reachable target array name -> its replication_device type. */
    private final Map<String, ReplicationType> targetTypes;
    /** backend_id of each replication_device reached at registration, in cinder.conf order. */
    private final List<String> reachedTargetIds;
    /** Where replicated volumes go while failed over; {@link FailedOverPlacement#NOT_FAILED_OVER} else. */
    private final FailedOverPlacement failedOver;
    private final BackendStatsReport stats;
    private final ManagedObjects managed;
    private final ReplicationPlacement placement;
    private final ConsistencyGroups groups;
    private final GroupReplication groupReplication;
    private final OffloadPlacement offloads;
    private final OffloadCopies offloadCopies;

    /**
     * @param array the active array (the primary, or the target Cinder says is active)
     * @param uuidHex random uuid4 hex for host names when the connector has no system uuid
     * @param chapSecrets new CHAP secrets
     */
    public ArrayCinderBackend(BackendOptions options, FlashArray array, ArrayInfo arrayInfo,
            Supplier<String> uuidHex, Supplier<String> chapSecrets) {
        this(options, array, arrayInfo, uuidHex, chapSecrets, null, List.of(), List.of(), List.of());
    }

    /**
     * @param replication the primary's replication capability after setup, or null when the arrays
     *     do not replicate (or the backend is failed over)
     * @param uniformTargets arrays of uniform sync targets
     * @param replicatingTargets the reached targets that replicate with the primary
     * @param reachedTargetIds backend_id of every replication_device reached at registration; an
     *     unreachable one is skipped, as upstream does, and not reported in stats
     */
    public ArrayCinderBackend(BackendOptions options, FlashArray array, ArrayInfo arrayInfo,
            Supplier<String> uuidHex, Supplier<String> chapSecrets, ReplicationArray replication,
            List<FlashArray> uniformTargets, List<ReplicationSetup.Target> replicatingTargets,
            List<String> reachedTargetIds) {
        this(options, array, arrayInfo, uuidHex, chapSecrets, replication, uniformTargets, replicatingTargets,
                reachedTargetIds, FailedOverPlacement.NOT_FAILED_OVER, OffloadTargets.none());
    }

    /**
     * @param failedOver where replicated volumes go while the backend is failed over (the array
     *     serving it is {@code array}, {@code replication} its capability)
     * @param offloadTargets where volume types and snapshots may offload to (CloudSnap)
     */
    public ArrayCinderBackend(BackendOptions options, FlashArray array, ArrayInfo arrayInfo,
            Supplier<String> uuidHex, Supplier<String> chapSecrets, ReplicationArray replication,
            List<FlashArray> uniformTargets, List<ReplicationSetup.Target> replicatingTargets,
            List<String> reachedTargetIds, FailedOverPlacement failedOver, OffloadTargets offloadTargets) {
        this.failedOver = failedOver;
        this.options = options;
        this.array = array;
        this.arrayInfo = arrayInfo;
        this.attachments = new HostAttachments(options, array, uuidHex, chapSecrets);
        this.replication = replication;
        this.targetTypes = replicatingTargets.stream()
                .collect(Collectors.toUnmodifiableMap(t -> t.info().name(), t -> t.device().type()));
        this.reachedTargetIds = List.copyOf(reachedTargetIds);
        this.uniformAttachments = uniformTargets.stream()
                .map(t -> new HostAttachments(options, t, uuidHex, chapSecrets)).toList();
        this.placement = new ReplicationPlacement(options, array, arrayInfo.name(), replication, failedOver);
        this.managed = new ManagedObjects(options.backendName(), array, arrayInfo);
        this.groupReplication = new GroupReplication(options, array, arrayInfo.name(), replication,
                failedOver.active() ? List.of() : replicatingTargets);
        this.groups = new ConsistencyGroups(options, array, this, groupReplication);
        this.stats = new BackendStatsReport(options, array, replication, targetTypes, this.reachedTargetIds, failedOver,
                groupReplication);
        this.offloads = new OffloadPlacement(options, array, offloadTargets);
        this.offloadCopies = new OffloadCopies(options, array, arrayInfo.name(), offloadTargets, offloads);
    }

    OffloadCopies offloadCopies() {
        return offloadCopies;
    }

    /** The array this backend writes now: its primary, or the target it is failed over to. */
    FlashArray array() {
        return array;
    }

    public BackendOptions options() {
        return options;
    }

    @Override
    public String backendName() {
        return options.backendName();
    }

    // --- volumes -------------------------------------------------------------------------------

    @Override
    public VolumeModelUpdate createVolume(CinderVolume volume) {
        long bytes = sizeBytes(volume.sizeGib(), "size");
        ReplicationMode mode = placement.modeFor(volume);
        // Every spec is checked before the array is asked for anything.
        VolumeGroupPlacement vg = VolumeGroupPlacement.of(volume.extraSpecs(), mode, volume.id());
        QosLimits limits = volumeLimits(volume, vg, volume.sizeGib());
        Optional<OffloadPolicy> offload = offloads.policyFor(volume.extraSpecs(), mode, vg, volume.id());
        Optional<OffloadCopies.Source> restore = offloadCopies.restoreRequest(volume);
        String name = placement.name(volume, mode, vg);
        vg.ensure(array, backendName());
        offload.ifPresent(p -> offloads.prepare(p, volume.id()));
        if (restore.isPresent()) {
            offloadCopies.restore(restore.get(), name, volume, bytes);
            applyQos(name, limits);
            return OffloadCopies.restored(place(volume, name, mode, offload), restore.get());
        }
        // Create first, read only when the array says the name is taken (as upstream: one request).
        try {
            if (limits.unlimited()) {
                array.createVolume(name, bytes);
            } else {
                qosArray().createVolume(name, bytes, limits);
            }
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            // The same request again (a retry, or a race with an identical one) answers as if it had
            // created the volume; a destroyed volume or a different one under the name fails.
            existingForCreate(array.findVolume(name).orElseThrow(() -> e), bytes, null);
            applyQos(name, limits);
            return place(volume, name, mode, offload);
        }
        LOG.info("{}: created volume {} ({} GiB)", backendName(), name, volume.sizeGib());
        return place(volume, name, mode, offload);
    }

    /** Joins the groups the type asks for: offload, then replication and the generic group. */
    private VolumeModelUpdate place(CinderVolume volume, String name, ReplicationMode mode,
            Optional<OffloadPolicy> offload) {
        offload.ifPresent(p -> offloads.join(name, p, true));
        return groups.join(volume, placement.join(name, groups.placementMode(volume, mode)));
    }


    @Override
    public void deleteVolume(CinderVolume volume) {
        String name = PurityNames.arrayVolumeName(volume);
        // Change first and read the array's answer: a detached volume of a plain type costs one
        // request (upstream lists its connections twice, then destroys).
        if (PurityNames.podOf(name) != null) {
            for (HostAttachments uniform : uniformAttachments) {
                uniform.disconnectAll(name);
            }
        }
        placement.leave(name, ReplicationMode.fromExtraSpecs(volume.extraSpecs()));
        offloads.leave(name, volume.extraSpecs());
        try {
            try {
                array.destroyVolume(name);
            } catch (EngineException e) {
                if (!hasConnections(e)) {
                    throw e;
                }
                // The array does not destroy a connected volume: disconnect every host, then again.
                attachments.disconnectAll(name);
                array.destroyVolume(name);
            }
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                LOG.info("{}: volume {} is already gone", backendName(), name);
                return;
            }
            if (!isDestroyed(e)) {
                throw e;
            }
        }
        if (options.eradicateOnDelete()) {
            try {
                array.eradicateVolume(name);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        VolumeGroupPlacement.destroyIfEmpty(array, name, options.eradicateOnDelete(), backendName());
        LOG.info("{}: deleted volume {}", backendName(), name);
    }

    @Override
    public void extendVolume(CinderVolume volume, long newSizeGib) {
        long bytes = sizeBytes(newSizeGib, "new_size");
        String name = PurityNames.arrayVolumeName(volume);
        // Per-GB limits follow the size (upstream multiplies them by bytes here); checked first.
        QosSpecs qos = VolumeGroups.groupOf(name).isEmpty() ? QosSpecs.of(volume) : QosSpecs.NONE;
        // One request (two for per-GB QoS); the array refuses a shrink without truncate and a missing or destroyed volume.
        try {
            array.resizeVolume(name, bytes, false);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND || isDestroyed(e)) {
                throw volumeNotFound(name, volume.id());
            }
            if (e.code() == ErrorCode.OUT_OF_RANGE && e.reason().startsWith("SHRINK")) {
                String current = array.findVolume(name).map(v -> gib(v.provisionedBytes()) + " GiB").orElse("larger");
                throw EngineException.outOfRange("SHRINK_NOT_SUPPORTED", "Volume " + volume.id() + " (" + name
                        + ") is " + current + "; it cannot shrink to " + newSizeGib
                        + " GiB. Choose a size of at least its current size.");
            }
            throw e;
        }
        if (qos.perGb()) {
            qosArray().setVolumeQos(name, qos.limitsFor(newSizeGib, volume.id()));
        }
        LOG.info("{}: extended volume {} to {} GiB", backendName(), name, newSizeGib);
    }

    @Override
    public VolumeModelUpdate createVolumeFromSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        long bytes = sizeBytes(volume.sizeGib(), "size");
        ReplicationMode mode = placement.modeFor(volume);
        // Copy first: one request (two to grow); the name it had before a retype moved its volume
        // is tried only when the array has no such snapshot.
        String source = PurityNames.arraySnapshotName(snapshot);
        String moved = movedSnapshotName(snapshot);
        VolumeGroupPlacement vg = VolumeGroupPlacement.of(volume.extraSpecs(), mode, volume.id());
        QosLimits limits = volumeLimits(volume, vg, volume.sizeGib());
        Optional<OffloadPolicy> offload = offloads.policyFor(volume.extraSpecs(), mode, vg, volume.id());
        String name = placement.name(volume, mode, vg);
        vg.ensure(array, backendName());
        offload.ifPresent(p -> offloads.prepare(p, volume.id()));
        Optional<OffloadCopies.Source> restored = Optional.empty();
        try {
            copyAndGrow(volume, name, source, bytes);
        } catch (EngineException e) {
            if (!sourceMissing(e)) {
                throw e;
            }
            try {
                if (moved == null) {
                    throw e;
                }
                copyAndGrow(volume, name, moved, bytes);
            } catch (EngineException again) {
                if (!sourceMissing(again)) {
                    throw again;
                }
                // Gone from the array: its offloaded copy, when there is one, is the source.
                restored = offloadCopies.copyOf(snapshot, source);
                if (restored.isEmpty()) {
                    throw EngineException.notFound("SNAPSHOT_NOT_FOUND", "Snapshot " + snapshot.id() + " (" + source
                            + ") does not exist on array " + arrayInfo.name() + ".");
                }
                offloadCopies.restore(restored.get(), name, volume, bytes);
            }
        }
        applyQos(name, limits);
        VolumeModelUpdate model = place(volume, name, mode, offload);
        return restored.map(r -> OffloadCopies.restored(model, r)).orElse(model);
    }

    @Override
    public VolumeModelUpdate createClonedVolume(CinderVolume volume, CinderVolume sourceVolume) {
        long bytes = sizeBytes(volume.sizeGib(), "size");
        ReplicationMode mode = placement.modeFor(volume);
        VolumeGroupPlacement vg = VolumeGroupPlacement.of(volume.extraSpecs(), mode, volume.id());
        QosLimits limits = volumeLimits(volume, vg, volume.sizeGib());
        String name = placement.name(volume, mode, vg);
        String source = PurityNames.arrayVolumeName(sourceVolume);
        Optional<OffloadPolicy> offload = offloads.policyFor(volume.extraSpecs(), mode, vg, volume.id());
        vg.ensure(array, backendName());
        offload.ifPresent(p -> offloads.prepare(p, volume.id()));
        try {
            copyAndGrow(volume, name, source, bytes);
        } catch (EngineException e) {
            if (sourceMissing(e)) {
                throw volumeNotFound(source, sourceVolume.id());
            }
            throw e;
        }
        applyQos(name, limits);
        return place(volume, name, mode, offload);
    }

    @Override
    public void revertToSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        String name = PurityNames.arrayVolumeName(volume);
        VolumeRecord before = liveVolume(name, volume.id());
        String source = snapshotName(snapshot);
        if (array.findSnapshot(source).filter(s -> !s.destroyed()).isEmpty()) {
            throw EngineException.notFound("SNAPSHOT_NOT_FOUND", "Snapshot " + snapshot.id() + " (" + source
                    + ") does not exist on array " + arrayInfo.name() + ".");
        }
        // The volume takes the snapshot's content (upstream's REST 2 code has the two reversed).
        VolumeRecord after = array.copyVolume(source, name, true);
        if (after.provisionedBytes() < before.provisionedBytes()) {
            // An overwrite copies the snapshot's size too; Cinder still records the larger size.
            array.resizeVolume(name, before.provisionedBytes(), false);
        }
        LOG.info("{}: reverted volume {} to snapshot {}", backendName(), name, source);
    }

    // --- generic volume groups ------------------------------------------------------------------

    @Override
    public void createGroup(CinderGroup group) {
        groups.createGroup(group);
    }

    @Override
    public void deleteGroup(CinderGroup group, List<CinderVolume> volumes) {
        groups.deleteGroup(group, volumes);
    }

    @Override
    public void updateGroup(CinderGroup group, List<CinderVolume> add, List<CinderVolume> remove) {
        groups.updateGroup(group, add, remove);
    }

    @Override
    public List<SnapshotModelUpdate> createGroupSnapshot(CinderGroup group, String id, List<CinderSnapshot> snaps) {
        return groups.createGroupSnapshot(group, id, snaps);
    }

    @Override
    public void deleteGroupSnapshot(CinderGroup group, String groupSnapshotId) {
        groups.deleteGroupSnapshot(group, groupSnapshotId);
    }

    @Override
    public List<VolumeModelUpdate> createGroupFromGroupSnapshot(CinderGroup group, List<CinderVolume> volumes,
            List<CinderSnapshot> snapshots) {
        return groups.createFromGroupSnapshot(group, volumes, snapshots);
    }

    @Override
    public List<VolumeModelUpdate> createGroupFromGroup(CinderGroup group, List<CinderVolume> volumes,
            CinderGroup source, List<CinderVolume> sources) {
        return groups.createFromGroup(group, volumes, source, sources);
    }

    @Override
    public GroupReplicationUpdate enableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        return groupReplication.enable(group, volumes);
    }

    @Override
    public GroupReplicationUpdate disableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        return groupReplication.disable(group, volumes);
    }

    @Override
    public GroupReplicationUpdate failoverGroupReplication(CinderGroup group, List<CinderVolume> volumes,
            String secondaryBackendId) {
        return groupReplication.failover(group, volumes, secondaryBackendId);
    }

    @Override
    public List<GroupReplicationUpdate> groupReplicationErrors(List<ReplicatedGroup> replicated) {
        return groupReplication.errors(replicated);
    }

    GroupReplication groupReplication() {
        return groupReplication;
    }

    // --- snapshots -----------------------------------------------------------------------------

    @Override
    public SnapshotModelUpdate createSnapshot(CinderSnapshot snapshot) {
        String name = PurityNames.arraySnapshotName(snapshot);
        int dot = name.lastIndexOf('.');
        String volumeName = name.substring(0, dot);
        Optional<OffloadCopies.Request> offload = offloadCopies.requestFor(snapshot);
        // One request (as upstream); the array's refusal says what is wrong.
        try {
            array.createSnapshot(volumeName, name.substring(dot + 1));
        } catch (EngineException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS) {
                // A retry finds its snapshot; a destroyed one under the name fails.
                requireSnapshotNotDestroyed(array.findSnapshot(name).orElseThrow(() -> e), snapshot);
                return offloadCopies.offloaded(snapshotModel(name), offload, name, snapshot, false);
            }
            if (e.code() == ErrorCode.NOT_FOUND || isDestroyed(e)) {
                throw volumeNotFound(volumeName, snapshot.volume().id());
            }
            throw e;
        }
        LOG.info("{}: created snapshot {}", backendName(), name);
        return offloadCopies.offloaded(snapshotModel(name), offload, name, snapshot, true);
    }

    @Override
    public void deleteSnapshot(CinderSnapshot snapshot) {
        String name = PurityNames.arraySnapshotName(snapshot);
        // Destroy first (one request, as upstream); a missing snapshot may have moved with its
        // volume (retype into or out of the pod), else it is already gone.
        if (!destroySnapshotIfThere(name)) {
            String moved = movedSnapshotName(snapshot);
            if (moved == null || !destroySnapshotIfThere(moved)) {
                LOG.info("{}: snapshot {} is already gone", backendName(), name);
                return;
            }
            name = moved;
        }
        if (options.eradicateOnDelete()) {
            try {
                array.eradicateSnapshot(name);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        LOG.info("{}: deleted snapshot {}", backendName(), name);
    }

    // --- attach / detach ----------------------------------------------------------------------

    @Override
    public ConnectionProperties initializeConnection(CinderVolume volume, HostConnector connector) {
        String name = PurityNames.arrayVolumeName(volume);
        // Read the volume while the attach reads ports and host (see HostAttachments.attach).
        CompletableFuture<VolumeRecord> pending = HostAttachments.readAsync(() -> liveVolume(name, volume.id()));
        ConnectionProperties props = attachments.attach(pending, connector);
        VolumeRecord record = HostAttachments.join(pending);
        if (PurityNames.podOf(name) != null) {
            // Uniform access: the host sees the pod volume through every uniform sync target too
            // (same serial on both arrays, so multipath makes one device of it).
            for (HostAttachments uniform : uniformAttachments) {
                props = ConnectionProperties.merge(props, uniform.attach(record, connector));
            }
        }
        return props;
    }

    @Override
    public Optional<ConnectionProperties> terminateConnection(CinderVolume volume, Optional<HostConnector> connector) {
        String name = PurityNames.arrayVolumeName(volume);
        boolean uniform = PurityNames.podOf(name) != null;
        if (connector.isEmpty()) {
            attachments.disconnectAll(name);
            if (uniform) {
                uniformAttachments.forEach(u -> u.disconnectAll(name));
            }
            return Optional.empty();
        }
        Optional<ConnectionProperties> result = attachments.detach(name, connector.get());
        if (uniform) {
            for (HostAttachments u : uniformAttachments) {
                u.detach(name, connector.get());
            }
        }
        return result;
    }

    // --- stats ---------------------------------------------------------------------------------

    @Override
    public BackendStats volumeStats() {
        return offloads.withCapabilities(stats.report());
    }

    // --- manage / unmanage ----------------------------------------------------------------------

    @Override
    public VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName) {
        return managed.manageExisting(volume, sourceName, () -> placement.modeFor(volume));
    }

    @Override
    public long manageExistingGetSize(String sourceName) {
        return managed.manageExistingGetSize(sourceName);
    }

    @Override
    public void unmanage(CinderVolume volume) {
        managed.unmanage(volume);
    }

    @Override
    public SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName) {
        return managed.manageExistingSnapshot(snapshot, sourceName);
    }

    @Override
    public long manageExistingSnapshotGetSize(String sourceName) {
        return managed.manageExistingSnapshotGetSize(sourceName);
    }

    @Override
    public void unmanageSnapshot(CinderSnapshot snapshot) {
        managed.unmanageSnapshot(snapshotName(snapshot));
    }

    @Override
    public List<ManageableObject> manageableVolumes(List<CinderVolume> cinderVolumes) {
        return new ManageableListing(array).volumes(ManageableListing.byArrayName(cinderVolumes, List.of()));
    }

    @Override
    public List<ManageableObject> manageableSnapshots(List<CinderSnapshot> cinderSnapshots) {
        return new ManageableListing(array).snapshots(ManageableListing.byArrayName(List.of(), cinderSnapshots));
    }

    @Override
    public ProviderUpdates updateProviderInfo(List<CinderVolume> volumes, List<CinderSnapshot> snapshots) {
        // As upstream: only volumes without a provider_id, named by rule, without asking the array.
        List<ProviderUpdate> updates = new ArrayList<>();
        for (CinderVolume volume : volumes) {
            if (volume.providerId().isEmpty()) {
                String name = PurityNames.volumeName(volume);
                updates.add(new ProviderUpdate(volume.id(), name, volumeMetadata(name)));
            }
        }
        return new ProviderUpdates(updates, List.of());
    }

    // --- helpers -------------------------------------------------------------------------------

    /**
     * Copies first and reads only on a refusal: one request when the sizes match (two when the new
     * volume is larger). A source larger than the request (Cinder's API does not send that) is
     * found from the copy, which is then removed again.
     */
    private VolumeModelUpdate copyAndGrow(CinderVolume volume, String name, String source, long bytes) {
        VolumeRecord copy;
        try {
            copy = array.copyVolume(source, name, false);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            // The same request again finds its (possibly not yet grown) copy.
            VolumeRecord existing = array.findVolume(name).orElseThrow(() -> e);
            VolumeModelUpdate model = existingForCreate(existing, bytes, source);
            growIfNeeded(name, existing.provisionedBytes(), bytes);
            return model;
        }
        if (copy.provisionedBytes() > bytes) {
            try {
                array.destroyVolume(name);
                array.eradicateVolume(name);
            } catch (EngineException cleanup) {
                LOG.warn("{}: cleanup of {} failed: {}", backendName(), name, cleanup.getMessage());
            }
            throw EngineException.outOfRange("SIZE_SMALLER_THAN_SOURCE", "Volume " + volume.id() + " asks for "
                    + volume.sizeGib() + " GiB but its source " + source + " is " + gib(copy.provisionedBytes())
                    + " GiB; ask for at least the source's size.");
        }
        growIfNeeded(name, copy.provisionedBytes(), bytes);
        LOG.info("{}: created volume {} from {} ({} GiB)", backendName(), name, source, volume.sizeGib());
        return volumeModel(name);
    }

    private void growIfNeeded(String name, long current, long wanted) {
        if (wanted > current) {
            array.resizeVolume(name, wanted, false);
        }
    }

    /**
     * The same request again returns the volume; a destroyed one or another request under the name
     * fails. For copies ({@code source} set) a smaller volume of the same source is a half-done
     * earlier attempt, which the caller finishes by growing it.
     */
    private VolumeModelUpdate existingForCreate(VolumeRecord existing, long bytes, String source) {
        String name = existing.name();
        if (existing.destroyed()) {
            throw EngineException.failedPrecondition("VOLUME_DESTROYED", "Array volume " + name
                    + " exists in the destroyed state on array " + arrayInfo.name()
                    + "; eradicate it on the array (or recover it and manage it) before creating this volume again.");
        }
        boolean sameSource = source == null ? existing.sourceName() == null : sameSource(existing.sourceName(), source);
        boolean sizeFits = source == null ? existing.provisionedBytes() == bytes : existing.provisionedBytes() <= bytes;
        if (!sameSource || !sizeFits) {
            throw EngineException.alreadyExists("VOLUME_EXISTS", "Array volume " + name + " already exists on array "
                    + arrayInfo.name() + " with " + describe(existing) + ", unlike this request ("
                    + gib(bytes) + " GiB" + (source == null ? "" : " from " + source)
                    + "); delete or manage the existing volume first.");
        }
        return volumeModel(name);
    }

    /**
     * Arrays report a copy's source as the snapshot, its volume, or (once the source is
     * eradicated) nothing; only a different named source is another request.
     */
    private static boolean sameSource(String reported, String requested) {
        return reported == null || reported.equals(requested) || requested.startsWith(reported + ".");
    }

    private static String describe(VolumeRecord volume) {
        return gib(volume.provisionedBytes()) + " GiB" + (volume.sourceName() == null ? "" : " from " + volume.sourceName());
    }

    private void requireSnapshotNotDestroyed(SnapshotRecord existing, CinderSnapshot snapshot) {
        if (existing.destroyed()) {
            throw EngineException.failedPrecondition("SNAPSHOT_DESTROYED", "Array snapshot " + existing.name()
                    + " for snapshot " + snapshot.id() + " exists in the destroyed state; eradicate it on the array first.");
        }
    }

    /**
     * The snapshot's array name. A retype that moved its volume into or out of the pod renamed the
     * snapshot with it, so a stale provider_id falls back to {@code <volume's current name>.<name>}.
     */
    private String snapshotName(CinderSnapshot snapshot) {
        String name = PurityNames.arraySnapshotName(snapshot);
        if (snapshot.providerId().isEmpty() || array.findSnapshot(name).isPresent()) {
            return name;
        }
        String moved = movedSnapshotName(snapshot);
        return moved != null && array.findSnapshot(moved).isPresent() ? moved : name;
    }

    /** Where a snapshot is after its volume moved (null when provider_id is unset or names agree). */
    private static String movedSnapshotName(CinderSnapshot snapshot) {
        if (snapshot.providerId().isEmpty()) {
            return null;
        }
        String moved = PurityNames.arrayVolumeName(snapshot.volume()) + "." + snapshot.name();
        return moved.equals(PurityNames.arraySnapshotName(snapshot)) ? null : moved;
    }

    /** Destroys the snapshot; true if it is (now or already) destroyed, false if there is none. */
    private boolean destroySnapshotIfThere(String name) {
        try {
            array.destroySnapshot(name);
            return true;
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            if (isDestroyed(e)) {
                return true;
            }
            throw e;
        }
    }

    /** A copy's source is missing or destroyed. */
    private static boolean sourceMissing(EngineException e) {
        return e.code() == ErrorCode.NOT_FOUND || isDestroyed(e);
    }

    private EngineException volumeNotFound(String name, String cinderId) {
        return EngineException.notFound("VOLUME_NOT_FOUND", "Volume " + cinderId + " (" + name
                + ") does not exist on array " + arrayInfo.name() + ".");
    }

    /** The array's refusal to destroy a connected volume (simulated: VOLUME_CONNECTED; REST: HAS_CONNECTIONS). */
    private static boolean hasConnections(EngineException e) {
        return e.code() == ErrorCode.FAILED_PRECONDITION
                && ("VOLUME_CONNECTED".equals(e.reason()) || "HAS_CONNECTIONS".equals(e.reason()));
    }

    @Override
    public VolumeData volumeData(CinderVolume volume) {
        if (!(array instanceof BlockDataAccess access)) {
            throw CinderBackend.noDataPath(backendName());
        }
        String name = PurityNames.arrayVolumeName(volume);
        return new VolumeData(name, liveVolume(name, volume.id()).provisionedBytes(), access);
    }

    VolumeRecord liveVolume(String name, String cinderId) {
        return array.findVolume(name).filter(v -> !v.destroyed()).orElseThrow(() -> volumeNotFound(name, cinderId));
    }

    /** The type's QoS limits for a volume of this size; none inside a volume group (its QoS rules). */
    static QosLimits volumeLimits(CinderVolume volume, VolumeGroupPlacement vg, long sizeGib) {
        QosSpecs qos = QosSpecs.of(volume);
        return vg.inGroup() ? QosLimits.UNLIMITED : qos.limitsFor(sizeGib, volume.id());
    }

    /** Sets the limits on a copy (copies start unlimited); nothing to send for none. */
    private void applyQos(String name, QosLimits limits) {
        if (!limits.unlimited()) {
            qosArray().setVolumeQos(name, limits);
        }
    }

    VolumeQos qosArray() {
        if (array instanceof VolumeQos qos) {
            return qos;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "QOS_NOT_SUPPORTED", "Backend " + backendName()
                + " drives an array without volume QoS; use a volume type without QoS specs.");
    }

    // --- retype --------------------------------------------------------------------------------

    /**
     * Moves the volume between none, async, sync and trisync without copying data through the host:
     * group membership changes, and a move into or out of the (stretched) pod, which the array
     * replicates to the pod's other array before it returns (reference §4.5's ghost-pod dance is the
     * array's business here).
     */
    @Override
    public VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs) {
        return retype(volume, newExtraSpecs, null);
    }

    /**
     * Also moves the volume into, between or out of volume groups and sets the new type's QoS
     * (checked before anything changes).
     */
    @Override
    public VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs,
            QosSpecs.VolumeTypeQos newQosSpec) {
        return new VolumeRetype(this, options, array, replication, placement, offloads)
                .retype(volume, newExtraSpecs, newQosSpec);
    }

    private VolumeModelUpdate volumeModel(String name) {
        return ManagedObjects.volumeModel(name, arrayInfo.name());
    }

    private Map<String, String> volumeMetadata(String name) {
        return ManagedObjects.volumeMetadata(name, arrayInfo.name());
    }

    private SnapshotModelUpdate snapshotModel(String name) {
        return ManagedObjects.snapshotModel(name, arrayInfo.name());
    }

    private static boolean isDestroyed(EngineException e) {
        return e.code() == ErrorCode.FAILED_PRECONDITION && "DESTROYED".equals(e.reason());
    }

    private static long sizeBytes(long sizeGib, String field) {
        if (sizeGib <= 0) {
            throw EngineException.invalidArgument("SIZE_NOT_POSITIVE",
                    field + " must be a positive number of GiB, got " + sizeGib + ".");
        }
        if (sizeGib > Long.MAX_VALUE / GIB) {
            throw EngineException.outOfRange("SIZE_TOO_LARGE", field + " " + sizeGib + " GiB is too large.");
        }
        return sizeGib * GIB;
    }

    private static String gib(long bytes) {
        return bytes % GIB == 0 ? Long.toString(bytes / GIB) : String.format(Locale.ROOT, "%.2f", bytes / (double) GIB);
    }

}
