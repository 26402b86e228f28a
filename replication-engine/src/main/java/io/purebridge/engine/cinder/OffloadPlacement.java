package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayOffload;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.OffloadedSnapshotRestore;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.OffloadTargets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offload protection groups of one backend's array: volumes of a type with
 * {@code purebridge:offload_target} join the group of their {@link OffloadPolicy} on create, clone,
 * from-snapshot and retype into the type, and leave it on delete and retype out of it. The group
 * takes snapshots on its schedule and keeps them on the array for a short while. The service's
 * {@link OffloadShipper} sends them to the target from an array whose snapshots it reads; an
 * array that offloads by itself ({@link ArrayOffload}, a FlashArray over REST) gets the target as
 * one of the group's targets and sends them itself. The target retention expires them there.
 */
final class OffloadPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadPlacement.class);
    private final BackendOptions options;
    private final FlashArray array;
    private final OffloadTargets targets;

    OffloadPlacement(BackendOptions options, FlashArray array, OffloadTargets targets) {
        this.options = options;
        this.array = array;
        this.targets = targets;
    }

    /**
     * The policy of the volume's type, checked before anything is made: a configured target, good
     * numbers, an array whose snapshots the service can read, and a placement whose snapshot names
     * an offload can carry (not in a pod, not in a volume group).
     */
    Optional<OffloadPolicy> policyFor(Map<String, String> extraSpecs, ReplicationMode mode,
            VolumeGroupPlacement vg, String owner) {
        Optional<OffloadPolicy> policy = OffloadPolicy.of(extraSpecs, options, targets.names(), owner);
        if (policy.isEmpty()) {
            return policy;
        }
        if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": "
                    + OffloadPolicy.TARGET + " cannot be combined with replication_type "
                    + mode.name().toLowerCase(Locale.ROOT) + " (pod volumes are not offloaded by purebridge yet);"
                    + " use an async or non-replicated type for offload.");
        }
        if (vg.inGroup()) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": "
                    + OffloadPolicy.TARGET + " cannot be combined with " + VolumeGroupPlacement.VG_NAME
                    + " (volume group snapshots are not offloaded by purebridge yet); drop one of them.");
        }
        requireGroupArray(policy.get(), owner);
        return policy;
    }

    /** Whether the service reads this array's snapshots and ships them itself. */
    boolean serviceShips() {
        return array instanceof ReplicationArray && array instanceof BlockDataAccess;
    }

    /**
     * Refuses an on-demand offload of one snapshot to {@code target} unless the service reads the
     * array's snapshots and sends them, or the array sends them itself and is connected to the target.
     */
    void requireOnDemandArray(String target, String owner) {
        if (serviceShips()) {
            return;
        }
        if (array instanceof ArrayOffload self) {
            requireConnected(self, target, "Snapshot " + owner);
            return;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "OFFLOAD_NOT_SUPPORTED", "Snapshot " + owner + ": backend "
                + options.backendName() + " drives an array that neither lets the service read its snapshots nor"
                + " offloads them itself, so it cannot offload one on demand; take the snapshot without "
                + OffloadCopies.SNAPSHOT_OFFLOAD + ".");
    }

    /**
     * The array as the holder of the policy's group: one whose snapshots the service ships, or one
     * that offloads by itself and is connected to the target under its {@code array_target_name}.
     */
    ReplicationArray requireGroupArray(OffloadPolicy policy, String owner) {
        if (serviceShips()) {
            return (ReplicationArray) array;
        }
        if (array instanceof ArrayOffload self && array instanceof ReplicationArray groups) {
            requireConnected(self, policy.target(), "Volume " + owner);
            return groups;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "OFFLOAD_NOT_SUPPORTED", "Volume " + owner + ": backend "
                + options.backendName() + " drives an array that neither lets the service read its snapshots nor"
                + " offloads them itself (" + OffloadPolicy.TARGET + "); use a type without offload.");
    }

    /** Refuses unless the array is connected now to {@code target}, under the array's name for it. */
    void requireConnected(ArrayOffload self, String target, String who) {
        String onArray = targets.target(target).nameOnArrays();
        if (self.offloadTargetConnected(onArray)) {
            return;
        }
        throw EngineException.failedPrecondition("OFFLOAD_TARGET_NOT_CONNECTED", who + ": array "
                + array.arrayInfo().name() + " of backend " + options.backendName() + " is not connected to"
                + " offload target '" + onArray + "' (" + target + "); connect the array to the bucket"
                + " under that name, or set array_target_name in [offload." + target + "] to the name"
                + " the array uses.");
    }

    /** Refuses arrays that can take an offloaded snapshot's data neither from the service nor from the bucket. */
    void requireRestoringArray(String owner) {
        if (array instanceof BlockDataAccess || array instanceof OffloadedSnapshotRestore) {
            return;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "OFFLOAD_NOT_SUPPORTED", "Volume " + owner + ": backend "
                + options.backendName() + " drives an array that cannot restore offloaded snapshots ("
                + OffloadCopies.RESTORE_FROM + "); restore into a simulated array or a FlashArray over REST.");
    }

    /**
     * Makes the policy's group live with its schedule and retention (before the volume is made, so a
     * refusal here leaves no volume behind). Creating it again finds it and sets the same settings.
     * Called after {@link #policyFor}, which checked the array and its connection to the target.
     */
    void prepare(OffloadPolicy policy, String owner) {
        ReplicationArray groups = groupHolder(owner);
        String name = policy.groupName();
        Optional<ProtectionGroupRecord> found = groups.findProtectionGroup(name);
        if (found.isEmpty()) {
            try {
                groups.createProtectionGroup(name);
                LOG.info("{}: created offload protection group {}: {}", options.backendName(), name, policy);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.ALREADY_EXISTS) {
                    throw e;
                }
            }
        } else if (found.get().replicationSchedule().equals(policy.schedule())
                && policy.targetRetention().equals(found.get().targetRetention())
                && policy.localRetention(options.replicaRetentionShortTermSeconds())
                        .equals(found.get().sourceRetention())
                && (serviceShips() || hasTarget(found.get(), policy))) {
            return;
        }
        groups.setRetention(name, policy.localRetention(options.replicaRetentionShortTermSeconds()),
                policy.targetRetention());
        groups.setReplicationSchedule(name, policy.schedule());
        if (!serviceShips() && (found.isEmpty() || !hasTarget(found.get(), policy))) {
            groups.addProtectionGroupTargets(name, List.of(targets.target(policy.target()).nameOnArrays()));
            LOG.info("{}: protection group {} offloads to {} on array {}", options.backendName(), name,
                    policy.target(), array.arrayInfo().name());
        }
    }

    /** The array as the holder of groups, already checked by {@link #policyFor}; refuses any other. */
    private ReplicationArray groupHolder(String owner) {
        if (array instanceof ReplicationArray r) {
            return r;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "OFFLOAD_NOT_SUPPORTED", "Volume " + owner + ": backend "
                + options.backendName() + " drives an array without protection groups; use a type without "
                + OffloadPolicy.TARGET + ".");
    }

    private boolean hasTarget(ProtectionGroupRecord group, OffloadPolicy policy) {
        String onArray = targets.target(policy.target()).nameOnArrays();
        return group.targets().stream().anyMatch(t -> t.arrayName().equals(onArray));
    }

    /**
     * Adds the volume to its group; on a refusal a new volume ({@code destroyOnFailure}) is
     * destroyed, nothing half-made.
     */
    void join(String volumeName, OffloadPolicy policy, boolean destroyOnFailure) {
        try {
            groupHolder(volumeName).putProtectionGroupMembers(policy.groupName(), List.of(volumeName));
        } catch (EngineException e) {
            if (!destroyOnFailure) {
                throw e;
            }
            LOG.warn("{}: cannot add {} to offload group {}, destroying it: {}", options.backendName(), volumeName,
                    policy.groupName(), e.getMessage());
            try {
                array.destroyVolume(volumeName);
            } catch (EngineException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** A retype from a type with {@code currentSpecs} to one asking for {@code next} changes the group. */
    boolean changes(Map<String, String> currentSpecs, Optional<OffloadPolicy> next) {
        Optional<OffloadPolicy> current;
        try {
            current = OffloadPolicy.parse(currentSpecs, options, "");
        } catch (EngineException e) {
            current = Optional.empty();
        }
        return !current.equals(next);
    }

    /**
     * Takes the volume out of the group its type names (one request; none for types without
     * offload). A type whose specs no longer parse leaves nothing to do.
     */
    void leave(String volumeName, Map<String, String> extraSpecs) {
        Optional<OffloadPolicy> policy;
        try {
            policy = OffloadPolicy.parse(extraSpecs, options, volumeName);
        } catch (EngineException e) {
            return;
        }
        if (policy.isEmpty() || !(array instanceof ReplicationArray groups)) {
            return;
        }
        try {
            groups.dropProtectionGroupMembers(policy.get().groupName(), List.of(volumeName));
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** The targets an array that offloads by itself is connected to now (none for other arrays). */
    private List<String> connectedTargets() {
        if (!(array instanceof ArrayOffload self) || !(array instanceof ReplicationArray)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String name : targets.names()) {
            try {
                if (self.offloadTargetConnected(targets.target(name).nameOnArrays())) {
                    out.add(name);
                }
            } catch (EngineException e) {
                LOG.debug("{}: cannot read offload target {} of the array: {}", options.backendName(), name,
                        e.getMessage());
            }
        }
        return out;
    }

    /**
     * The stats with the offload capability: {@code offload_enabled} and {@code offload_targets}
     * (comma-separated), so a volume type can ask the scheduler for a backend that offloads
     * ({@code offload_enabled='<is> True'}, {@code offload_targets='<in> offload-s3'}).
     */
    BackendStats withCapabilities(BackendStats stats) {
        List<String> usable = serviceShips() ? List.copyOf(targets.names()) : connectedTargets();
        Map<String, String> extra = new LinkedHashMap<>(stats.extra());
        extra.put("offload_enabled", usable.isEmpty() ? "False" : "True");
        extra.put("offload_targets", String.join(",", usable));
        return new BackendStats(stats.volumeBackendName(), stats.vendorName(), stats.driverVersion(),
                stats.storageProtocol(), stats.totalCapacityGb(), stats.freeCapacityGb(), stats.provisionedCapacityGb(),
                stats.reservedPercentage(), stats.maxOverSubscriptionRatio(), stats.thinProvisioningSupport(),
                stats.multiattach(), stats.totalVolumes(), stats.totalSnapshots(), stats.totalHosts(),
                stats.totalPgroups(), stats.replicationEnabled(), stats.replicationType(), stats.replicationCount(),
                stats.replicationTargets(), stats.dataReductionRatio(), extra);
    }
}
