package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group replication of consistency groups whose volume types are sync replicated, the
 * ActiveCluster way: each group has its own pod {@code consisgroup-<id>-cinder} (the pod is the
 * unit of failover of synchronous replication, so one pod per group lets a group fail over alone),
 * its volumes are {@code <pod>::volume-<id>-cinder} and its protection group, for crash-consistent
 * group snapshots in one array operation, is {@code <pod>::consisgroup-<id>-cinder}.
 *
 * <ul>
 *   <li>create: the pod on the primary only (Cinder creates replicated groups disabled);
 *   <li>enable: the pod is stretched to the first type:sync replication target (the baseline copy
 *       happens in the stretch), from then on every write is mirrored before it is acknowledged;
 *   <li>disable: the pod is unstretched; the primary keeps the data;
 *   <li>failover: no data moves. The target's copy of the pod already holds every acknowledged
 *       write and serves I/O; the pod's failover preference becomes the target (it keeps the pod
 *       if the arrays lose contact) and the volumes' provider_id becomes
 *       {@code <target array>:<pod>::<volume>}, which {@link GroupRouting} routes;
 *   <li>failback: once the primary serves the pod again (online, resynced), preference and
 *       provider ids come home; the target's writes are there because the pod mirrored them.
 * </ul>
 */
final class SyncGroupPods {
    private static final Logger LOG = LoggerFactory.getLogger(SyncGroupPods.class);

    private final BackendOptions options;
    private final String arrayName;
    private final ReplicationArray replication;
    private final List<ReplicationSetup.Target> targets;

    SyncGroupPods(BackendOptions options, String arrayName, ReplicationArray replication,
            List<ReplicationSetup.Target> targets) {
        this.options = options;
        this.arrayName = arrayName;
        this.replication = replication;
        this.targets = targets;
    }

    /** The group's own pod: upstream's group name, as a pod. */
    static String podName(String groupId) {
        return ConsistencyGroups.groupName(groupId);
    }

    /** The group's protection group, inside its pod. */
    static String pgName(String groupId) {
        return ArrayNames.inPod(podName(groupId), ConsistencyGroups.groupName(groupId));
    }

