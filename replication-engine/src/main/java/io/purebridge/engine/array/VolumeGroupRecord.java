package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A volume group: a namespace for volumes named {@code <group>/<volume>} with its own QoS limits.
 *
 * @param volumeCount live volumes in the group (destroyed ones are not counted)
 * @param destroyedEpochMillis when it was destroyed, or 0
 */
public record VolumeGroupRecord(
        String name,
        String id,
        boolean destroyed,
        QosLimits qos,
        int volumeCount,
        long createdEpochMillis,
        long destroyedEpochMillis) {
    public VolumeGroupRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        qos = qos == null ? QosLimits.UNLIMITED : qos;
    }
}
