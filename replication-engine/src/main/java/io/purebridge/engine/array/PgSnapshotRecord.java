package io.purebridge.engine.array;

import java.util.List;

/**
 * A protection group snapshot {@code <pg>.<N>} (on a target {@code <source>:<pg>.<N>}); its volume
 * snapshots are {@code <pg snapshot>.<volume>} and readable as ordinary snapshots.
 *
 * @param volumeSnapshots names of the per-volume snapshots
 * @param destroyed destroyed and waiting for eradication (recoverable until then)
 * @param destroyedEpochMillis when it was destroyed, or 0
 */
public record PgSnapshotRecord(
        String name,
        String groupName,
        long createdEpochMillis,
        List<String> volumeSnapshots,
        boolean destroyed,
        long destroyedEpochMillis) {
    public PgSnapshotRecord {
        volumeSnapshots = List.copyOf(volumeSnapshots);
    }

    /** A live snapshot. */
    public PgSnapshotRecord(String name, String groupName, long createdEpochMillis, List<String> volumeSnapshots) {
        this(name, groupName, createdEpochMillis, volumeSnapshots, false, 0);
    }
}
