package io.purebridge.engine.sim;

import io.purebridge.engine.array.ReplicationSchedule;
import java.util.List;

/** A protection group's replication as the operator sees it. */
public record PgStatus(
        String name,
        String sourceArray,
        List<String> members,
        ReplicationSchedule schedule,
        int snapshotCount,
        List<Target> targets) {
    public PgStatus {
        members = List.copyOf(members);
        targets = List.copyOf(targets);
    }

    /**
     * @param lastReplicatedSnapshot the newest snapshot complete on the target, or null
     * @param lagMillis now minus that snapshot's creation time; -1 before the first transfer
     * @param bytesSent wire bytes (compressed chunks the target lacked) over all transfers
     * @param logicalBytesSent bytes of blocks that differed from the target's baseline
     */
    public record Target(String arrayName, boolean allowed, boolean reachable, String lastReplicatedSnapshot,
            long lastCompletedEpochMillis, long lagMillis, long bytesSent, long logicalBytesSent,
            int snapshotsOnTarget) {
    }

    public Target target(String arrayName) {
        return targets.stream().filter(t -> t.arrayName().equals(arrayName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(arrayName + " is not a target of " + name));
    }
}