    /** The first type:sync replication target (cinder.conf order) that answered at registration. */
    Optional<ReplicationSetup.Target> syncTarget() {
        for (ReplicationTarget device : options.replicationTargets()) {
            if (device.type() != ReplicationType.SYNC) {
                continue;
            }
            Optional<ReplicationSetup.Target> t = targets.stream()
                    .filter(x -> x.device().backendId().equals(device.backendId())).findFirst();
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    /** Creates the group's pod on the primary; the same request again finds it. */
    void createPod(CinderGroup group) {
        String pod = podName(group.id());
        if (replication.findPod(pod).isPresent()) {
            return;
        }
        try {
            replication.createPod(pod);
            LOG.info("{}: created pod {} for sync replicated group {}", backend(), pod, group.id());
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    /** On deleting the group, once its volumes are gone: unstretch and destroy the pod. */
    void dropPod(CinderGroup group) {
        String pod = podName(group.id());
        Optional<PodRecord> record = replication.findPod(pod);
        if (record.isEmpty()) {
            return;
        }
        for (PodArrayStatus m : record.get().arrays()) {
            if (!m.arrayName().equals(arrayName)) {
                replication.unstretchPod(pod, m.arrayName());
            }
        }
        try {
            replication.destroyPod(pod);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return;
            }
            // Destroyed but not eradicated volumes (pure_eradicate_on_delete=False) stay recoverable;
            // the array refuses (a REST array as a bad request) to destroy a pod holding them.
            LOG.info("{}: pod {} of deleted group {} stays until its destroyed volumes are eradicated: {}", backend(),
                    pod, group.id(), e.getMessage());
        }
    }

    /** enabled when the pod is stretched (writes are mirrored), disabled otherwise. */
    String memberStatus(CinderGroup group) {
        return replication.findPod(podName(group.id())).filter(p -> p.arrayCount() > 1).isPresent()
                ? GroupReplication.ENABLED : GroupReplication.DISABLED;
    }

    private PodRecord requirePod(CinderGroup group) {
        String pod = podName(group.id());
        return replication.findPod(pod).orElseThrow(() -> EngineException.notFound("GROUP_NOT_FOUND", "Group "
                + group.id() + " has no pod " + pod + " on array " + arrayName + "; it was not created by this"
                + " backend."));
    }

    private ReplicationSetup.Target requireSyncTarget(CinderGroup group) {
        return syncTarget().orElseThrow(() -> EngineException.failedPrecondition("SYNC_REPLICATION_NOT_CONFIGURED",
                "Group " + group.id() + " has sync replicated volume types, but no replication_device with"
                        + " type:sync of backend " + backend() + " answered at registration. Nothing was changed."));
    }

    /** Stretches the pod to the sync target (already stretched: nothing to do). */
    void enable(CinderGroup group) {
        PodRecord pod = requirePod(group);
        ReplicationSetup.Target target = requireSyncTarget(group);
        if (member(pod, target.info().name()).isEmpty()) {
            replication.stretchPod(pod.name(), target.info().name());
            LOG.info("{}: pod {} of group {} stretched to '{}' ({})", backend(), pod.name(), group.id(),
                    target.device().backendId(), target.info().name());
        }
    }

    /** Unstretches the pod from every other array; the primary keeps the data. */
    void disable(CinderGroup group) {
        PodRecord pod = requirePod(group);
        for (PodArrayStatus m : pod.arrays()) {
            if (!m.arrayName().equals(arrayName)) {
                replication.unstretchPod(pod.name(), m.arrayName());
                LOG.info("{}: pod {} of group {} unstretched from {}; the data stays on {}", backend(), pod.name(),
                        group.id(), m.arrayName(), arrayName);
            }
        }
    }

    /**
     * The target a sync group fails over to: the named one or, with none named, the sync target its
     * pod is stretched to; it must serve the pod (online) now. Then its failover preference goes
     * there. Nothing is changed on a refusal.
     */
    ReplicationSetup.Target failover(CinderGroup group, String wanted) {
        ReplicationSetup.Target target = wanted.isEmpty() ? requireSyncTarget(group)
                : targets.stream().filter(t -> t.device().backendId().equals(wanted)).findFirst()
                        .orElseThrow(() -> refused("Group " + group.id() + " cannot fail over to '" + wanted
                                + "': the replication target did not answer when backend " + backend()
                                + " registered. Nothing was changed."));
        String pod = podName(group.id());
        String name = target.info().name();
        PodRecord there = target.replication().findPod(pod).filter(p -> p.arrayCount() > 1).orElseThrow(() -> refused("Group " + group.id() + " replicates"
                        + " synchronously; its pod " + pod + " is not stretched to '" + target.device().backendId()
                        + "' (" + name + "), so it cannot fail over there. Enable its replication first"
                        + (target.device().type() == ReplicationType.SYNC ? "" : ", or fail over to the type:sync"
                                + " target it is stretched to") + ". Nothing was changed."));
        String status = member(there, name).map(PodArrayStatus::status).orElse("not a member");
        if (!PodArrayStatus.ONLINE.equals(status)) {
            throw refused("Group " + group.id() + " cannot fail over to '" + target.device().backendId() + "': "
                    + name + " is " + status + " in pod " + pod + " and cannot serve its volumes. Nothing was"
                    + " changed.");
        }
        prefer(target.replication(), pod, name);
        LOG.info("{}: group {} failed over to '{}' ({}): pod {} serves it there", backend(), group.id(),
                target.device().backendId(), name, pod);
        return target;
    }

    /** Failback: the primary must serve the pod again; its preference comes home. */
    void failback(CinderGroup group, String from) {
        String pod = podName(group.id());
        PodRecord record = replication.findPod(pod).orElseThrow(() -> refused("Group " + group.id() + ": pod "
                + pod + " is not on " + arrayName + "; it cannot fail back. Nothing was changed."));
        String status = member(record, arrayName).map(PodArrayStatus::status).orElse("not a member");
        if (!PodArrayStatus.ONLINE.equals(status)) {
            throw refused("Group " + group.id() + " cannot fail back yet: " + arrayName + " is " + status
                    + " in pod " + pod + " (it serves again once the link is back and it has resynced from " + from
                    + "). Nothing was changed.");
        }
        prefer(replication, pod, arrayName);
        LOG.info("{}: group {} failed back from {} to {}", backend(), group.id(), from, arrayName);
    }

    private void prefer(ReplicationArray on, String pod, String array) {
        try {
            on.setFailoverPreferences(pod, List.of(array));
        } catch (EngineException e) {
            LOG.warn("{}: failover preference of pod {} not set to {}: {}", backend(), pod, array, e.getMessage());
        }
    }

    /**
     * Why a sync group's replication is in error, or empty: its pod gone, not stretched although
     * enabled, or a member not online (offline, resyncing: the link or an array is down).
     */
    Optional<String> error(CinderGroup group, Optional<String> failedOverTo) {
        String pod = podName(group.id());
        ReplicationArray answering = replication;
        if (failedOverTo.isPresent()) {
            Optional<ReplicationSetup.Target> t = targets.stream()
                    .filter(x -> x.info().name().equals(failedOverTo.get())).findFirst();
            if (t.isEmpty()) {
                return Optional.of("target " + failedOverTo.get() + " did not answer at registration");
            }
            answering = t.get().replication();
        }
        Optional<PodRecord> record;
        try {
            record = answering.findPod(pod);
        } catch (EngineException e) {
            return Optional.of("pod " + pod + " cannot be read: " + e.getMessage());
        }
        if (record.isEmpty()) {
            return Optional.of("pod " + pod + " is gone");
        }
        if (record.get().arrayCount() < 2) {
            return Optional.of("pod " + pod + " is not stretched");
        }
        List<String> bad = record.get().arrays().stream().filter(m -> !PodArrayStatus.ONLINE.equals(m.status()))
                .map(m -> m.arrayName() + " " + m.status()).toList();
        return bad.isEmpty() ? Optional.empty() : Optional.of("pod " + pod + " is out of sync: " + bad);
    }

    /** True when a stretched group pod has a member that is not online (stats: replication_status error). */
    boolean anyInError() {
        return replication.listPods().stream()
                .filter(p -> p.name().startsWith("consisgroup-") && p.arrayCount() > 1)
                .anyMatch(p -> p.arrays().stream().anyMatch(m -> !PodArrayStatus.ONLINE.equals(m.status())));
    }

    private static Optional<PodArrayStatus> member(PodRecord pod, String array) {
        return pod.arrays().stream().filter(m -> m.arrayName().equals(array)).findFirst();
    }

    private String backend() {
        return options.backendName();
    }

    private static EngineException refused(String message) {
        return EngineException.failedPrecondition("FAILOVER_REFUSED", message);
    }
}
