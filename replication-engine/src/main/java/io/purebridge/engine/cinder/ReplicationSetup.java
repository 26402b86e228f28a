package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream driver's do_setup replication steps (reference/cinder-pure-driver.md §3.2), each
 * idempotent so a re-registration finds everything in place: the sync pod stretched to every sync
 * target; the async protection group (to every target, sync ones included, as upstream) with target
 * retention, frequency, targets allowed on each target, then the schedule enabled; with tri-sync, the
 * same for {@code <pod>::<trisync pg>} toward the async target.
 */
final class ReplicationSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSetup.class);

    private ReplicationSetup() {
    }

    /** A reachable target: its device line, array name and replication capability. */
    record Target(ReplicationTarget device, ArrayInfo info, ReplicationArray replication) {
    }

    static void run(BackendOptions options, ArrayInfo primaryInfo, ReplicationArray primary, List<Target> targets) {
        List<Target> sync = targets.stream().filter(t -> t.device().type() == ReplicationType.SYNC).toList();
        List<Target> async = targets.stream().filter(t -> t.device().type() == ReplicationType.ASYNC).toList();
        String pod = options.replicationPodName();
        if (!sync.isEmpty()) {
            if (primary.findPod(pod).isEmpty()) {
                ignoreExists(() -> primary.createPod(pod));
            }
            for (Target t : sync) {
                boolean member = primary.findPod(pod).orElseThrow().arrays().stream()
                        .anyMatch(a -> a.arrayName().equals(t.info().name()));
                if (!member) {
                    ignoreExists(() -> primary.stretchPod(pod, t.info().name()));
                }
            }
        }
        setUpGroup(options, primaryInfo.name(), primary, options.replicationPgName(), targets);
        if (options.trisyncEnabled() && !sync.isEmpty() && !async.isEmpty()) {
            setUpGroup(options, primaryInfo.name(), primary, trisyncGroup(options), async);
        }
        LOG.info("{}: replication set up on {} (pod {} over {}, group {} to {})", options.backendName(),
                primaryInfo.name(), sync.isEmpty() ? "none" : pod, sync.stream().map(t -> t.info().name()).toList(),
                options.replicationPgName(), targets.stream().map(t -> t.info().name()).toList());
    }

    static String trisyncGroup(BackendOptions options) {
        return ArrayNames.inPod(options.replicationPodName(), options.trisyncPgName());
    }

    /** {@code <source>:<pg>}, or {@code <pod>:<pg>} for a group in a pod. */
    static String remoteGroupName(String sourceArray, String group) {
        return ArrayNames.remoteGroupName(sourceArray, group);
    }

    private static void setUpGroup(BackendOptions options, String primaryName, ReplicationArray primary, String group,
            List<Target> targets) {
        if (primary.findProtectionGroup(group).isEmpty()) {
            ignoreExists(() -> primary.createProtectionGroup(group));
        }
        primary.setRetention(group, null, new RetentionPolicy(options.replicaRetentionShortTermSeconds(),
                options.replicaRetentionLongTermPerDay(), options.replicaRetentionLongTermDays()));
        long frequencyMs = options.replicaIntervalSeconds() * 1000L;
        primary.setReplicationSchedule(group, ReplicationSchedule.every(frequencyMs, false));
        if (!targets.isEmpty()) {
            primary.addProtectionGroupTargets(group, targets.stream().map(t -> t.info().name()).toList());
        }
        String remote = remoteGroupName(primaryName, group);
        for (Target t : targets) {
            t.replication().allowProtectionGroup(remote, true);
        }
        primary.setReplicationSchedule(group, ReplicationSchedule.every(frequencyMs, true));
    }

    private static void ignoreExists(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
        }
    }
}
