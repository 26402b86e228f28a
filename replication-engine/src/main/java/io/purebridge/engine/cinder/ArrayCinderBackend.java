package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        ReplicationMode mode = replicationFor(volume);
        String name = placementName(volume, mode);
        Optional<VolumeRecord> existing = array.findVolume(name);
        if (existing.isPresent()) {
            existingForCreate(existing.get(), bytes, null);
            return joinGroups(name, mode);
        }
        try {
            array.createVolume(name, bytes);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            // Lost a race with an identical request: answer as if we had created it.
            return existingForCreate(array.findVolume(name).orElseThrow(() -> e), bytes, null);
        }
        LOG.info("{}: created volume {} ({} GiB)", backendName(), name, volume.sizeGib());
        return joinGroups(name, mode);
    }

    @Override
    public void deleteVolume(CinderVolume volume) {
        String name = PurityNames.arrayVolumeName(volume);
        Optional<VolumeRecord> found = array.findVolume(name);
        if (found.isEmpty()) {
            LOG.info("{}: volume {} is already gone", backendName(), name);
            return;
        }
        if (!found.get().destroyed()) {
            leaveGroups(name);
            attachments.disconnectAll(name);
            for (HostAttachments uniform : uniformAttachments) {
                if (PurityNames.podOf(name) != null) {
                    uniform.disconnectAll(name);
                }
            }
            try {
                array.destroyVolume(name);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND && !isDestroyed(e)) {
                    throw e;
                }
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
        LOG.info("{}: deleted volume {}", backendName(), name);
    }

    @Override
    public void extendVolume(CinderVolume volume, long newSizeGib) {
        long bytes = sizeBytes(newSizeGib, "new_size");
        String name = PurityNames.arrayVolumeName(volume);
        VolumeRecord record = liveVolume(name, volume.id());
        if (bytes < record.provisionedBytes()) {
            throw EngineException.outOfRange("SHRINK_NOT_SUPPORTED", "Volume " + volume.id() + " (" + name
                    + ") is " + gib(record.provisionedBytes()) + " GiB; it cannot shrink to " + newSizeGib
                    + " GiB. Choose a size of at least its current size.");
        }
        if (bytes == record.provisionedBytes()) {
            return;
        }
        array.resizeVolume(name, bytes, false);
        LOG.info("{}: extended volume {} to {} GiB", backendName(), name, newSizeGib);
    }

    @Override
    public VolumeModelUpdate createVolumeFromSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        long bytes = sizeBytes(volume.sizeGib(), "size");
        ReplicationMode mode = replicationFor(volume);
        String source = snapshotName(snapshot);
        SnapshotRecord snap = array.findSnapshot(source).filter(s -> !s.destroyed())
                .orElseThrow(() -> EngineException.notFound("SNAPSHOT_NOT_FOUND", "Snapshot " + snapshot.id()
                        + " (" + source + ") does not exist on array " + arrayInfo.name() + "."));
        copyAndGrow(volume, placementName(volume, mode), source, snap.provisionedBytes(), bytes);
        return joinGroups(placementName(volume, mode), mode);
    }

    @Override
    public VolumeModelUpdate createClonedVolume(CinderVolume volume, CinderVolume sourceVolume) {
        long bytes = sizeBytes(volume.sizeGib(), "size");
        ReplicationMode mode = replicationFor(volume);
        String source = PurityNames.arrayVolumeName(sourceVolume);
        VolumeRecord src = liveVolume(source, sourceVolume.id());
        copyAndGrow(volume, placementName(volume, mode), source, src.provisionedBytes(), bytes);
        return joinGroups(placementName(volume, mode), mode);
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

    // --- snapshots -----------------------------------------------------------------------------

    @Override
    public SnapshotModelUpdate createSnapshot(CinderSnapshot snapshot) {
        String name = PurityNames.arraySnapshotName(snapshot);
        int dot = name.lastIndexOf('.');
        String volumeName = name.substring(0, dot);
        Optional<SnapshotRecord> existing = array.findSnapshot(name);
        if (existing.isPresent()) {
            requireSnapshotNotDestroyed(existing.get(), snapshot);
            return snapshotModel(name);
        }
        liveVolume(volumeName, snapshot.volume().id());
        try {
            array.createSnapshot(volumeName, name.substring(dot + 1));
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            requireSnapshotNotDestroyed(array.findSnapshot(name).orElseThrow(() -> e), snapshot);
        }
        LOG.info("{}: created snapshot {}", backendName(), name);
        return snapshotModel(name);
    }

    @Override
    public void deleteSnapshot(CinderSnapshot snapshot) {
        String name = snapshotName(snapshot);
        Optional<SnapshotRecord> found = array.findSnapshot(name);
        if (found.isEmpty()) {
            LOG.info("{}: snapshot {} is already gone", backendName(), name);
            return;
        }
        if (!found.get().destroyed()) {
            try {
                array.destroySnapshot(name);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND && !isDestroyed(e)) {
                    throw e;
                }
            }
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
        VolumeRecord record = liveVolume(name, volume.id());
        ConnectionProperties props = attachments.attach(record, connector);
        if (PurityNames.podOf(name) != null) {
            // Uniform access: the host sees the pod volume through every uniform sync target too
            // (same serial on both arrays, so multipath makes one device of it).
            for (HostAttachments uniform : uniformAttachments) {
                props = merge(props, uniform.attach(record, connector));
            }
        }
        return props;
    }

    /** Both arrays' targets in one connection_info (iSCSI and FC; NVMe keeps the active array's). */
    private static ConnectionProperties merge(ConnectionProperties a, ConnectionProperties b) {
        if (a instanceof ConnectionProperties.Iscsi x && b instanceof ConnectionProperties.Iscsi y) {
            return new ConnectionProperties.Iscsi(concat(x.targetIqns(), y.targetIqns()),
                    concat(x.targetPortals(), y.targetPortals()), concat(x.targetLuns(), y.targetLuns()), x.wwn(),
                    x.authMethod(), x.authUsername(), x.authPassword());
        }
        if (a instanceof ConnectionProperties.FibreChannel x && b instanceof ConnectionProperties.FibreChannel y) {
            Map<String, List<String>> map = new LinkedHashMap<>(x.initiatorTargetMap());
            y.initiatorTargetMap().forEach((k, v) -> map.merge(k, v, ArrayCinderBackend::concat));
            return new ConnectionProperties.FibreChannel(concat(x.targetWwns(), y.targetWwns()),
                    concat(x.targetLuns(), y.targetLuns()), x.wwn(), map);
        }
        return a;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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
        ArraySpace space = array.space();
        double total = space.capacityBytes() / (double) GIB;
        double used = space.totalPhysicalBytes() / (double) GIB;
        double free = total - used;
        double provisioned = space.totalProvisionedBytes() / (double) GIB;
        long volumes = array.listVolumes().stream().filter(v -> !v.destroyed()).count();
        long snapshots = array.listSnapshots(null).stream().filter(s -> !s.destroyed()).count();
        long hosts = array.listHosts().size();

        List<String> replicationTypes = new ArrayList<>();
        boolean anySync = options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.SYNC);
        boolean anyAsync = options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.ASYNC);
        if (options.replicationConfigured()) {
            replicationTypes.add("async");
            if (anySync) {
                replicationTypes.add("sync");
            }
            if (options.trisyncEnabled()) {
                replicationTypes.add("trisync");
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        // Features this build does not offer yet are reported as such, so the scheduler does not
        // place consistency groups or QoS types here.
        extra.put("QoS_support", "False");
        extra.put("consistencygroup_support", "False");
        extra.put("consistent_group_snapshot_enabled", "False");
        extra.put("consistent_group_replication_enabled", "False");
        if (options.filterFunction() != null) {
            extra.put("filter_function", options.filterFunction());
        }
        if (options.goodnessFunction() != null) {
            extra.put("goodness_function", options.goodnessFunction());
        }
        PerformanceStats.addTo(extra, array, backendName());
        if (replication != null) {
            // As upstream: what the primary's array connections offer right now.
            List<ReplicationType> connected = replication.listArrayConnections().stream()
                    .filter(c -> "connected".equals(c.status()) && targetTypes.containsKey(c.remoteName()))
                    .map(c -> targetTypes.get(c.remoteName())).toList();
            anySync = connected.contains(ReplicationType.SYNC);
            anyAsync = connected.contains(ReplicationType.ASYNC);
        }
        if (anySync && anyAsync) {
            extra.put("replication_capability", "trisync");
        } else if (anySync) {
            extra.put("replication_capability", "sync");
        } else if (anyAsync) {
            extra.put("replication_capability", "async");
        }
        return new BackendStats(options.volumeBackendName(), VENDOR, driverVersion(),
                options.storageProtocolName(), total, free, provisioned, options.reservedPercentage(),
                overSubscriptionRatio(space, provisioned, used), true, true, volumes, snapshots, hosts, 0,
                options.replicationConfigured(), replicationTypes, reachedTargetIds.size(), reachedTargetIds,
                space.dataReduction(), extra);
    }

    private double overSubscriptionRatio(ArraySpace space, double provisionedGib, double usedGib) {
        if (options.automaticMaxOversubscriptionRatio() && space.totalReduction() < 100) {
            return space.totalReduction();
        }
        if (options.maxOverSubscriptionRatio().isPresent()) {
            return options.maxOverSubscriptionRatio().getAsDouble();
        }
        // max_over_subscription_ratio = auto, Cinder's formula; 20 (the default) before any use.
        if (usedGib > 0 && provisionedGib > 0) {
            return 1 + provisionedGib / usedGib;
        }
        return 20.0;
    }

    private String driverVersion() {
        return switch (options.protocol()) {
            case ISCSI -> "22.0.iscsi";
            case FC -> "22.0.fc";
            case NVME_ROCE, NVME_TCP -> "22.0.nvme";
        };
    }

    // --- manage / unmanage ----------------------------------------------------------------------

    @Override
    public VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName) {
        String ref = validateRef(sourceName, false);
        if (replicationFor(volume) != ReplicationMode.NONE) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "MANAGE_REPLICATED_NOT_SUPPORTED", "Volume "
                    + volume.id() + " has a replicated volume type; manage it with a non-replicated type, then"
                    + " retype it.");
        }
        String target = PurityNames.volumeName(volume);
        Optional<VolumeRecord> source = array.findVolume(ref).filter(v -> !v.destroyed());
        if (source.isEmpty()) {
            // A retry after the rename went through finds the volume under its new name.
            if (!ref.equals(target) && array.findVolume(target).filter(v -> !v.destroyed()).isPresent()) {
                return volumeModel(target);
            }
            throw EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                    + " names no volume on array " + arrayInfo.name() + "; check the name with the array's volume list.");
        }
        if (!array.listConnections(null, ref).isEmpty()) {
            throw EngineException.failedPrecondition("VOLUME_CONNECTED", "Volume " + ref
                    + " is connected to hosts; disconnect it on the array before managing it.");
        }
        if (!ref.equals(target)) {
            array.renameVolume(ref, target);
        }
        LOG.info("{}: managed volume {} as {}", backendName(), ref, target);
        return volumeModel(target);
    }

    @Override
    public long manageExistingGetSize(String sourceName) {
        String ref = validateRef(sourceName, false);
        VolumeRecord volume = array.findVolume(ref).filter(v -> !v.destroyed())
                .orElseThrow(() -> EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                        + " names no volume on array " + arrayInfo.name() + "."));
        return ceilGib(volume.provisionedBytes());
    }

    @Override
    public void unmanage(CinderVolume volume) {
        String name = PurityNames.arrayVolumeName(volume);
        String newName = PurityNames.unmanagedName(name, PurityNames.MAX_VOLUME_NAME);
        try {
            array.renameVolume(name, newName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            LOG.warn("{}: volume {} to unmanage does not exist", backendName(), name);
            return;
        }
        LOG.info("{}: unmanaged volume {} as {}", backendName(), name, newName);
    }

    @Override
    public SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName) {
        String ref = validateRef(sourceName, true);
        String target = PurityNames.arraySnapshotName(new CinderSnapshot(snapshot.id(), snapshot.name(), "",
                snapshot.volume(), snapshot.volumeSizeGib()));
        Optional<SnapshotRecord> source = array.findSnapshot(ref).filter(s -> !s.destroyed());
        if (source.isEmpty()) {
            if (!ref.equals(target) && array.findSnapshot(target).filter(s -> !s.destroyed()).isPresent()) {
                return snapshotModel(target);
            }
            throw EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                    + " names no snapshot on array " + arrayInfo.name() + "; check the name with the array's snapshot list.");
        }
        String volumePart = target.substring(0, target.lastIndexOf('.'));
        if (!source.get().sourceName().equals(volumePart)) {
            throw EngineException.invalidArgument("MANAGE_REF_WRONG_VOLUME", "Snapshot " + ref + " belongs to volume "
                    + source.get().sourceName() + ", not to " + volumePart + " (Cinder volume "
                    + snapshot.volume().id() + "); manage it under the volume it was taken of.");
        }
        if (!ref.equals(target)) {
            array.renameSnapshot(ref, target);
        }
        LOG.info("{}: managed snapshot {} as {}", backendName(), ref, target);
        return snapshotModel(target);
    }

    @Override
    public long manageExistingSnapshotGetSize(String sourceName) {
        String ref = validateRef(sourceName, true);
        SnapshotRecord snapshot = array.findSnapshot(ref).filter(s -> !s.destroyed())
                .orElseThrow(() -> EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                        + " names no snapshot on array " + arrayInfo.name() + "."));
        return ceilGib(snapshot.provisionedBytes());
    }

    @Override
    public void unmanageSnapshot(CinderSnapshot snapshot) {
        String name = snapshotName(snapshot);
        String newName = PurityNames.unmanagedSnapshotName(name);
        try {
            array.renameSnapshot(name, newName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            LOG.warn("{}: snapshot {} to unmanage does not exist", backendName(), name);
            return;
        }
        LOG.info("{}: unmanaged snapshot {} as {}", backendName(), name, newName);
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

    private VolumeModelUpdate copyAndGrow(CinderVolume volume, String name, String source, long sourceBytes,
            long bytes) {
        if (bytes < sourceBytes) {
            throw EngineException.outOfRange("SIZE_SMALLER_THAN_SOURCE", "Volume " + volume.id() + " asks for "
                    + volume.sizeGib() + " GiB but its source " + source + " is " + gib(sourceBytes)
                    + " GiB; ask for at least the source's size.");
        }
        Optional<VolumeRecord> existing = array.findVolume(name);
        if (existing.isPresent()) {
            VolumeModelUpdate model = existingForCreate(existing.get(), bytes, source);
            growIfNeeded(name, existing.get().provisionedBytes(), bytes);
            return model;
        }
        VolumeRecord copy;
        try {
            copy = array.copyVolume(source, name, false);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            VolumeRecord raced = array.findVolume(name).orElseThrow(() -> e);
            VolumeModelUpdate model = existingForCreate(raced, bytes, source);
            growIfNeeded(name, raced.provisionedBytes(), bytes);
            return model;
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
        String moved = PurityNames.arrayVolumeName(snapshot.volume()) + "." + snapshot.name();
        return array.findSnapshot(moved).isPresent() ? moved : name;
    }

    @Override
    public VolumeData volumeData(CinderVolume volume) {
        if (!(array instanceof BlockDataAccess access)) {
            throw CinderBackend.noDataPath(backendName());
        }
        String name = PurityNames.arrayVolumeName(volume);
        return new VolumeData(name, liveVolume(name, volume.id()).provisionedBytes(), access);
    }

    private VolumeRecord liveVolume(String name, String cinderId) {
        return array.findVolume(name).filter(v -> !v.destroyed())
                .orElseThrow(() -> EngineException.notFound("VOLUME_NOT_FOUND", "Volume " + cinderId + " (" + name
                        + ") does not exist on array " + arrayInfo.name() + "."));
    }

    /**
     * The volume type's replication mode, after checking that this backend can provide it: a
     * replicated type needs replication_device lines and arrays that replicate; sync and trisync need
     * a type:sync device.
     */
    private ReplicationMode replicationFor(CinderVolume volume) {
        ReplicationMode mode = ReplicationMode.fromExtraSpecs(volume.extraSpecs());
        if (mode == ReplicationMode.NONE) {
            return mode;
        }
        String wanted = mode.name().toLowerCase(Locale.ROOT);
        if (!options.replicationConfigured()) {
            throw EngineException.failedPrecondition("REPLICATION_NOT_CONFIGURED", "Volume " + volume.id()
                    + " has a volume type asking for " + wanted + " replication, but backend " + backendName()
                    + " has no replication_device; add one to cinder.conf or use a non-replicated type.");
        }
        if (replication == null) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "Volume " + volume.id()
                    + " asks for " + wanted + " replication, which backend " + backendName() + " cannot provide:"
                    + " its arrays do not replicate through this purebridge build (or it is failed over);"
                    + " use a non-replicated volume type.");
        }
        if ((mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) && !hasSyncTarget()) {
            throw EngineException.failedPrecondition("SYNC_REPLICATION_NOT_CONFIGURED", "Volume " + volume.id()
                    + " asks for " + wanted + " replication, but backend " + backendName() + " has no"
                    + " replication_device with type:sync; add one or use an async type.");
        }
        return mode;
    }

    private boolean hasSyncTarget() {
        return options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.SYNC);
    }

    /** provider_id when set; else volume-<id>-cinder, inside the pod for sync and trisync. */
    private String placementName(CinderVolume volume, ReplicationMode mode) {
        if (!volume.providerId().isEmpty()) {
            return volume.providerId();
        }
        String base = PurityNames.volumeName(volume);
        return mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC
                ? ArrayNames.inPod(options.replicationPodName(), base) : base;
    }

    /**
     * Adds the volume to the groups its mode needs (async: the replication group; trisync: the
     * tri-sync group); on failure the new volume is destroyed, as upstream does.
     */
    private VolumeModelUpdate joinGroups(String name, ReplicationMode mode) {
        String group = groupFor(mode);
        if (group != null) {
            try {
                replication.addProtectionGroupMembers(group, List.of(name));
            } catch (EngineException e) {
                LOG.warn("{}: cannot add {} to protection group {}, destroying it: {}", backendName(), name, group,
                        e.getMessage());
                try {
                    array.destroyVolume(name);
                } catch (EngineException cleanup) {
                    LOG.warn("{}: cleanup of {} failed: {}", backendName(), name, cleanup.getMessage());
                }
                throw e;
            }
        }
        return new VolumeModelUpdate(name, mode == ReplicationMode.NONE ? DISABLED : ENABLED, volumeMetadata(name));
    }

    private String groupFor(ReplicationMode mode) {
        return switch (mode) {
            case ASYNC -> options.replicationPgName();
            case TRISYNC -> options.trisyncEnabled() ? ReplicationSetup.trisyncGroup(options) : null;
            default -> null;
        };
    }

    /** Removes the volume from the backend's replication groups (nothing when it is in none). */
    private void leaveGroups(String name) {
        if (replication == null) {
            return;
        }
        for (String group : new String[] {options.replicationPgName(),
                options.trisyncEnabled() ? ReplicationSetup.trisyncGroup(options) : null}) {
            if (group == null) {
                continue;
            }
            try {
                if (replication.findProtectionGroup(group).map(g -> g.members().contains(name)).orElse(false)) {
                    replication.removeProtectionGroupMembers(group, List.of(name));
                }
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
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
        ReplicationMode from = ReplicationMode.fromExtraSpecs(volume.extraSpecs());
        CinderVolume target = new CinderVolume(volume.id(), volume.nameId(), volume.name(), "", volume.sizeGib(),
                newExtraSpecs, volume.replicationStatus());
        ReplicationMode to = replicationFor(target);
        String name = PurityNames.arrayVolumeName(volume);
        liveVolume(name, volume.id());
        boolean inPod = PurityNames.podOf(name) != null;
        boolean wantPod = to == ReplicationMode.SYNC || to == ReplicationMode.TRISYNC;
        if (from != ReplicationMode.NONE || inPod) {
            leaveGroups(name);
        }
        String newName = name;
        if (inPod != wantPod) {
            if (replication == null) {
                throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "Volume " + volume.id()
                        + " cannot move " + (wantPod ? "into" : "out of") + " a pod: backend " + backendName()
                        + " has no replicating arrays.");
            }
            newName = replication.moveVolume(name, wantPod ? options.replicationPodName() : "").name();
        }
        VolumeModelUpdate model = joinGroups(newName, to);
        LOG.info("{}: retyped volume {} from {} to {} (now {})", backendName(), volume.id(), from, to, newName);
        return model;
    }

    private static String validateRef(String sourceName, boolean snapshot) {
        if (sourceName == null || sourceName.isBlank()) {
            throw EngineException.invalidArgument("MANAGE_REF_MISSING",
                    "existing_ref needs 'source-name': the array " + (snapshot ? "snapshot" : "volume") + " name.");
        }
        String ref = sourceName.trim();
        int pods = ref.split("::", -1).length - 1;
        if (pods > 1) {
            throw EngineException.invalidArgument("MANAGE_REF_IN_REALM",
                    "Unable to manage " + ref + ": it is in a realm, which Cinder cannot manage.");
        }
        if (pods == 1) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "POD_VOLUMES_NOT_SUPPORTED", "Unable to manage " + ref
                    + ": volumes in pods cannot be managed by this purebridge build yet; move it out of the pod first.");
        }
        return ref;
    }

    private VolumeModelUpdate volumeModel(String name) {
        return new VolumeModelUpdate(name, DISABLED, volumeMetadata(name));
    }

    private Map<String, String> volumeMetadata(String name) {
        return Map.of("array_volume_name", name, "array_name", arrayInfo.name());
    }

    private SnapshotModelUpdate snapshotModel(String name) {
        return new SnapshotModelUpdate(name, Map.of("array_snapshot_name", name, "array_name", arrayInfo.name()));
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

    private static long ceilGib(long bytes) {
        return (bytes + GIB - 1) / GIB;
    }

    private static String gib(long bytes) {
        return bytes % GIB == 0 ? Long.toString(bytes / GIB) : String.format(Locale.ROOT, "%.2f", bytes / (double) GIB);
    }

}
