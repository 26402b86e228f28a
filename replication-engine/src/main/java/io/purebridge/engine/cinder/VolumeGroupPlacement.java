package io.purebridge.engine.cinder;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes a volume type places in a FlashArray volume group (reference §2.3, upstream's
 * create_in_vgroup / create_from_snap_in_vgroup): extra spec {@code flasharray:vg_name} names the
 * group (characters the array refuses become '-'), {@code flasharray:vg_maxIOPS} and
 * {@code flasharray:vg_maxBWS} (bytes/s) are the group's QoS, applied every time a volume is placed
 * there. Member volumes are named {@code <group>/volume-<id>-cinder} and carry no QoS of their own.
 *
 * @param group the volume group's name, or "" when the type places volumes outside groups
 * @param qos the group's limits (unset: unlimited)
 */
public record VolumeGroupPlacement(String group, QosLimits qos) {
    public static final String VG_NAME = "flasharray:vg_name";
    public static final String VG_MAX_IOPS = "flasharray:vg_maxIOPS";
    public static final String VG_MAX_BWS = "flasharray:vg_maxBWS";
    public static final VolumeGroupPlacement NONE = new VolumeGroupPlacement("", QosLimits.UNLIMITED);
    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupPlacement.class);
    private static final int MAX_GROUP_NAME = 63;

    /**
     * The placement a volume type asks for, checked before anything is created.
     *
     * @param mode the type's replication: a group cannot hold pod (sync, trisync) volumes
     */
    public static VolumeGroupPlacement of(Map<String, String> extraSpecs, ReplicationMode mode, String owner) {
        String raw = extraSpecs.get(VG_NAME);
        if (raw == null || raw.isBlank()) {
            return NONE;
        }
        if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) {
            throw EngineException.invalidArgument("VOLUME_GROUP_SYNC_UNSUPPORTED", "Volume " + owner + ": "
                    + VG_NAME + " cannot be combined with " + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " replication (synchronously replicated volume group volumes are not supported); drop one"
                    + " of them from the volume type.");
        }
        String name = raw.trim().replaceAll("[^A-Za-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (name.isEmpty() || name.length() > MAX_GROUP_NAME) {
            throw EngineException.invalidArgument("VOLUME_GROUP_NAME_INVALID", VG_NAME + "='" + raw + "' of volume "
                    + owner + " gives no usable volume group name; use 1-63 letters, digits or '-'.");
        }
        Long iops = limit(extraSpecs, VG_MAX_IOPS, QosLimits.MIN_IOPS, QosLimits.MAX_IOPS, owner);
        Long bandwidth = limit(extraSpecs, VG_MAX_BWS, QosLimits.MIN_BANDWIDTH, QosLimits.MAX_BANDWIDTH, owner);
        return new VolumeGroupPlacement(name, new QosLimits(bandwidth, iops));
    }

    private static Long limit(Map<String, String> specs, String key, long min, long max, String owner) {
        String raw = specs.get(key);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("VOLUME_GROUP_QOS_INVALID", key + "='" + raw + "' of volume " + owner
                    + " is not a whole number; use " + min + ".." + max + ".");
        }
        if (value < min || value > max) {
            throw EngineException.invalidArgument("VOLUME_GROUP_QOS_INVALID", key + "=" + value + " of volume " + owner
                    + " is out of range; use " + min + ".." + max + ".");
        }
        return value;
    }

    public boolean inGroup() {
        return !group.isEmpty();
    }

    /** {@code <group>/<base>} in a group, else {@code base}. */
    public String volumeName(String base) {
        return inGroup() ? group + VolumeGroups.SEPARATOR + base : base;
    }

    /**
     * Makes the group live with this placement's QoS: creates it, recovers it when destroyed (its
     * destroyed volumes stay recoverable), or updates its limits when they differ.
     */
    public void ensure(FlashArray array, String backendName) {
        if (!inGroup()) {
            return;
        }
        VolumeGroups groups = groups(array, backendName);
        Optional<VolumeGroupRecord> found = groups.findVolumeGroup(group);
        if (found.isEmpty()) {
            try {
                groups.createVolumeGroup(group, qos);
                LOG.info("{}: created volume group {} ({})", backendName, group, qos);
                return;
            } catch (EngineException e) {
                if (e.code() != ErrorCode.ALREADY_EXISTS) {
                    throw e;
                }
                found = groups.findVolumeGroup(group); // made by a concurrent create
            }
        }
        VolumeGroupRecord record = found.orElseThrow();
        if (record.destroyed()) {
            record = groups.recoverVolumeGroup(group);
        }
        if (!record.qos().equals(qos)) {
            groups.setVolumeGroupQos(group, qos);
        }
    }

    /** After a member's delete: destroys the group once it holds no live volume, as upstream. */
    public static void destroyIfEmpty(FlashArray array, String volumeName, boolean eradicate, String backendName) {
        String group = VolumeGroups.groupOf(volumeName);
        if (group.isEmpty() || !(array instanceof VolumeGroups groups)) {
            return;
        }
        try {
            Optional<VolumeGroupRecord> record = groups.findVolumeGroup(group);
            if (record.isEmpty() || record.get().destroyed() || record.get().volumeCount() > 0) {
                return;
            }
            groups.destroyVolumeGroup(group);
            if (eradicate) {
                groups.eradicateVolumeGroup(group, true);
            }
            LOG.info("{}: destroyed empty volume group {}", backendName, group);
        } catch (EngineException e) {
            // A volume placed there meanwhile keeps the group: nothing to undo.
            LOG.info("{}: volume group {} kept: {}", backendName, group, e.getMessage());
        }
    }

    static VolumeGroups groups(FlashArray array, String backendName) {
        if (array instanceof VolumeGroups groups) {
            return groups;
        }
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "VOLUME_GROUPS_NOT_SUPPORTED", "Backend " + backendName
                + " drives an array without volume groups; remove " + VG_NAME + " from the volume type.");
    }
}
