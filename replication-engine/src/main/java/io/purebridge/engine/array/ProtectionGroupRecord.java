package io.purebridge.engine.array;

import java.util.List;
import java.util.Objects;

/**
 * A protection group. On its source it is local ({@code pg} or {@code pod::pg}); on a target it
 * appears as {@code <source>:<pg>} with {@code local=false}, where the source is the array or, for a
 * group in a pod, the pod.
 *
 * @param source the source array or pod
 * @param members volume names
 * @param targets for a local group, its targets; for a remote one, the answering array's entry
 */
public record ProtectionGroupRecord(
        String name,
        String source,
        boolean local,
        List<String> members,
        List<PgTargetRecord> targets,
        ReplicationSchedule replicationSchedule,
        RetentionPolicy sourceRetention,
        RetentionPolicy targetRetention) {
    public ProtectionGroupRecord {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        targets = List.copyOf(targets);
    }
}
