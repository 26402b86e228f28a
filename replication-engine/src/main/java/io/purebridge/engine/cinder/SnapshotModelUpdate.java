package io.purebridge.engine.cinder;

import java.util.Map;

/**
 * What Cinder stores after a snapshot operation.
 *
 * @param providerId the array snapshot name
 * @param metadata array_snapshot_name and array_name
 */
public record SnapshotModelUpdate(String providerId, Map<String, String> metadata) {
    public SnapshotModelUpdate {
        metadata = Map.copyOf(metadata);
    }
}
