package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * The protection group a failed-over backend keeps on the array now serving it, replicating the
 * volumes it serves there back to the primary: {@code <pure_replication_pg_name>-failback}. It is the
 * reverse of the primary's async group; a failback ships its last snapshot and removes it. Its own
 * name keeps it apart from a {@code cinder-group} another backend may own on the same array.
 */
final class FailbackGroup {
    static final String SUFFIX = "-failback";

    private FailbackGroup() {
    }

    static String name(BackendOptions options) {
        return options.replicationPgName() + SUFFIX;
    }

    /**
     * Creates the group on {@code serving} if missing (same retention and interval as the forward
     * group) and, when the primary answers, makes it a target allowed there. Idempotent.
     *
     * @param primary the primary's replication capability, or null while it is down
     */
    static void ensure(BackendOptions options, ReplicationArray serving, String servingName,
            ReplicationArray primary, String primaryName) {
        String group = name(options);
        if (serving.findProtectionGroup(group).isEmpty()) {
            try {
                serving.createProtectionGroup(group);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.ALREADY_EXISTS) {
                    throw e;
                }
            }
            serving.setRetention(group, null, new RetentionPolicy(options.replicaRetentionShortTermSeconds(),
                    options.replicaRetentionLongTermPerDay(), options.replicaRetentionLongTermDays()));
        }
        long frequencyMs = options.replicaIntervalSeconds() * 1000L;
        if (primary != null && primaryName != null) {
            boolean targeted = serving.findProtectionGroup(group).orElseThrow().targets().stream()
                    .anyMatch(t -> t.arrayName().equals(primaryName));
            if (!targeted) {
                serving.addProtectionGroupTargets(group, List.of(primaryName));
            }
            primary.allowProtectionGroup(ReplicationSetup.remoteGroupName(servingName, group), true);
        }
        serving.setReplicationSchedule(group, ReplicationSchedule.every(frequencyMs, true));
    }

    /** Adds the volumes that are not members yet. */
    static void addMembers(BackendOptions options, ReplicationArray serving, List<String> volumeNames) {
        String group = name(options);
        List<String> current = serving.findProtectionGroup(group).orElseThrow().members();
        List<String> missing = new ArrayList<>();
        for (String v : volumeNames) {
            if (!current.contains(v) && !missing.contains(v)) {
                missing.add(v);
            }
        }
        addInBatches(serving, group, missing);
    }

    /** Members per request: a REST array takes them as a query parameter, whose length is bounded. */
    static final int MEMBERS_PER_CALL = 100;

    /** Adds members {@link #MEMBERS_PER_CALL} at a time. */
    static void addInBatches(ReplicationArray array, String group, List<String> members) {
        for (int from = 0; from < members.size(); from += MEMBERS_PER_CALL) {
            array.addProtectionGroupMembers(group, members.subList(from, Math.min(members.size(),
                    from + MEMBERS_PER_CALL)));
        }
    }
}
