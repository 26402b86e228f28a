package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data movement for pods: a pod write on every serving member, the mirroring of metadata changes,
 * dirty-block markers for stale members, resync steps and the reconcile after a restart. The
 * caller (the fabric) holds its lock and persists the state when a call says it changed it.
 */
final class PodMirroring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodMirroring.class);

    private final PodMembership membership;
    private final Function<String, ReplicaStore> arrays;
    private final Replicator replicator;
    private final ProtectionGroups groups;
    private final Runnable persist;
    private final int resyncBlocksPerTick;
    private final ExecutorService peerWriter;

    PodMirroring(PodMembership membership, Function<String, ReplicaStore> arrays, Replicator replicator,
            ProtectionGroups groups, Runnable persist, int resyncBlocksPerTick) {
        this.membership = membership;
        this.arrays = arrays;
        this.replicator = replicator;
        this.groups = groups;
        this.persist = persist;
        this.resyncBlocksPerTick = resyncBlocksPerTick;
        this.peerWriter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-pod-peer-write");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A write to a pod volume: applied on this array and on every in-sync peer (in parallel, each a
     * synced batch) before it returns; true when a peer took it too. With a stale peer the written
     * blocks are recorded as dirty in the same batch as the data.
     */
    boolean write(ReplicaStore on, String podName, String volumeName, long offset, byte[] data,
            Map<Long, BlockStore.Prepared> prepared) {
        Objects.requireNonNull(data, "data");
        FabricState.Pod pod = membership.pod(podName);
        if (pod == null || !pod.members.contains(on.name())) {
            on.write(volumeName, offset, data, prepared, null);
            return false;
        }
        membership.requireServing(on.name(), pod);
        List<ReplicaStore> peers = new ArrayList<>();
        boolean stalePeer = false;
        for (String m : pod.members) {
            if (!m.equals(on.name())) {
                if (PodMembership.serving(pod.status.get(m))) {
                    peers.add(arrays.apply(m));
                } else {
                    stalePeer = true;
                }
            }
        }
        String dirty = stalePeer ? podName : null;
        List<CompletableFuture<Void>> remote = new ArrayList<>();
        for (ReplicaStore peer : peers) {
            remote.add(CompletableFuture.runAsync(() -> peer.write(volumeName, offset, data, prepared, null),
                    peerWriter));
        }
        RuntimeException local = null;
        try {
            on.write(volumeName, offset, data, prepared, dirty);
        } catch (RuntimeException e) {
            local = e;
        }
        for (int i = 0; i < peers.size(); i++) {
            RuntimeException failed = await(remote.get(i));
            ReplicaStore peer = peers.get(i);
            if (failed != null && local == null) {
                LOG.warn("{}: pod {} peer {} failed a mirrored write ({}); it goes offline and will resync",
                        on.name(), podName, peer.name(), failed.toString());
                membership.peerWriteFailed(pod, peer.name());
                on.markDirty(podName, volumeName, -1);
                persist.run();
            } else if (failed == null && local != null) {
                membership.localWriteFailed(pod, on.name());
                peer.markDirty(podName, volumeName, -1);
                persist.run();
            }
        }
        if (local != null) {
            throw local;
        }
        return !peers.isEmpty();
    }

    private static RuntimeException await(CompletableFuture<Void> f) {
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new IllegalStateException(e);
        }
    }

    /**
     * A metadata change to pod objects (create, resize, snapshot, destroy, ...): applied here, then
     * the affected objects are mirrored to in-sync peers or marked dirty for stale ones.
     */
    <T> T mutate(ReplicaStore on, String podName, Supplier<List<String>> affected, Supplier<T> body) {
        FabricState.Pod pod = membership.pod(podName);
        if (pod == null || !pod.members.contains(on.name())) {
            throw EngineException.notFound("POD_NOT_FOUND", "Pod " + podName + " does not exist on array "
                    + on.name() + "; create it first.");
        }
        membership.requireServing(on.name(), pod);
        Set<String> names = new LinkedHashSet<>(affected.get());
        T result = body.get();
        names.addAll(affected.get());
        propagate(on, pod, List.copyOf(names));
        return result;
    }

    /** Mirrors the named objects to the pod's serving peers; marks them dirty for stale ones. */
    void propagate(ReplicaStore on, FabricState.Pod pod, List<String> names) {
        for (String m : pod.members) {
            if (m.equals(on.name())) {
                continue;
            }
            if (PodMembership.serving(pod.status.get(m))) {
                ReplicaStore peer = arrays.apply(m);
                for (String n : names) {
                    replicator.mirrorObject(on, peer, n, null);
                }
            } else {
                for (String n : names) {
                    on.markDirty(pod.name, n, -1);
                }
            }
        }
    }

    /**
     * A crash between the two arrays' commits of one pod write can leave them different (that write
     * was never acknowledged). For pods in sync on both arrays, copy whatever differs from the first
     * serving member so both hold the same, crash-consistent image.
     */
    void reconcileAfterRestart() {
        for (FabricState.Pod pod : membership.state().pods.values()) {
            if (pod.members.size() == 2 && pod.members.stream().allMatch(m -> PodMembership.serving(pod.status.get(m)))
                    && membership.contact(pod.members.get(0), pod.members.get(1))) {
                replicator.mirrorPod(arrays.apply(pod.members.get(0)), arrays.apply(pod.members.get(1)), pod.name,
                        null);
            }
        }
    }

    /** Copies up to resyncBlocksPerTick dirty blocks to each resyncing array; done arrays go online. */
    boolean resyncStep() {
        boolean changed = false;
        for (FabricState.Pod pod : membership.state().pods.values()) {
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (!PodMembership.RESYNCING.equals(s.status)) {
                    continue;
                }
                String source = membership.server(pod);
                if (source == null || !membership.contact(source, m)) {
                    continue;
                }
                resyncOne(pod, s, arrays.apply(source), arrays.apply(m));
                changed = true;
            }
        }
        return changed;
    }

    private void resyncOne(FabricState.Pod pod, FabricState.Member s, ReplicaStore from, ReplicaStore to) {
        Map<String, Set<Long>> dirty = from.dirtyBlocks(pod.name);
        // Objects that exist only on the stale side (created before it froze, deleted since) go too.
        for (String n : to.objectNames(pod.name + Names.POD_SEPARATOR)) {
            if (from.exportObject(n, Set.of()) == null) {
                dirty.computeIfAbsent(n, k -> new TreeSet<>()).add(-1L);
            }
        }
        long remaining = dirty.values().stream().mapToLong(Set::size).sum();
        Map<String, Set<Long>> batch = new TreeMap<>();
        long budget = resyncBlocksPerTick;
        for (Map.Entry<String, Set<Long>> e : dirty.entrySet()) {
            if (budget <= 0) {
                break;
            }
            Set<Long> part = new TreeSet<>();
            for (long b : e.getValue()) {
                if (budget-- <= 0) {
                    break;
                }
                part.add(b);
            }
            batch.put(e.getKey(), part);
        }
        Replicator.Traffic t = replicator.mirrorPod(from, to, pod.name, batch);
        from.clearDirty(pod.name, batch);
        long done = batch.values().stream().mapToLong(Set::size).sum();
        membership.resyncProgress(s, done, remaining);
        if (remaining - done <= 0) {
            groups.copyPodGroups(from, to, pod.name);
            membership.resynced(s);
            LOG.info("fabric: pod {} array {} resynced from {} and online", pod.name, to.name(), from.name());
        }
        LOG.debug("fabric: pod {} resync {} -> {}: {} blocks, {} wire bytes", pod.name, from.name(), to.name(),
                t.blocks, t.wire);
    }

    @Override
    public void close() {
        peerWriter.shutdownNow();
    }
}
