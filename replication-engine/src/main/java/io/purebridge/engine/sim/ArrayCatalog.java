package io.purebridge.engine.sim;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.StoredState.ArrayState;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import io.purebridge.engine.sim.StoredState.VolumeExtras;
import io.purebridge.engine.sim.StoredState.VolumeGroup;
import io.purebridge.engine.array.VolumeGroups;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated array's catalog: the store, the in-memory maps of its records, the array lock and
 * the one commit path every mutation takes. The feature classes beside it (volumes, hosts, data,
 * QoS and groups, replica store) hold no state of their own; they read and change it here.
 *
 * <p>Every mutation builds one {@link Tx}, writes it with sync=true and only then updates memory,
 * so a failed or interrupted call changes nothing and an acknowledged one survives kill -9.
 */
final class ArrayCatalog implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(ArrayCatalog.class);
    static final long MAX_PROVISIONED = 4_503_599_627_370_496L;

    final SimulatedArrayConfig config;
    final Clock clock;
    final SimStore store;
    final BlockStore blocks;
    /** Front-end I/O counters and their recent history (memory only). */
    final IoStats io;
    /** Enforces volume and volume-group QoS on reads and writes. */
    final QosThrottle qosThrottle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final NavigableMap<String, Volume> volumes = new TreeMap<>();
    final NavigableMap<String, Snapshot> snapshots = new TreeMap<>();
    final NavigableMap<String, Host> hosts = new TreeMap<>();
    final NavigableMap<String, VolumeGroup> groups = new TreeMap<>();
    /** QoS and tags by volume id. */
    final Map<String, VolumeExtras> extras = new HashMap<>();
    /** Written only under the write lock, after the batch is durable. */
    ArrayState state;
    private boolean closed;
    /** Set by the operator control "stop array": every client call answers UNAVAILABLE. */
    private volatile boolean stopped;

    ArrayCatalog(SimulatedArrayConfig config, Path directory, Clock clock, QosThrottle throttle) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.qosThrottle = Objects.requireNonNull(throttle, "throttle");
        this.store = new SimStore(config.name(), directory);
        this.blocks = new BlockStore(store);
        this.io = new IoStats(clock, System::nanoTime);
        try {
            load();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }


    private void load() {
        MetaKeysUpgrade.run(store, config.name());
        byte[] raw = store.get(store.meta(), MetaKeys.ARRAY.key());
        if (raw == null) {
            String id = UUID.randomUUID().toString();
            String prefix = id.replace("-", "").substring(16, 32).toUpperCase(Locale.ROOT);
            ArrayState fresh = new ArrayState(id, prefix, 1, 1, 1, clock.millis(), 0, 0);
            try (Tx tx = new Tx()) {
                tx.put(MetaKeys.ARRAY.key(), SimStore.toJson(fresh));
                store.write(tx.batch);
            }
            state = fresh;
            LOG.info("{}: created simulated array id {}", config.name(), id);
        } else {
            state = SimStore.fromJson(raw, ArrayState.class);
        }
        store.loadAll(MetaKeys.VOLUME.text(), Volume.class).forEach(v -> volumes.put(v.name(), v));
        store.loadAll(MetaKeys.SNAPSHOT.text(), Snapshot.class).forEach(s -> snapshots.put(s.name(), s));
        store.loadAll(MetaKeys.HOST.text(), Host.class).forEach(h -> hosts.put(h.name(), h));
        store.loadAll(MetaKeys.VOLUME_GROUP.text(), VolumeGroup.class).forEach(g -> groups.put(g.name(), g));
        store.loadAll(MetaKeys.VOLUME_EXTRAS.text(), VolumeExtras.class).forEach(x -> extras.put(x.volumeId(), x));
        LOG.info("{}: opened with {} volumes, {} snapshots, {} hosts", config.name(), volumes.size(),
                snapshots.size(), hosts.size());
    }

    String name() {
        return config.name();
    }

    // --- locking -------------------------------------------------------------------------------
    // read/mutate serve clients and refuse a stopped array; readEvenStopped/mutateEvenStopped serve
    // the fabric, which keeps the books of a stopped array (persisting, reporting, resync markers).

    <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            ensureRunning();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T mutate(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            ensureRunning();
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    <T> T readEvenStopped(Supplier<T> body) {
        lock.readLock().lock();
        try {
            checkNotClosed();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T mutateEvenStopped(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            checkNotClosed();
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Throws UNAVAILABLE when the array is stopped (operator control) or shut down. */
    void requireRunning() {
        read(() -> null);
    }

    private void ensureRunning() {
        if (stopped) {
            throw EngineException.unavailable("ARRAY_STOPPED", "Simulated array " + config.name()
                    + " is stopped (operator control); retry after it is started again.");
        }
        checkNotClosed();
    }

    private void checkNotClosed() {
        if (closed) {
            throw EngineException.unavailable("ARRAY_CLOSED", "Simulated array " + config.name()
                    + " is shut down; retry after the service restarts.");
        }
    }

    void setStopped(boolean value) {
        stopped = value;
        LOG.info("{}: {}", config.name(), value ? "stopped (operator control)" : "started (operator control)");
    }

    boolean isStopped() {
        return stopped;
    }

    // --- commit and record helpers (call under the write lock) -----------------------------------

    /** Writes the Tx (with the array state and space counters) durably, then updates memory. */
    void commit(Tx tx, ArrayState next) {
        ArrayState withSpace = withSpace(tx, next);
        store.write(tx.batch);
        state = withSpace;
        tx.applyMemory();
    }

    /**
     * Appends the Tx and updates memory, leaving its fsync and apply to the caller once it released
     * the array's lock ({@link SimStore#complete}): for data writes, so that writers share fsyncs.
     * Reads see the change from here on; the write is acknowledged only after it completes.
     */
    SimStore.PendingCommit commitDeferred(Tx tx, ArrayState next) {
        ArrayState withSpace = withSpace(tx, next);
        SimStore.PendingCommit pending = store.append(tx.batch, tx.writes);
        tx.handOff();
        try {
            state = withSpace;
            tx.applyMemory();
        } catch (RuntimeException e) {
            // Later commits are applied only after this one: it must complete whatever happens.
            try {
                store.complete(pending);
            } catch (RuntimeException completing) {
                e.addSuppressed(completing);
            }
            throw e;
        }
        return pending;
    }

    /** Puts the Tx's block-map and reference changes and the new array state into its batch. */
    private ArrayState withSpace(Tx tx, ArrayState next) {
        long[] space = blocks.prepareCommit(tx, next.uniqueBytes(), next.snapshotBytes());
        long before = state.uniqueBytes() + state.snapshotBytes();
        long after = space[0] + space[1];
        if (after > before && after > config.capacityBytes()) {
            throw new EngineException(ErrorCode.RESOURCE_EXHAUSTED, "ARRAY_FULL", "Simulated array " + config.name()
                    + " is full (" + config.capacityBytes() + " bytes of capacity); eradicate destroyed volumes and"
                    + " snapshots or raise its capacity in the service config.");
        }
        ArrayState withSpace = next.withSpace(space[0], space[1]);
        tx.put(MetaKeys.ARRAY.key(), SimStore.toJson(withSpace));
        return withSpace;
    }

    void putVolume(Tx tx, Volume v) {
        tx.put(MetaKeys.VOLUME.key(v.name()), SimStore.toJson(v));
        tx.then(() -> volumes.put(v.name(), v));
    }

    void deleteVolume(Tx tx, String name) {
        tx.delete(MetaKeys.VOLUME.key(name));
        tx.then(() -> volumes.remove(name));
    }

    void putSnapshot(Tx tx, Snapshot s) {
        tx.put(MetaKeys.SNAPSHOT.key(s.name()), SimStore.toJson(s));
        tx.then(() -> snapshots.put(s.name(), s));
    }

    void deleteSnapshot(Tx tx, String name) {
        tx.delete(MetaKeys.SNAPSHOT.key(name));
        tx.then(() -> snapshots.remove(name));
    }

    void putHost(Tx tx, Host h) {
        tx.put(MetaKeys.HOST.key(h.name()), SimStore.toJson(h));
        tx.then(() -> hosts.put(h.name(), h));
    }

    void deleteHostState(Tx tx, String name) {
        tx.delete(MetaKeys.HOST.key(name));
        tx.then(() -> hosts.remove(name));
    }

    String serial(long n) {
        return state.serialPrefix() + String.format(Locale.ROOT, "%08X", n);
    }

    void putGroup(Tx tx, VolumeGroup g) {
        tx.put(MetaKeys.VOLUME_GROUP.key(g.name()), SimStore.toJson(g));
        tx.then(() -> groups.put(g.name(), g));
    }

    void deleteGroup(Tx tx, String name) {
        tx.delete(MetaKeys.VOLUME_GROUP.key(name));
        tx.then(() -> groups.remove(name));
    }

    /** Writes a volume's QoS and tags; with neither left the key is deleted. */
    void putExtras(Tx tx, VolumeExtras x) {
        byte[] key = MetaKeys.VOLUME_EXTRAS.key(x.volumeId());
        if (x.empty()) {
            tx.delete(key);
            tx.then(() -> extras.remove(x.volumeId()));
        } else {
            tx.put(key, SimStore.toJson(x));
            tx.then(() -> extras.put(x.volumeId(), x));
        }
    }

    void putMetaInto(Tx tx, Map<String, byte[]> meta) {
        if (meta == null) {
            return;
        }
        for (Map.Entry<String, byte[]> e : meta.entrySet()) {
            if (e.getValue() == null) {
                tx.delete(SimStore.bytes(e.getKey()));
            } else {
                tx.put(SimStore.bytes(e.getKey()), e.getValue());
            }
        }
    }

    void eradicateVolumeInto(Tx tx, Volume v) {
        blocks.releaseMap(tx, v.mapId(), false);
        deleteVolume(tx, v.name());
        if (extras.containsKey(v.id())) {
            putExtras(tx, new VolumeExtras(v.id(), null, null, List.of()));
            tx.then(() -> qosThrottle.forget(v.id()));
        }
        for (Snapshot s : snapshotsOf(v.name())) {
            blocks.releaseMap(tx, s.mapId(), false);
            deleteSnapshot(tx, s.name());
        }
    }

    // --- lookups and checks (call under the lock) ------------------------------------------------

    List<Snapshot> snapshotsOf(String volumeName) {
        return List.copyOf(snapshots.subMap(volumeName + ".", true, volumeName + "/", false).values());
    }

    Volume existingVolume(String name) {
        Volume v = volumes.get(name);
        if (v == null) {
            throw volumeNotFound(name);
        }
        return v;
    }

    Volume liveVolume(String name) {
        Volume v = existingVolume(name);
        if (v.destroyed()) {
            throw destroyed("Volume", name);
        }
        return v;
    }

    Snapshot existingSnapshot(String name) {
        Snapshot s = snapshots.get(name);
        if (s == null) {
            throw EngineException.notFound("SNAPSHOT_NOT_FOUND", "Snapshot " + name
                    + " does not exist (No such volume or snapshot).");
        }
        return s;
    }

    Snapshot liveSnapshot(String name) {
        Snapshot s = existingSnapshot(name);
        if (s.destroyed()) {
            throw destroyed("Snapshot", name);
        }
        return s;
    }

    Host existingHost(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw EngineException.notFound("HOST_NOT_FOUND", "Host does not exist: " + name
                    + "; create it first.");
        }
        return h;
    }

    void checkNameFree(String name) {
        Volume v = volumes.get(name);
        if (v != null) {
            if (v.destroyed()) {
                throw EngineException.alreadyExists("DESTROYED", "Volume " + name
                        + " already exists and has been destroyed; recover or eradicate it first.");
            }
            throw EngineException.alreadyExists("VOLUME_EXISTS", "Volume " + name + " already exists.");
        }
    }

    void checkSnapshotNameFree(String name) {
        Snapshot s = snapshots.get(name);
        if (s != null) {
            if (s.destroyed()) {
                throw EngineException.alreadyExists("DESTROYED", "Snapshot " + name
                        + " already exists and has been destroyed; eradicate it first.");
            }
            throw EngineException.alreadyExists("SNAPSHOT_EXISTS", "Snapshot " + name + " already exists.");
        }
    }

    int connectionCount(String volumeName) {
        int n = 0;
        for (Host h : hosts.values()) {
            if (h.connections().containsKey(volumeName)) {
                n++;
            }
        }
        return n;
    }

    /** {mapId, size} of a volume or snapshot, live or destroyed. */
    long[] dataSource(String name) {
        Volume v = volumes.get(name);
        if (v != null) {
            return new long[] {v.mapId(), v.provisionedBytes()};
        }
        Snapshot s = snapshots.get(name);
        if (s != null) {
            return new long[] {s.mapId(), s.provisionedBytes()};
        }
        throw EngineException.notFound("VOLUME_NOT_FOUND", "No such volume or snapshot: " + name
                + " does not exist.");
    }

    /** A {@code group/volume} name needs a live group (called under the write lock). */
    void checkGroupLive(String volumeName) {
        String group = VolumeGroups.groupOf(volumeName);
        if (!group.isEmpty()) {
            liveGroup(group);
        }
    }

    VolumeGroup existingGroup(String name) {
        VolumeGroup g = groups.get(name);
        if (g == null) {
            throw EngineException.notFound("VOLUME_GROUP_NOT_FOUND", "Volume group " + name
                    + " does not exist; create it first.");
        }
        return g;
    }

    VolumeGroup liveGroup(String name) {
        VolumeGroup g = existingGroup(name);
        if (g.destroyed()) {
            throw groupDestroyed(name);
        }
        return g;
    }

    /** Member volumes (live and destroyed): names from "group/" up to "group0" ('0' follows '/'). */
    List<Volume> volumesIn(String group) {
        return List.copyOf(volumes.subMap(group + VolumeGroups.SEPARATOR, true, group + "0", false).values());
    }

    VolumeExtras extrasOf(Volume v) {
        VolumeExtras x = extras.get(v.id());
        return x != null ? x : new VolumeExtras(v.id(), null, null, List.of());
    }

    static void checkSize(String name, long size) {
        if (size <= 0) {
            throw EngineException.invalidArgument("SIZE_NOT_POSITIVE", "Size of volume " + name
                    + " must be positive, got " + size + ".");
        }
        if (size % 512 != 0) {
            throw EngineException.invalidArgument("SIZE_NOT_ALIGNED", "Size of volume " + name
                    + " must be a multiple of 512 bytes, got " + size + ".");
        }
        if (size > MAX_PROVISIONED) {
            throw EngineException.outOfRange("SIZE_TOO_LARGE", "Size of volume " + name + " exceeds the 4 PiB maximum ("
                    + MAX_PROVISIONED + " bytes).");
        }
    }

    static void checkIoSize(String name, long length) {
        if (length > BlockDataAccess.MAX_IO_BYTES) {
            throw EngineException.invalidArgument("IO_TOO_LARGE", "A single read or write of " + name
                    + " may move at most " + BlockDataAccess.MAX_IO_BYTES + " bytes, got " + length + "; split the transfer.");
        }
    }

    static void checkRange(String name, long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw EngineException.outOfRange("RANGE_PAST_END", "Range [" + offset + ", " + offset + "+" + length
                    + ") lies outside " + name + ", which is " + size + " bytes; stay within the volume.");
        }
    }

    static EngineException volumeNotFound(String name) {
        return EngineException.notFound("VOLUME_NOT_FOUND", "Volume " + name + " does not exist.");
    }

    static EngineException destroyed(String kind, String name) {
        return EngineException.failedPrecondition("DESTROYED", kind + " " + name
                + " has been destroyed; recover it or eradicate it first.");
    }

    static EngineException notDestroyed(String kind, String name, String action) {
        return EngineException.failedPrecondition("NOT_DESTROYED", "Cannot " + action + " " + kind + " " + name
                + " that has not been destroyed; destroy it first.");
    }

    static EngineException groupDestroyed(String name) {
        return EngineException.failedPrecondition("VOLUME_GROUP_DESTROYED", "Volume group " + name
                + " has been destroyed; recover it, or eradicate it before creating it again.");
    }

    static double ratio(long logical, long physical) {
        return physical <= 0 || logical <= 0 ? 1.0 : (double) logical / physical;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            blocks.close();
            store.close();
            LOG.info("{}: closed", config.name());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
