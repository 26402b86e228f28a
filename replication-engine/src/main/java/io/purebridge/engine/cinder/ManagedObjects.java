package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manage and unmanage of volumes and snapshots (reference §3.7): existing array objects taken under
 * Cinder's names, and released as {@code <name>-unmanaged}.
 */
final class ManagedObjects {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedObjects.class);
    private static final long GIB = ArrayCinderBackend.GIB;
    private final String backendName;
    private final FlashArray array;
    private final ArrayInfo arrayInfo;

    ManagedObjects(String backendName, FlashArray array, ArrayInfo arrayInfo) {
        this.backendName = backendName;
        this.array = array;
        this.arrayInfo = arrayInfo;
    }

    VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName, Supplier<ReplicationMode> mode) {
        String ref = validateRef(sourceName, false);
        if (mode.get() != ReplicationMode.NONE) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "MANAGE_REPLICATED_NOT_SUPPORTED", "Volume "
                    + volume.id() + " has a replicated volume type; manage it with a non-replicated type, then"
                    + " retype it.");
        }
        // The type's QoS and volume group are checked before anything is renamed.
        VolumeGroupPlacement vg = VolumeGroupPlacement.of(volume.extraSpecs(), ReplicationMode.NONE, volume.id());
        QosSpecs qos = QosSpecs.of(volume);
        QosLimits limits = vg.inGroup() ? QosLimits.UNLIMITED : qos.limitsFor(volume.sizeGib(), volume.id());
        String target = PurityNames.volumeName(volume);
        if (vg.inGroup() && array.findVolume(vg.volumeName(target)).filter(v -> !v.destroyed()).isPresent()) {
            return volumeModel(vg.volumeName(target)); // a retry after the move went through
        }
        Optional<VolumeRecord> source = array.findVolume(ref).filter(v -> !v.destroyed());
        if (source.isEmpty()) {
            // A retry after the rename went through finds the volume under its new name.
            if (!ref.equals(target) && array.findVolume(target).filter(v -> !v.destroyed()).isPresent()) {
                return volumeModel(target);
            }
            throw EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                    + " names no volume on array " + arrayInfo.name() + "; check the name with the array's volume list.");
        }
        if (!ref.equals(target) && ManageableListing.cinderNamed(ref)) {
            throw EngineException.failedPrecondition("VOLUME_ALREADY_MANAGED", "source-name " + ref + " is named by"
                    + " Cinder's rule (volume-<id>-cinder): it is already managed; unmanage it first, or pick a"
                    + " volume from `cinder manageable-list` that is safe to manage.");
        }
        if (!array.listConnections(null, ref).isEmpty()) {
            throw EngineException.failedPrecondition("VOLUME_CONNECTED", "Volume " + ref
                    + " is connected to hosts; disconnect it on the array before managing it.");
        }
        if (!ref.equals(target)) {
            array.renameVolume(ref, target);
        }
        String name = target;
        if (vg.inGroup()) {
            vg.ensure(array, backendName);
            name = VolumeGroupPlacement.groups(array, backendName).moveVolumeToGroup(target, vg.group()).name();
        }
        // As upstream: the volume's own limits give way to the type's (none: cleared).
        if (array instanceof VolumeQos volumeQos && !volumeQos.volumeQos(name).equals(limits)) {
            volumeQos.setVolumeQos(name, limits);
        }
        LOG.info("{}: managed volume {} as {}", backendName, ref, name);
        return volumeModel(name);
    }

    long manageExistingGetSize(String sourceName) {
        String ref = validateRef(sourceName, false);
        VolumeRecord volume = array.findVolume(ref).filter(v -> !v.destroyed())
                .orElseThrow(() -> EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                        + " names no volume on array " + arrayInfo.name() + "."));
        return ceilGib(volume.provisionedBytes());
    }

    void unmanage(CinderVolume volume) {
        String name = PurityNames.arrayVolumeName(volume);
        String newName = PurityNames.unmanagedName(name, PurityNames.MAX_VOLUME_NAME);
        try {
            array.renameVolume(name, newName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            LOG.warn("{}: volume {} to unmanage does not exist", backendName, name);
            return;
        }
        LOG.info("{}: unmanaged volume {} as {}", backendName, name, newName);
    }

    SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName) {
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
        if (!ref.equals(target) && ManageableListing.cinderNamedSnapshot(ref)) {
            throw EngineException.failedPrecondition("SNAPSHOT_ALREADY_MANAGED", "source-name " + ref + " is named"
                    + " by Cinder's rule (<volume>.snapshot-<id>): it is already managed; unmanage it first.");
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
        LOG.info("{}: managed snapshot {} as {}", backendName, ref, target);
        return snapshotModel(target);
    }

    long manageExistingSnapshotGetSize(String sourceName) {
        String ref = validateRef(sourceName, true);
        SnapshotRecord snapshot = array.findSnapshot(ref).filter(s -> !s.destroyed())
                .orElseThrow(() -> EngineException.notFound("MANAGE_REF_NOT_FOUND", "source-name " + ref
                        + " names no snapshot on array " + arrayInfo.name() + "."));
        return ceilGib(snapshot.provisionedBytes());
    }

    /** @param name the snapshot's array name as it is now */
    void unmanageSnapshot(String name) {
        String newName = PurityNames.unmanagedSnapshotName(name);
        try {
            array.renameSnapshot(name, newName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            LOG.warn("{}: snapshot {} to unmanage does not exist", backendName, name);
            return;
        }
        LOG.info("{}: unmanaged snapshot {} as {}", backendName, name, newName);
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

    static VolumeModelUpdate volumeModel(String name, String arrayName) {
        return new VolumeModelUpdate(name, ArrayCinderBackend.DISABLED, volumeMetadata(name, arrayName));
    }

    static Map<String, String> volumeMetadata(String name, String arrayName) {
        return Map.of("array_volume_name", name, "array_name", arrayName);
    }

    static SnapshotModelUpdate snapshotModel(String name, String arrayName) {
        return new SnapshotModelUpdate(name, Map.of("array_snapshot_name", name, "array_name", arrayName));
    }

    private VolumeModelUpdate volumeModel(String name) {
        return volumeModel(name, arrayInfo.name());
    }

    private SnapshotModelUpdate snapshotModel(String name) {
        return snapshotModel(name, arrayInfo.name());
    }

    private static long ceilGib(long bytes) {
        return (bytes + GIB - 1) / GIB;
    }
}
