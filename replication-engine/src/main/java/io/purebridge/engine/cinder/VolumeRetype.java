package io.purebridge.engine.cinder;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retype of one volume on its backend's array: moves it between none, async, sync and trisync
 * without copying data through the host (group membership, a move into or out of the stretched
 * pod, which the array replicates before it returns), into, between or out of volume groups and
 * offload groups, and sets the new type's QoS. Everything is checked before anything changes.
 */
final class VolumeRetype {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeRetype.class);

    private final ArrayCinderBackend backend;
    private final BackendOptions options;
    private final FlashArray array;
    private final ReplicationArray replication;
    private final ReplicationPlacement placement;
    private final OffloadPlacement offloads;

    VolumeRetype(ArrayCinderBackend backend, BackendOptions options, FlashArray array, ReplicationArray replication,
            ReplicationPlacement placement, OffloadPlacement offloads) {
        this.backend = backend;
        this.options = options;
        this.array = array;
        this.replication = replication;
        this.placement = placement;
        this.offloads = offloads;
    }

    VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs,
            QosSpecs.VolumeTypeQos newQosSpec) {
        ReplicationMode from = ReplicationMode.fromExtraSpecs(volume.extraSpecs());
        CinderVolume target = volume.withType(newExtraSpecs, newQosSpec);
        ReplicationMode to = placement.modeFor(target);
        VolumeGroupPlacement vg = VolumeGroupPlacement.of(newExtraSpecs, to, volume.id());
        QosLimits limits = ArrayCinderBackend.volumeLimits(target, vg, volume.sizeGib());
        Optional<OffloadPolicy> offloadTo = offloads.policyFor(newExtraSpecs, to, vg, volume.id());
        String name = PurityNames.arrayVolumeName(volume);
        backend.liveVolume(name, volume.id());
        boolean inPod = PurityNames.podOf(name) != null;
        boolean wantPod = placement.inPod(to);
        offloadTo.ifPresent(p -> offloads.prepare(p, volume.id()));
        boolean offloadChanges = offloads.changes(volume.extraSpecs(), offloadTo);
        if (offloadChanges) {
            offloads.leave(name, volume.extraSpecs());
        }
        if (from != ReplicationMode.NONE || inPod) {
            placement.leaveAll(name);
        }
        String newName = name;
        if (inPod != wantPod) {
            if (replication == null) {
                throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "Volume " + volume.id()
                        + " cannot move " + (wantPod ? "into" : "out of") + " a pod: backend " + backend.backendName()
                        + " has no replicating arrays.");
            }
            newName = replication.moveVolume(name, wantPod ? options.replicationPodName() : "").name();
        }
        String oldGroup = VolumeGroups.groupOf(newName);
        if (!wantPod && !oldGroup.equals(vg.group())) {
            vg.ensure(array, backend.backendName());
            newName = VolumeGroupPlacement.groups(array, backend.backendName()).moveVolumeToGroup(newName, vg.group()).name();
            VolumeGroupPlacement.destroyIfEmpty(array, oldGroup + VolumeGroups.SEPARATOR, options.eradicateOnDelete(),
                    backend.backendName());
        }
        if (array instanceof VolumeQos qos && !qos.volumeQos(newName).equals(limits)) {
            qos.setVolumeQos(newName, limits);
        } else if (!limits.unlimited() && !(array instanceof VolumeQos)) {
            backend.qosArray();
        }
        if (offloadChanges && offloadTo.isPresent()) {
            offloads.join(newName, offloadTo.get(), false);
        }
        VolumeModelUpdate model = placement.join(newName, to);
        LOG.info("{}: retyped volume {} from {} to {} (now {})", backend.backendName(), volume.id(), from, to, newName);
        return model;
    }

}
