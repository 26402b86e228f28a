package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication network between the simulated arrays of one host: ActiveCluster pods (sync),
 * the mediator, link and array faults, resync, and (through {@link ProtectionGroups}) async
 * protection groups. One lock serializes every pod write and every control, so a link cut falls
 * between two writes, never inside one.
 *
 * <p>It coordinates; the work is done by {@link PodMembership} (who serves which pod: the state
 * machine), {@link PodMirroring} (pod data movement), {@link Replicator} (diff and chunk transfer
 * for pods and protection groups), {@link FabricStateFile} (persistence) and {@link FabricViews}
 * (what the SPI and the operator see). It reaches arrays only as {@link ReplicaStore}s.
 */
final class ReplicationFabric implements ReplicationControls, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationFabric.class);

    private final Map<String, ReplicaStore> arrays;
    private final FabricStateFile stateFile;
    private final ReentrantLock lock = new ReentrantLock();
    private final Replicator replicator = new Replicator();
    private final PodMembership membership;
    private final ProtectionGroups groups;
    private final PodMirroring mirroring;
    private final FabricViews views;

    ReplicationFabric(Map<String, ReplicaStore> arrays, Path stateFile, Clock clock, int resyncBlocksPerTick) {
        this.arrays = Map.copyOf(arrays);
        this.stateFile = new FabricStateFile(stateFile);
        this.membership = new PodMembership(this.stateFile.load(), clock, List.copyOf(this.arrays.keySet()));
        for (String stopped : membership.state().stoppedArrays) {
            ReplicaStore a = arrays.get(stopped);
            if (a != null) {
                a.setStopped(true);
            }
        }
        this.groups = new ProtectionGroups(this, clock);
        this.mirroring = new PodMirroring(membership, this::array, replicator, groups, this::persist,
                resyncBlocksPerTick);
        this.views = new FabricViews(membership, this::array, this.arrays.keySet());
        mirroring.reconcileAfterRestart();
    }

    Replicator replicator() {
        return replicator;
    }

    ProtectionGroups groups() {
        return groups;
    }

    <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    ReplicaStore array(String name) {
        ReplicaStore a = arrays.get(name);
        if (a == null) {
            throw EngineException.notFound("ARRAY_NOT_FOUND", "Array " + name + " is not connected: this service"
                    + " hosts " + new TreeSet<>(arrays.keySet()) + ".");
        }
        return a;
    }

    Map<String, ReplicaStore> arrays() {
        return arrays;
    }

    boolean running(String array) {
        return membership.running(array);
    }

    /** Both arrays run and the link between them is up. */
    boolean contact(String a, String b) {
        return membership.contact(a, b);
    }

    /** The pod's serving members, for protection groups in pods. */
    List<String> servingMembers(String podName) {
        return membership.servingMembers(podName);
    }

    List<String> podMembers(String podName) {
        return membership.podMembers(podName);
    }

    /** Writes the state durably before a control or status change is acknowledged. */
    void persist() {
        stateFile.save(membership.state());
    }

    // --- pods: SPI -----------------------------------------------------------------------------

    PodRecord createPod(ReplicaStore on, String name) {
        if (!Names.isPodName(name)) {
            throw EngineException.invalidArgument("INVALID_POD_NAME", "Pod name '" + name
                    + "' is invalid: use 1-63 letters, digits, '_' or '-'.");
        }
        return locked(() -> {
            FabricState.Pod pod = membership.create(on.name(), name);
            persist();
            LOG.info("{}: created pod {}", on.name(), name);
            return views.view(on.name(), pod);
        });
    }

    Optional<PodRecord> findPod(ReplicaStore on, String name) {
        return locked(() -> {
            FabricState.Pod pod = membership.pod(name);
            return pod == null || !pod.members.contains(on.name()) ? Optional.empty()
                    : Optional.of(views.view(on.name(), pod));
        });
    }

    List<PodRecord> listPods(ReplicaStore on) {
        return locked(() -> membership.state().pods.values().stream().filter(p -> p.members.contains(on.name()))
                .map(p -> views.view(on.name(), p)).toList());
    }

    PodRecord stretchPod(ReplicaStore on, String podName, String target) {
        return locked(() -> {
            membership.localPod(on.name(), podName);
            ReplicaStore peer = array(target);
            FabricState.Pod pod = membership.checkStretch(on.name(), podName, target);
            if (!peer.objectNames(podName + Names.POD_SEPARATOR).isEmpty()) {
                throw EngineException.alreadyExists("POD_EXISTS", "Array " + target + " already holds objects of pod "
                        + podName + "; remove them first.");
            }
            // Baseline: the whole pod, before the new member serves anything.
            replicator.mirrorPod(on, peer, podName, null);
            groups.copyPodGroups(on, peer, podName);
            membership.join(pod, target);
            persist();
            LOG.info("{}: stretched pod {} to {}", on.name(), podName, target);
            return views.view(on.name(), pod);
        });
    }

    PodRecord unstretchPod(ReplicaStore on, String podName, String leaving) {
        return locked(() -> {
            FabricState.Pod pod = membership.localPod(on.name(), podName);
            String staying = membership.checkUnstretch(pod, leaving);
            ReplicaStore gone = array(leaving);
            // The sim drops the leaving array's copy (Pure keeps it as a destroyed '<pod>restretch' pod).
            if (running(leaving)) {
                gone.removeObjects(gone.objectNames(podName + Names.POD_SEPARATOR),
                        groups.dropPodGroupsMeta(gone, podName));
            }
            array(staying).clearDirty(podName, array(staying).dirtyBlocks(podName));
            membership.leave(pod, leaving);
            persist();
            return views.view(on.name().equals(leaving) ? staying : on.name(), pod);
        });
    }

    PodRecord setFailoverPreferences(ReplicaStore on, String podName, List<String> prefs) {
        return locked(() -> {
            FabricState.Pod pod = membership.localPod(on.name(), podName);
            membership.setFailoverPreferences(pod, prefs);
            persist();
            return views.view(on.name(), pod);
        });
    }

    void destroyPod(ReplicaStore on, String podName) {
        locked(() -> {
            FabricState.Pod pod = membership.localPod(on.name(), podName);
            membership.checkNotStretched(pod);
            List<String> live = on.objectNames(podName + Names.POD_SEPARATOR);
            if (!live.isEmpty() || groups.hasPodGroups(on, podName)) {
                throw EngineException.failedPrecondition("POD_NOT_EMPTY", "Pod " + podName + " still holds " + live.size()
                        + " volumes/snapshots or protection groups; remove them first.");
            }
            membership.destroy(pod);
            persist();
            return null;
        });
    }

    VolumeRecord moveVolume(ReplicaStore on, String volumeName, String podName) {
        return locked(() -> {
            String fromPod = Names.podOfObject(volumeName);
            String base = ArrayNames.withoutPod(volumeName);
            String newName = ArrayNames.inPod(podName, base);
            if (newName.equals(volumeName)) {
                return on.findVolume(volumeName).orElseThrow(() -> EngineException.notFound("VOLUME_NOT_FOUND",
                        "Volume " + volumeName + " does not exist."));
            }
            FabricState.Pod from = fromPod.isEmpty() ? null : membership.localPod(on.name(), fromPod);
            FabricState.Pod to = newName.equals(base) ? null : membership.localPod(on.name(), podName);
            if (from != null) {
                membership.requireServing(on.name(), from);
            }
            if (to != null) {
                membership.requireServing(on.name(), to);
            }
            List<String> before = objectsOf(on, volumeName);
            VolumeRecord moved = on.renameVolume(volumeName, newName);
            List<String> after = objectsOf(on, newName);
            if (from != null) {
                mirroring.propagate(on, from, before);
            }
            if (to != null) {
                mirroring.propagate(on, to, after);
            }
            LOG.info("{}: moved volume {} to {}", on.name(), volumeName, newName);
            return moved;
        });
    }

    private static List<String> objectsOf(ReplicaStore on, String volumeName) {
        List<String> out = new ArrayList<>();
        out.add(volumeName);
        on.listSnapshots(volumeName).forEach(s -> out.add(s.name()));
        return out;
    }

    List<ArrayConnectionRecord> arrayConnections(ReplicaStore on) {
        return locked(() -> views.connections(on.name()));
    }

    // --- pods: data path -----------------------------------------------------------------------

    /** Refuses I/O to a pod object on an array that does not serve the pod. */
    void checkPodIo(ReplicaStore on, String objectName) {
        String podName = Names.podOfObject(objectName);
        if (podName.isEmpty()) {
            return;
        }
        locked(() -> {
            FabricState.Pod pod = membership.pod(podName);
            if (pod != null && pod.members.contains(on.name())) {
                membership.requireServing(on.name(), pod);
            }
            return null;
        });
    }

    /** Writes to a pod volume on this array and its online peers; true when a peer took it too. */
    boolean podWrite(ReplicaStore on, String podName, String volumeName, long offset, byte[] data) {
        java.util.Objects.requireNonNull(data, "data");
        // Hashing and compression happen once, before the lock, for both arrays.
        Map<Long, BlockStore.Prepared> prepared = WriteBlocks.prepare(offset, data);
        return locked(() -> mirroring.write(on, podName, volumeName, offset, data, prepared));
    }

    /** A metadata change to pod objects, applied here and mirrored (see {@link PodMirroring#mutate}). */
    <T> T podMutation(ReplicaStore on, String podName, Supplier<List<String>> affected, Supplier<T> body) {
        return locked(() -> mirroring.mutate(on, podName, affected, body));
    }

    // --- controls ------------------------------------------------------------------------------

    @Override
    public void cutLink(String a, String b) {
        array(a);
        array(b);
        locked(() -> {
            membership.cutLink(a, b);
            persist();
            LOG.info("fabric: replication link {} <-> {} cut", a, b);
            return null;
        });
    }

    @Override
    public void restoreLink(String a, String b) {
        array(a);
        array(b);
        locked(() -> {
            membership.restoreLink(a, b);
            persist();
            LOG.info("fabric: replication link {} <-> {} restored", a, b);
            return null;
        });
    }

    @Override
    public void stopArray(String name) {
        ReplicaStore stopping = array(name);
        locked(() -> {
            if (membership.stopArray(name)) {
                stopping.setStopped(true);
                persist();
            }
            return null;
        });
    }

    @Override
    public void startArray(String name) {
        ReplicaStore starting = array(name);
        locked(() -> {
            if (!membership.running(name)) {
                starting.setStopped(false);
                membership.startArray(name);
                persist();
            }
            return null;
        });
    }

    @Override
    public void setMediatorReachable(boolean reachable) {
        locked(() -> {
            membership.setMediatorReachable(reachable);
            persist();
            LOG.info("fabric: mediator {}", reachable ? "reachable" : "unreachable");
            return null;
        });
    }

    @Override
    public void tick() {
        locked(() -> {
            boolean changed = membership.heartbeat();
            changed |= mirroring.resyncStep();
            if (changed) {
                persist();
            }
            return null;
        });
        groups.tick();
    }

    // --- status ----------------------------------------------------------------------------------

    @Override
    public NetworkStatus networkStatus() {
        return locked(views::network);
    }

    @Override
    public PodStatus podStatus(String podName) {
        return locked(() -> {
            FabricState.Pod pod = membership.pod(podName);
            if (pod == null) {
                throw EngineException.notFound("POD_NOT_FOUND", "Pod " + podName + " does not exist.");
            }
            return views.status(pod);
        });
    }

    @Override
    public List<PodStatus> podStatuses() {
        return locked(() -> membership.state().pods.values().stream().map(views::status).toList());
    }

    @Override
    public PgStatus pgStatus(String sourceArray, String groupName) {
        return groups.status(array(sourceArray), groupName);
    }

    @Override
    public List<PgStatus> pgStatuses() {
        return groups.statuses();
    }

    @Override
    public void close() {
        mirroring.close();
    }
}
