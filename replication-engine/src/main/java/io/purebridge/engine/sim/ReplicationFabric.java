package io.purebridge.engine.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication network between the simulated arrays of one host: ActiveCluster pods (sync),
 * the mediator, link and array faults, resync, and (through {@link ProtectionGroups}) async
 * protection groups. One lock serializes every pod write and every control, so a link cut falls
 * between two writes, never inside one; see package docs for the design.
 */
final class ReplicationFabric implements ReplicationControls, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationFabric.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String ONLINE = PodArrayStatus.ONLINE;
    static final String OFFLINE = PodArrayStatus.OFFLINE;
    static final String RESYNCING = PodArrayStatus.RESYNCING;
    /** Wire cost of naming one changed block: its index and chunk hash. */
    static final int BLOCK_REFERENCE_BYTES = 8 + BlockStore.HASH_BYTES;

    private final Map<String, ReplicaStore> arrays;
    private final Path stateFile;
    private final Clock clock;
    private final int resyncBlocksPerTick;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExecutorService peerWriter;
    private final ProtectionGroups groups;
    private FabricState state;

    ReplicationFabric(Map<String, ReplicaStore> arrays, Path stateFile, Clock clock, int resyncBlocksPerTick) {
        this.arrays = Map.copyOf(arrays);
        this.stateFile = stateFile;
        this.clock = clock;
        this.resyncBlocksPerTick = resyncBlocksPerTick;
        this.peerWriter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-pod-peer-write");
            t.setDaemon(true);
            return t;
        });
        this.state = load(stateFile);
        state.pods.values().forEach(p -> p.members.removeIf(m -> !arrays.containsKey(m)));
        for (String stopped : state.stoppedArrays) {
            ReplicaStore a = arrays.get(stopped);
            if (a != null) {
                a.setStopped(true);
            }
        }
        this.groups = new ProtectionGroups(this, clock);
        reconcileAfterRestart();
    }

    ProtectionGroups groups() {
        return groups;
    }

    Clock clock() {
        return clock;
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
                    + " hosts " + new java.util.TreeSet<>(arrays.keySet()) + ".");
        }
        return a;
    }

    Map<String, ReplicaStore> arrays() {
        return arrays;
    }

    boolean running(String array) {
        return !state.stoppedArrays.contains(array);
    }

    /** Both arrays run and the link between them is up. */
    boolean contact(String a, String b) {
        return running(a) && running(b) && !state.cutLinks.contains(FabricState.link(a, b));
    }

    // --- persistence ---------------------------------------------------------------------------

    private static FabricState load(Path file) {
        if (!Files.exists(file)) {
            return new FabricState();
        }
        try {
            return JSON.readValue(file.toFile(), FabricState.class);
        } catch (IOException e) {
            throw EngineException.internal("FABRIC_STATE_CORRUPT", "cannot read replication state " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes the state to a temp file, fsyncs it and renames it over the old one. */
    void persist() {
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try {
            Files.createDirectories(stateFile.getParent());
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.internal("FABRIC_STATE_WRITE_FAILED", "cannot write replication state " + stateFile
                    + ": " + e.getMessage() + "; check the data directory", e);
        }
    }

    /**
     * A crash between the two arrays' commits of one pod write can leave them different (that write
     * was never acknowledged). For pods in sync on both arrays, copy whatever differs from the first
     * serving member so both hold the same, crash-consistent image.
     */
    private void reconcileAfterRestart() {
        for (FabricState.Pod pod : state.pods.values()) {
            if (pod.members.size() == 2 && pod.members.stream().allMatch(m -> ONLINE.equals(pod.status.get(m).status))
                    && contact(pod.members.get(0), pod.members.get(1))) {
                mirrorPod(array(pod.members.get(0)), array(pod.members.get(1)), pod.name, null);
            }
        }
    }

    // --- pods: SPI -----------------------------------------------------------------------------

    PodRecord createPod(ReplicaStore on, String name) {
        if (!Names.isPodName(name)) {
            throw EngineException.invalidArgument("INVALID_POD_NAME", "Pod name '" + name
                    + "' is invalid: use 1-63 letters, digits, '_' or '-'.");
        }
        return locked(() -> {
            FabricState.Pod existing = state.pods.get(name);
            if (existing != null) {
                throw EngineException.alreadyExists("POD_EXISTS", "Pod " + name + " already exists (on "
                        + existing.members + ").");
            }
            FabricState.Pod pod = new FabricState.Pod();
            pod.name = name;
            pod.id = UUID.randomUUID().toString();
            pod.createdEpochMillis = clock.millis();
            pod.members.add(on.name());
            pod.status.put(on.name(), new FabricState.Member());
            state.pods.put(name, pod);
            persist();
            LOG.info("{}: created pod {}", on.name(), name);
            return view(on.name(), pod);
        });
    }

    Optional<PodRecord> findPod(ReplicaStore on, String name) {
        return locked(() -> {
            FabricState.Pod pod = state.pods.get(name);
            return pod == null || !pod.members.contains(on.name()) ? Optional.empty()
                    : Optional.of(view(on.name(), pod));
        });
    }

    List<PodRecord> listPods(ReplicaStore on) {
        return locked(() -> state.pods.values().stream().filter(p -> p.members.contains(on.name()))
                .map(p -> view(on.name(), p)).toList());
    }

    private FabricState.Pod localPod(ReplicaStore on, String name) {
        FabricState.Pod pod = state.pods.get(name);
        if (pod == null || !pod.members.contains(on.name())) {
            throw EngineException.notFound("POD_NOT_FOUND", "Pod " + name + " does not exist on array " + on.name()
                    + "; create it (or stretch it to this array) first.");
        }
        return pod;
    }

    PodRecord stretchPod(ReplicaStore on, String podName, String target) {
        return locked(() -> {
            FabricState.Pod pod = localPod(on, podName);
            ReplicaStore peer = array(target);
            if (pod.members.contains(target)) {
                throw EngineException.alreadyExists("POD_ALREADY_STRETCHED", "Pod " + podName
                        + " already includes array " + target + ".");
            }
            if (pod.members.size() >= 2) {
                throw EngineException.failedPrecondition("POD_ARRAY_LIMIT", "Pod " + podName
                        + " is already stretched over " + pod.members + "; ActiveCluster pods span at most two"
                        + " arrays (limit reached).");
            }
            requireServing(on, pod);
            if (!contact(on.name(), target)) {
                throw EngineException.unavailable("ARRAY_UNREACHABLE", "Array " + target + " cannot be reached from "
                        + on.name() + " (link cut or array stopped); restore it and retry the stretch.");
            }
            if (!peer.objectNames(podName + Names.POD_SEPARATOR).isEmpty()) {
                throw EngineException.alreadyExists("POD_EXISTS", "Array " + target + " already holds objects of pod "
                        + podName + "; remove them first.");
            }
            // Baseline: the whole pod, before the new member serves anything.
            mirrorPod(on, peer, podName, null);
            groups.copyPodGroups(on, peer, podName);
            pod.members.add(target);
            pod.status.put(target, new FabricState.Member());
            persist();
            LOG.info("{}: stretched pod {} to {}", on.name(), podName, target);
            return view(on.name(), pod);
        });
    }

    PodRecord unstretchPod(ReplicaStore on, String podName, String leaving) {
        return locked(() -> {
            FabricState.Pod pod = localPod(on, podName);
            if (!pod.members.contains(leaving)) {
                throw EngineException.notFound("POD_MEMBER_NOT_FOUND", "Array " + leaving + " is not a member of pod "
                        + podName + ".");
            }
            if (pod.members.size() < 2) {
                throw EngineException.failedPrecondition("POD_NOT_STRETCHED", "Pod " + podName
                        + " is not stretched; destroy it instead.");
            }
            String staying = pod.members.stream().filter(m -> !m.equals(leaving)).findFirst().orElseThrow();
            if (!ONLINE.equals(pod.status.get(staying).status) || !pod.status.get(staying).inSync) {
                throw EngineException.failedPrecondition("POD_NOT_IN_SYNC", "Cannot unstretch " + leaving + " from pod "
                        + podName + ": " + staying + " does not hold the latest data; wait for resync.");
            }
            ReplicaStore gone = array(leaving);
            // The sim drops the leaving array's copy (Pure keeps it as a destroyed '<pod>restretch' pod).
            if (running(leaving)) {
                gone.removeObjects(gone.objectNames(podName + Names.POD_SEPARATOR), groups.dropPodGroupsMeta(gone, podName));
            }
            array(staying).clearDirty(podName, array(staying).dirtyBlocks(podName));
            pod.members.remove(leaving);
            pod.status.remove(leaving);
            pod.failoverPreferences.remove(leaving);
            pod.preElected = null;
            persist();
            return view(on.name().equals(leaving) ? staying : on.name(), pod);
        });
    }

    PodRecord setFailoverPreferences(ReplicaStore on, String podName, List<String> prefs) {
        return locked(() -> {
            FabricState.Pod pod = localPod(on, podName);
            for (String p : prefs) {
                if (!pod.members.contains(p)) {
                    throw EngineException.invalidArgument("INVALID_FAILOVER_PREFERENCE", "failover_preferences of pod "
                            + podName + " names " + p + ", which is not a member " + pod.members + ".");
                }
            }
            pod.failoverPreferences = new ArrayList<>(prefs);
            persist();
            return view(on.name(), pod);
        });
    }

    void destroyPod(ReplicaStore on, String podName) {
        locked(() -> {
            FabricState.Pod pod = localPod(on, podName);
            if (pod.members.size() > 1) {
                throw EngineException.failedPrecondition("POD_STRETCHED", "Pod " + podName + " is stretched over "
                        + pod.members + "; unstretch it first.");
            }
            List<String> live = on.objectNames(podName + Names.POD_SEPARATOR);
            if (!live.isEmpty() || groups.hasPodGroups(on, podName)) {
                throw EngineException.failedPrecondition("POD_NOT_EMPTY", "Pod " + podName + " still holds " + live.size()
                        + " volumes/snapshots or protection groups; remove them first.");
            }
            state.pods.remove(podName);
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
            FabricState.Pod from = fromPod.isEmpty() ? null : localPod(on, fromPod);
            FabricState.Pod to = newName.equals(base) ? null : localPod(on, podName);
            if (from != null) {
                requireServing(on, from);
            }
            if (to != null) {
                requireServing(on, to);
            }
            List<String> before = objectsOf(on, volumeName);
            VolumeRecord moved = on.renameVolume(volumeName, newName);
            List<String> after = objectsOf(on, newName);
            if (from != null) {
                propagate(on, from, before);
            }
            if (to != null) {
                propagate(on, to, after);
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
        return locked(() -> arrays.keySet().stream().filter(n -> !n.equals(on.name())).sorted()
                .map(n -> new ArrayConnectionRecord(n, contact(on.name(), n) ? "connected" : "unreachable",
                        List.of("sync-replication", "async-replication")))
                .toList());
    }

    /** One array's view of a pod: a peer is "unknown" to an array that is itself offline. */
    private PodRecord view(String viewer, FabricState.Pod pod) {
        FabricState.Member mine = pod.status.get(viewer);
        boolean viewerOffline = mine == null || OFFLINE.equals(mine.status);
        List<PodArrayStatus> list = new ArrayList<>();
        for (String m : pod.members) {
            FabricState.Member s = pod.status.get(m);
            String status = s.status;
            if (viewerOffline && !m.equals(viewer) && !contact(viewer, m)) {
                status = PodArrayStatus.UNKNOWN;
            }
            list.add(new PodArrayStatus(m, arrays.get(m).id(), status, progress(s), s.frozenAtEpochMillis,
                    state.mediatorReachable && running(m) ? "online" : "unreachable", m.equals(pod.preElected)));
        }
        return new PodRecord(pod.name, pod.id, list, pod.failoverPreferences, "promoted", pod.createdEpochMillis);
    }

    private static double progress(FabricState.Member s) {
        if (ONLINE.equals(s.status)) {
            return 1.0;
        }
        if (!RESYNCING.equals(s.status) || s.resyncTotal == 0) {
            return 0.0;
        }
        return Math.min(1.0, (double) s.resyncDone / s.resyncTotal);
    }

    // --- pods: data path -----------------------------------------------------------------------

    private void requireServing(ReplicaStore on, FabricState.Pod pod) {
        FabricState.Member m = pod.status.get(on.name());
        if (!ONLINE.equals(m.status)) {
            throw EngineException.unavailable(RESYNCING.equals(m.status) ? "POD_RESYNCING" : "POD_OFFLINE", "Array "
                    + on.name() + " does not serve pod " + pod.name + " now (" + m.status + "); use the pod's other array"
                    + " or wait for the replication link to return and the resync to finish.");
        }
    }

    /** Refuses I/O to a pod object on an array that does not serve the pod. */
    void checkPodIo(ReplicaStore on, String objectName) {
        String podName = Names.podOfObject(objectName);
        if (podName.isEmpty()) {
            return;
        }
        locked(() -> {
            FabricState.Pod pod = state.pods.get(podName);
            if (pod != null && pod.members.contains(on.name())) {
                requireServing(on, pod);
            }
            return null;
        });
    }

    /**
     * A write to a pod volume: applied on this array and on every in-sync peer (in parallel, each a
     * synced RocksDB batch) before it returns. With a stale peer the written blocks are recorded as
     * dirty in the same batch as the data.
     */
    /** Writes to a pod volume on this array and its online peers; true when a peer took it too. */
    boolean podWrite(ReplicaStore on, String podName, String volumeName, long offset, byte[] data) {
        java.util.Objects.requireNonNull(data, "data");
        Map<Long, BlockStore.Prepared> prepared = DataPath.prepareBlocks(offset, data);
        lock.lock();
        try {
            FabricState.Pod pod = state.pods.get(podName);
            if (pod == null || !pod.members.contains(on.name())) {
                on.write(volumeName, offset, data, prepared, null);
                return false;
            }
            requireServing(on, pod);
            List<ReplicaStore> peers = new ArrayList<>();
            boolean stalePeer = false;
            for (String m : pod.members) {
                if (!m.equals(on.name())) {
                    if (ONLINE.equals(pod.status.get(m).status)) {
                        peers.add(array(m));
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
                    // The peer could not take an acknowledged-to-be write: it loses its place in the pod.
                    LOG.warn("{}: pod {} peer {} failed a mirrored write ({}); it goes offline and will resync",
                            on.name(), podName, peer.name(), failed.toString());
                    FabricState.Member pm = pod.status.get(peer.name());
                    pm.status = OFFLINE;
                    pm.inSync = false;
                    pm.frozenAtEpochMillis = clock.millis();
                    on.markDirty(podName, volumeName, -1);
                    persist();
                } else if (failed == null && local != null) {
                    // Applied on the peer only (never acknowledged): this array must take the peer's copy.
                    FabricState.Member mine = pod.status.get(on.name());
                    mine.status = RESYNCING;
                    mine.inSync = false;
                    peer.markDirty(podName, volumeName, -1);
                    persist();
                }
            }
            if (local != null) {
                throw local;
            }
            return !peers.isEmpty();
        } finally {
            lock.unlock();
        }
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
    <T> T podMutation(ReplicaStore on, String podName, Supplier<List<String>> affected, Supplier<T> body) {
        lock.lock();
        try {
            FabricState.Pod pod = state.pods.get(podName);
            if (pod == null || !pod.members.contains(on.name())) {
                throw EngineException.notFound("POD_NOT_FOUND", "Pod " + podName + " does not exist on array "
                        + on.name() + "; create it first.");
            }
            requireServing(on, pod);
            Set<String> names = new LinkedHashSet<>(affected.get());
            T result = body.get();
            names.addAll(affected.get());
            propagate(on, pod, List.copyOf(names));
            return result;
        } finally {
            lock.unlock();
        }
    }

    private void propagate(ReplicaStore on, FabricState.Pod pod, List<String> names) {
        for (String m : pod.members) {
            if (m.equals(on.name())) {
                continue;
            }
            if (ONLINE.equals(pod.status.get(m).status)) {
                ReplicaStore peer = array(m);
                for (String n : names) {
                    mirrorObject(on, peer, n, null);
                }
            } else {
                for (String n : names) {
                    on.markDirty(pod.name, n, -1);
                }
            }
        }
    }

    // --- mirroring -----------------------------------------------------------------------------

    /** Bytes moved by a mirror or transfer: logical (blocks that differed) and wire (chunks sent). */
    static final class Traffic {
        long logical;
        long wire;
        long blocks;
    }

    /**
     * Makes {@code to}'s copy of one object equal to {@code from}'s: only the given blocks (null: all,
     * by comparing block maps) and only chunks {@code to} lacks cross the link.
     */
    Traffic mirrorObject(ReplicaStore from, ReplicaStore to, String name, Set<Long> onlyBlocks) {
        Traffic t = new Traffic();
        ObjectImage src = from.exportObject(name, onlyBlocks);
        if (src == null) {
            if (to.exportObject(name, Set.of()) != null) {
                to.removeObjects(List.of(name), null);
            }
            return t;
        }
        ObjectImage dst = to.exportObject(name, onlyBlocks);
        if (dst == null && onlyBlocks != null) {
            src = from.exportObject(name, null);
        }
        boolean partial = onlyBlocks != null && dst != null;
        ObjectImage send = src;
        if (dst != null) {
            NavigableDiff diff = diff(src.entries(), dst.entries(), partial);
            send = new ObjectImage(src.volume(), src.snapshot(), partial ? diff.changes : src.entries());
            t.blocks = diff.changes.size();
        } else {
            t.blocks = src.entries().size();
        }
        Map<ByteBuffer, byte[]> chunks = chunksFor(from, to, partial ? send.entries().values()
                : changedHashes(src, dst), t);
        t.logical = t.blocks * BlockStore.BLOCK_SIZE;
        t.wire += t.blocks * BLOCK_REFERENCE_BYTES;
        to.importObjects(List.of(send), partial, chunks, null);
        return t;
    }

    private static List<byte[]> changedHashes(ObjectImage src, ObjectImage dst) {
        List<byte[]> out = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : src.entries().entrySet()) {
            byte[] have = dst == null ? null : dst.entries().get(e.getKey());
            if (!java.util.Arrays.equals(have, e.getValue())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    record NavigableDiff(java.util.NavigableMap<Long, byte[]> changes) {
    }

    private static NavigableDiff diff(Map<Long, byte[]> src, Map<Long, byte[]> dst, boolean keepNullsFromSrc) {
        java.util.NavigableMap<Long, byte[]> changes = new TreeMap<>();
        for (Map.Entry<Long, byte[]> e : src.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), dst.get(e.getKey()))) {
                changes.put(e.getKey(), e.getValue());
            }
        }
        for (Long b : dst.keySet()) {
            if (!src.containsKey(b) || (keepNullsFromSrc && src.get(b) == null && dst.get(b) != null)) {
                changes.put(b, null);
            }
        }
        return new NavigableDiff(changes);
    }

    /** Bodies of the hashes {@code to} does not hold yet (each sent once), counted as wire bytes. */
    static Map<ByteBuffer, byte[]> chunksFor(ReplicaStore from, ReplicaStore to,
            java.util.Collection<byte[]> hashes, Traffic t) {
        Map<ByteBuffer, byte[]> out = new HashMap<>();
        for (byte[] h : hashes) {
            if (h == null) {
                continue;
            }
            ByteBuffer id = ByteBuffer.wrap(h);
            if (out.containsKey(id) || to.hasChunk(h)) {
                continue;
            }
            byte[] body = from.chunkBody(h);
            if (body == null) {
                throw EngineException.internal("CHUNK_MISSING", from.name() + ": a chunk to replicate is not stored",
                        null);
            }
            out.put(id, body);
            t.wire += body.length;
        }
        return out;
    }

    /** Mirrors a whole pod, or only the dirty blocks given; objects only on {@code to} go. */
    Traffic mirrorPod(ReplicaStore from, ReplicaStore to, String podName,
            Map<String, Set<Long>> dirty) {
        Traffic total = new Traffic();
        String prefix = podName + Names.POD_SEPARATOR;
        Set<String> names = new LinkedHashSet<>();
        if (dirty == null) {
            names.addAll(from.objectNames(prefix));
            names.addAll(to.objectNames(prefix));
        } else {
            names.addAll(dirty.keySet());
        }
        // Volumes before snapshots is not needed: objects are independent maps.
        for (String n : names) {
            Set<Long> blocks = dirty == null ? null : dirty.get(n);
            if (blocks != null && blocks.contains(-1L)) {
                blocks = null;
            }
            Traffic t = mirrorObject(from, to, n, blocks);
            total.logical += t.logical;
            total.wire += t.wire;
            total.blocks += t.blocks;
        }
        return total;
    }

    // --- controls ------------------------------------------------------------------------------

    @Override
    public void cutLink(String a, String b) {
        array(a);
        array(b);
        locked(() -> {
            boolean had = contact(a, b);
            state.cutLinks.add(FabricState.link(a, b));
            if (had) {
                lostContact(a, b);
            }
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
            state.cutLinks.remove(FabricState.link(a, b));
            if (contact(a, b)) {
                regainedContact(a, b);
            }
            persist();
            LOG.info("fabric: replication link {} <-> {} restored", a, b);
            return null;
        });
    }

    @Override
    public void stopArray(String name) {
        ReplicaStore stopping = array(name);
        locked(() -> {
            if (!running(name)) {
                return null;
            }
            List<String> hadContact = arrays.keySet().stream().filter(o -> !o.equals(name) && contact(name, o)).toList();
            state.stoppedArrays.add(name);
            stopping.setStopped(true);
            for (String other : hadContact) {
                lostContact(name, other);
            }
            for (FabricState.Pod pod : state.pods.values()) {
                FabricState.Member m = pod.status.get(name);
                if (m != null && !OFFLINE.equals(m.status)) {
                    if (RESYNCING.equals(m.status)) {
                        m.inSync = false;
                    }
                    m.status = OFFLINE;
                    m.frozenAtEpochMillis = clock.millis();
                }
            }
            persist();
            return null;
        });
    }

    @Override
    public void startArray(String name) {
        ReplicaStore starting = array(name);
        locked(() -> {
            if (running(name)) {
                return null;
            }
            state.stoppedArrays.remove(name);
            starting.setStopped(false);
            for (String other : arrays.keySet()) {
                if (!other.equals(name) && contact(name, other)) {
                    regainedContact(name, other);
                }
            }
            electAlone();
            persist();
            return null;
        });
    }

    @Override
    public void setMediatorReachable(boolean reachable) {
        locked(() -> {
            state.mediatorReachable = reachable;
            if (reachable) {
                state.pods.values().forEach(p -> p.preElected = null);
                electAlone();
            }
            persist();
            LOG.info("fabric: mediator {}", reachable ? "reachable" : "unreachable");
            return null;
        });
    }

    /**
     * Contact between {@code a} and {@code b} was lost. For each pod both served, the arrays race to
     * the mediator: the preferred array (else the first member) that still runs wins; without the
     * mediator only a pre-elected array may go on, otherwise both stop serving the pod.
     */
    private void lostContact(String a, String b) {
        for (FabricState.Pod pod : state.pods.values()) {
            if (!pod.members.contains(a) || !pod.members.contains(b)) {
                continue;
            }
            FabricState.Member ma = pod.status.get(a);
            FabricState.Member mb = pod.status.get(b);
            long now = clock.millis();
            if (ONLINE.equals(ma.status) && ONLINE.equals(mb.status)) {
                String winner = raceWinner(pod, List.of(a, b).stream().filter(this::running).toList());
                for (String m : List.of(a, b)) {
                    FabricState.Member s = pod.status.get(m);
                    if (!m.equals(winner)) {
                        s.status = OFFLINE;
                        s.frozenAtEpochMillis = now;
                        s.inSync = winner == null;
                    }
                }
                LOG.warn("fabric: pod {} lost contact between {} and {}: {}", pod.name, a, b,
                        winner == null ? "no mediator and no pre-election, both arrays stop serving"
                                : winner + " keeps serving");
            } else {
                // A resyncing array loses its place; the serving one goes on (it already served alone).
                for (FabricState.Member s : List.of(ma, mb)) {
                    if (RESYNCING.equals(s.status)) {
                        s.status = OFFLINE;
                        s.inSync = false;
                        s.frozenAtEpochMillis = now;
                    }
                }
            }
        }
    }

    private String raceWinner(FabricState.Pod pod, List<String> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        if (!state.mediatorReachable) {
            return pod.preElected != null && candidates.contains(pod.preElected) ? pod.preElected : null;
        }
        for (String p : pod.failoverPreferences) {
            if (candidates.contains(p)) {
                return p;
            }
        }
        return pod.members.stream().filter(candidates::contains).findFirst().orElse(null);
    }

    /** Contact is back: in-sync arrays serve again, stale ones start resyncing from the server. */
    private void regainedContact(String a, String b) {
        for (FabricState.Pod pod : state.pods.values()) {
            if (!pod.members.contains(a) || !pod.members.contains(b)) {
                continue;
            }
            boolean anyOnline = pod.members.stream().anyMatch(m -> ONLINE.equals(pod.status.get(m).status));
            if (!anyOnline) {
                // Both stopped serving together (no mediator): nothing was written, both hold the same data.
                boolean allInSync = pod.members.stream().allMatch(m -> pod.status.get(m).inSync);
                for (String m : pod.members) {
                    FabricState.Member s = pod.status.get(m);
                    if (s.inSync) {
                        s.status = ONLINE;
                        s.frozenAtEpochMillis = 0;
                    }
                }
                anyOnline = pod.members.stream().anyMatch(m -> ONLINE.equals(pod.status.get(m).status));
                if (allInSync) {
                    continue;
                }
            }
            if (!anyOnline) {
                continue;
            }
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (!ONLINE.equals(s.status)) {
                    s.status = RESYNCING;
                    s.resyncDone = 0;
                    s.resyncTotal = 0;
                }
            }
        }
    }

    /** Pods nobody serves: a running in-sync member that reaches the mediator takes them. */
    private void electAlone() {
        for (FabricState.Pod pod : state.pods.values()) {
            boolean anyOnline = pod.members.stream().anyMatch(m -> ONLINE.equals(pod.status.get(m).status));
            if (anyOnline) {
                continue;
            }
            List<String> candidates = pod.members.stream()
                    .filter(m -> running(m) && pod.status.get(m).inSync).toList();
            String winner = raceWinner(pod, candidates);
            if (winner == null) {
                continue;
            }
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (m.equals(winner)) {
                    s.status = ONLINE;
                    s.frozenAtEpochMillis = 0;
                } else if (!contact(m, winner)) {
                    s.inSync = false;
                } else {
                    s.status = ONLINE;
                }
            }
            LOG.info("fabric: pod {} is served by {} again", pod.name, winner);
        }
    }

    @Override
    public void tick() {
        locked(() -> {
            heartbeat();
            resyncStep();
            return null;
        });
        groups.tick();
    }

    /** While the mediator is unreachable, pods served by both arrays pre-elect one of them. */
    private void heartbeat() {
        if (state.mediatorReachable) {
            return;
        }
        boolean changed = false;
        for (FabricState.Pod pod : state.pods.values()) {
            if (pod.preElected != null || pod.members.size() < 2) {
                continue;
            }
            boolean allOnline = pod.members.stream().allMatch(m -> ONLINE.equals(pod.status.get(m).status));
            if (allOnline && contact(pod.members.get(0), pod.members.get(1))) {
                pod.preElected = pod.failoverPreferences.isEmpty() ? pod.members.get(0) : pod.failoverPreferences.get(0);
                changed = true;
                LOG.info("fabric: mediator unreachable; pod {} pre-elected {}", pod.name, pod.preElected);
            }
        }
        if (changed) {
            persist();
        }
    }

    /** Copies up to resyncBlocksPerTick dirty blocks to each resyncing array; done arrays go online. */
    private void resyncStep() {
        boolean changed = false;
        for (FabricState.Pod pod : state.pods.values()) {
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (!RESYNCING.equals(s.status)) {
                    continue;
                }
                String source = pod.members.stream().filter(o -> ONLINE.equals(pod.status.get(o).status)).findFirst()
                        .orElse(null);
                if (source == null || !contact(source, m)) {
                    continue;
                }
                ReplicaStore from = array(source);
                ReplicaStore to = array(m);
                Map<String, Set<Long>> dirty = from.dirtyBlocks(pod.name);
                // Objects that exist only on the stale side (created before it froze, deleted since) go too.
                for (String n : to.objectNames(pod.name + Names.POD_SEPARATOR)) {
                    if (from.exportObject(n, Set.of()) == null) {
                        dirty.computeIfAbsent(n, k -> new java.util.TreeSet<>()).add(-1L);
                    }
                }
                long remaining = dirty.values().stream().mapToLong(Set::size).sum();
                if (s.resyncTotal == 0) {
                    s.resyncTotal = remaining;
                }
                Map<String, Set<Long>> batch = new TreeMap<>();
                long budget = resyncBlocksPerTick;
                for (Map.Entry<String, Set<Long>> e : dirty.entrySet()) {
                    if (budget <= 0) {
                        break;
                    }
                    Set<Long> part = new java.util.TreeSet<>();
                    for (long b : e.getValue()) {
                        if (budget-- <= 0) {
                            break;
                        }
                        part.add(b);
                    }
                    batch.put(e.getKey(), part);
                }
                Traffic t = mirrorPod(from, to, pod.name, batch);
                from.clearDirty(pod.name, batch);
                long done = batch.values().stream().mapToLong(Set::size).sum();
                s.resyncDone += done;
                s.resyncTotal = Math.max(s.resyncTotal, s.resyncDone + remaining - done);
                if (remaining - done <= 0) {
                    groups.copyPodGroups(from, to, pod.name);
                    s.status = ONLINE;
                    s.inSync = true;
                    s.frozenAtEpochMillis = 0;
                    s.resyncDone = 0;
                    s.resyncTotal = 0;
                    LOG.info("fabric: pod {} array {} resynced from {} and online", pod.name, m, source);
                }
                LOG.debug("fabric: pod {} resync {} -> {}: {} blocks, {} wire bytes", pod.name, source, m, t.blocks,
                        t.wire);
                changed = true;
            }
        }
        if (changed) {
            persist();
        }
    }

    @Override
    public NetworkStatus networkStatus() {
        return locked(() -> new NetworkStatus(state.mediatorReachable, List.copyOf(state.cutLinks),
                List.copyOf(state.stoppedArrays), arrays.keySet().stream().sorted().toList()));
    }

    @Override
    public PodStatus podStatus(String podName) {
        return locked(() -> {
            FabricState.Pod pod = state.pods.get(podName);
            if (pod == null) {
                throw EngineException.notFound("POD_NOT_FOUND", "Pod " + podName + " does not exist.");
            }
            return status(pod);
        });
    }

    @Override
    public List<PodStatus> podStatuses() {
        return locked(() -> state.pods.values().stream().map(this::status).toList());
    }

    private PodStatus status(FabricState.Pod pod) {
        List<PodStatus.Member> members = new ArrayList<>();
        String server = pod.members.stream().filter(o -> ONLINE.equals(pod.status.get(o).status)).findFirst()
                .orElse(null);
        long dirty = 0;
        if (server != null && running(server)) {
            dirty = array(server).dirtyBlocks(pod.name).values().stream().mapToLong(Set::size).sum();
        }
        for (String m : pod.members) {
            FabricState.Member s = pod.status.get(m);
            members.add(new PodStatus.Member(m, s.status, s.inSync, progress(s), s.frozenAtEpochMillis,
                    ONLINE.equals(s.status) ? 0 : dirty));
        }
        return new PodStatus(pod.name, members, pod.failoverPreferences, state.mediatorReachable, pod.preElected);
    }

    @Override
    public PgStatus pgStatus(String sourceArray, String groupName) {
        return groups.status(array(sourceArray), groupName);
    }

    @Override
    public List<PgStatus> pgStatuses() {
        return groups.statuses();
    }

    /** The pod's serving members, for protection groups in pods. */
    List<String> servingMembers(String podName) {
        FabricState.Pod pod = state.pods.get(podName);
        if (pod == null) {
            return List.of();
        }
        return pod.members.stream().filter(m -> ONLINE.equals(pod.status.get(m).status) && running(m)).toList();
    }

    List<String> podMembers(String podName) {
        FabricState.Pod pod = state.pods.get(podName);
        return pod == null ? List.of() : List.copyOf(pod.members);
    }

    @Override
    public void close() {
        peerWriter.shutdownNow();
    }
}
