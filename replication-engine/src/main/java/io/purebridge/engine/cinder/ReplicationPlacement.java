package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a volume type's replication mode puts a volume (reference §4.1): the root namespace
 * (none), the root plus the async group (async), the sync pod (sync), or the pod plus the tri-sync
 * group (trisync); while failed over, the failback group. Volumes of other types go in the volume
 * group their type names.
 */
final class ReplicationPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationPlacement.class);
    private final BackendOptions options;
    private final FlashArray array;
    private final String arrayName;
    /** The primary's replication capability once do_setup built pod and groups; null otherwise. */
    private final ReplicationArray replication;
    private final FailedOverPlacement failedOver;

    ReplicationPlacement(BackendOptions options, FlashArray array, String arrayName, ReplicationArray replication,
            FailedOverPlacement failedOver) {
        this.options = options;
        this.array = array;
        this.arrayName = arrayName;
        this.replication = replication;
        this.failedOver = failedOver;
    }

    /** Sync and trisync volumes live in the pod (unless failed over to an array without it). */
    boolean inPod(ReplicationMode mode) {
        return (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) && failedOver.podPlacement();
    }

    /**
     * The volume type's replication mode, after checking that this backend can provide it: a
     * replicated type needs replication_device lines and arrays that replicate; sync and trisync need
     * a type:sync device.
     */
    ReplicationMode modeFor(CinderVolume volume) {
        ReplicationMode mode = ReplicationMode.fromExtraSpecs(volume.extraSpecs());
        if (mode == ReplicationMode.NONE) {
            return mode;
        }
        String wanted = mode.name().toLowerCase(Locale.ROOT);
        if (!options.replicationConfigured()) {
            throw EngineException.failedPrecondition("REPLICATION_NOT_CONFIGURED", "Volume " + volume.id()
                    + " has a volume type asking for " + wanted + " replication, but backend " + options.backendName()
                    + " has no replication_device; add one to cinder.conf or use a non-replicated type.");
        }
        if (replication == null) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "Volume " + volume.id()
                    + " asks for " + wanted + " replication, which backend " + options.backendName() + " cannot provide:"
                    + " its arrays do not replicate through this purebridge build (or it is failed over);"
                    + " use a non-replicated volume type.");
        }
        if ((mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) && !hasSyncTarget()) {
            throw EngineException.failedPrecondition("SYNC_REPLICATION_NOT_CONFIGURED", "Volume " + volume.id()
                    + " asks for " + wanted + " replication, but backend " + options.backendName() + " has no"
                    + " replication_device with type:sync; add one or use an async type.");
        }
        return mode;
    }

    private boolean hasSyncTarget() {
        return options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.SYNC);
    }

    /**
     * provider_id when set; else volume-<id>-cinder, inside the pod for sync and trisync, inside the
     * volume group the type names otherwise.
     */
    String name(CinderVolume volume, ReplicationMode mode, VolumeGroupPlacement vg) {
        if (!volume.providerId().isEmpty()) {
            return volume.providerId();
        }
        String base = PurityNames.volumeName(volume);
        CinderGroup group = volume.group();
        if ((mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) && group != null && group.replicated() && !failedOver.active()) {
            // A member of a sync or tri-sync replicated group lives in the group's own pod.
            return ArrayNames.inPod(SyncGroupPods.podName(group.id()), base);
        }
        return inPod(mode)
                ? ArrayNames.inPod(options.replicationPodName(), base) : vg.volumeName(base);
    }

    /**
     * Adds the volume to the groups its mode needs (async: the replication group; trisync: the
     * tri-sync group); on failure the new volume is destroyed, as upstream does.
     */
    VolumeModelUpdate join(String name, ReplicationMode mode) {
        String group = groupFor(mode);
        if (group != null) {
            try {
                replication.putProtectionGroupMembers(group, List.of(name));
            } catch (EngineException e) {
                LOG.warn("{}: cannot add {} to protection group {}, destroying it: {}", options.backendName(), name, group,
                        e.getMessage());
                try {
                    array.destroyVolume(name);
                } catch (EngineException cleanup) {
                    LOG.warn("{}: cleanup of {} failed: {}", options.backendName(), name, cleanup.getMessage());
                }
                throw e;
            }
        }
        return new VolumeModelUpdate(name, mode == ReplicationMode.NONE ? ArrayCinderBackend.DISABLED : ArrayCinderBackend.ENABLED, ManagedObjects.volumeMetadata(name, arrayName));
    }

    private String groupFor(ReplicationMode mode) {
        if (failedOver.active() && mode != ReplicationMode.NONE
                && (mode == ReplicationMode.ASYNC || !failedOver.podPlacement())) {
            // Served by a replication target: protected back toward the primary until failback.
            return FailbackGroup.name(options);
        }
        return switch (mode) {
            case ASYNC -> options.replicationPgName();
            case TRISYNC -> options.trisyncEnabled() ? ReplicationSetup.trisyncGroup(options) : null;
            default -> null;
        };
    }

    /**
     * On delete: takes the volume out of the group its type put it in, asking the array to remove
     * it rather than reading the group first (one request; none for types that join no group).
     */
    void leave(String name, ReplicationMode mode) {
        String group = replication == null ? null : groupFor(mode);
        if (group == null) {
            return;
        }
        try {
            replication.dropProtectionGroupMembers(group, List.of(name));
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Removes the volume from the backend's replication groups (nothing when it is in none). */
    void leaveAll(String name) {
        if (replication == null) {
            return;
        }
        for (String group : new String[] {
                failedOver.active() ? FailbackGroup.name(options) : options.replicationPgName(),
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
}
