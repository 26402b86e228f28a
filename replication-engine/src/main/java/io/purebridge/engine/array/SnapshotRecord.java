package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A volume snapshot: {@code <volume>.<suffix>}.
 *
 * @param name full name, e.g. {@code volume-<vid>-cinder.snapshot-<sid>}
 * @param id the array's id for it
 * @param serial 24 upper-case hex characters
 * @param sourceName the volume it was taken of
 * @param suffix the part after the last '.'
 * @param provisionedBytes the source's size when the snapshot was taken
 * @param destroyed destroyed and waiting for eradication
 * @param createdEpochMillis creation time
 * @param destroyedEpochMillis when it was destroyed, or 0
 */
public record SnapshotRecord(
        String name,
        String id,
        String serial,
        String sourceName,
        String suffix,
        long provisionedBytes,
        boolean destroyed,
        long createdEpochMillis,
        long destroyedEpochMillis) {
    public SnapshotRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(suffix, "suffix");
    }
}
