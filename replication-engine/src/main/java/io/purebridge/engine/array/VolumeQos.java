package io.purebridge.engine.array;

import java.util.Map;

/**
 * Optional capability: per-volume QoS limits (FlashArray {@code qos} on /volumes). Tested with
 * {@code instanceof} like {@link BlockDataAccess}. Limits follow the volume through renames and
 * are removed when it is eradicated.
 */
public interface VolumeQos {
    /** Creates an empty thin volume with QoS limits in one step (INVALID_ARGUMENT out of range). */
    VolumeRecord createVolume(String name, long provisionedBytes, QosLimits qos);

    /** The volume's limits, {@link QosLimits#UNLIMITED} when it has none; NOT_FOUND for no volume. */
    QosLimits volumeQos(String volumeName);

    /** Volume name -> limits, for every volume (live or destroyed) that has a limit. */
    Map<String, QosLimits> listVolumeQos();

    /** Replaces the live volume's limits; {@link QosLimits#UNLIMITED} clears them. */
    QosLimits setVolumeQos(String volumeName, QosLimits qos);
}
