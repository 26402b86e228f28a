package io.purebridge.engine.cinder;

import java.util.Map;

/**
 * What Cinder stores after a volume operation.
 *
 * @param providerId the array volume name
 * @param replicationStatus "enabled", "disabled", ...
 * @param metadata array_volume_name and array_name
 */
public record VolumeModelUpdate(String providerId, String replicationStatus, Map<String, String> metadata) {
    public VolumeModelUpdate {
        metadata = Map.copyOf(metadata);
    }
}
