package io.purebridge.engine.cinder;

import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The newest replicated copy of each volume of one remote group on a target ({@code <source>:<pg>},
 * or {@code <pod>:<pg>} for a group in a pod), read with one listing: the snapshots a target holds
 * have arrived whole (a transfer applies all volumes or none), destroyed ones are skipped.
 */
final class ReplicaSnapshots {
    /** One volume's newest copy: the volume snapshot name and when its group snapshot was taken. */
    record Copy(String snapshotName, long takenEpochMillis) {
    }

    private final Map<String, Copy> newest;

    private ReplicaSnapshots(Map<String, Copy> newest) {
        this.newest = newest;
    }

    static ReplicaSnapshots of(ReplicationArray target, String remoteGroup) {
        List<PgSnapshotRecord> snapshots;
        try {
            snapshots = target.listProtectionGroupSnapshots(remoteGroup);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            snapshots = List.of();
        }
        Map<String, Copy> newest = new HashMap<>();
        for (PgSnapshotRecord snap : snapshots) {
            if (snap.destroyed()) {
                continue;
            }
            String prefix = snap.name() + ".";
            for (String volumeSnapshot : snap.volumeSnapshots()) {
                String volume = volumeSnapshot.substring(prefix.length());
                Copy seen = newest.get(volume);
                if (seen == null || seen.takenEpochMillis() <= snap.createdEpochMillis()) {
                    newest.put(volume, new Copy(volumeSnapshot, snap.createdEpochMillis()));
                }
            }
        }
        return new ReplicaSnapshots(newest);
    }

    Optional<Copy> newest(String sourceVolumeName) {
        return Optional.ofNullable(newest.get(sourceVolumeName));
    }

    boolean isEmpty() {
        return newest.isEmpty();
    }

    Map<String, Copy> all() {
        return Map.copyOf(newest);
    }
}
