package io.purebridge.engine.array;

/**
 * Optional capability of an array that restores offloaded snapshots itself, from its own
 * connection to the offload target, as FlashArray does with CloudSnap: the service names the
 * snapshot and the new volume and sends no data. Arrays the service writes to directly
 * ({@link BlockDataAccess}) are restored by the service instead.
 */
public interface OffloadedSnapshotRestore {
    /**
     * Creates volume {@code volume} from {@code snapshot} ("sourceArray:volume.suffix") held on the
     * offload target {@code target}, checked by the array against the snapshot's manifest. The same
     * call again after it succeeded returns the volume it made.
     *
     * @param sizeBytes the snapshot's size, which bounds how long the array may take
     * @throws io.purebridge.engine.error.EngineException FAILED_PRECONDITION
     *     (OFFLOAD_TARGET_NOT_CONNECTED) when the array is not connected to {@code target},
     *     NOT_FOUND when the target holds no such snapshot, ALREADY_EXISTS when {@code volume}
     *     exists with other content
     */
    VolumeRecord restoreOffloaded(String target, String snapshot, String volume, long sizeBytes);
}
