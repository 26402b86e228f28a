package io.purebridge.engine.array;

import java.util.List;

/**
 * A protection group snapshot {@code <pg>.<N>} (on a target {@code <source>:<pg>.<N>}); its volume
 * snapshots are {@code <pg snapshot>.<volume>} and readable as ordinary snapshots.
 *
 * @param volumeSnapshots names of the per-volume snapshots
 */
public record PgSnapshotRecord(
        String name,
        String groupName,
        long createdEpochMillis,
        List<String> volumeSnapshots) {
    public PgSnapshotRecord {
        volumeSnapshots = List.copyOf(volumeSnapshots);
    }
}
