package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.array.VolumeTags;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.StoredState.ArrayState;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Tag;
import io.purebridge.engine.sim.StoredState.Volume;
import io.purebridge.engine.sim.StoredState.VolumeExtras;
import io.purebridge.engine.sim.StoredState.VolumeGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FlashArray simulated in this process and persisted in its own RocksDB ({@link SimStore}).
 *
 * <p>Metadata lives in RocksDB and, for speed, in compact in-memory maps rebuilt on open (a few
 * hundred bytes per object: 60,000 objects stay in the tens of MiB). Block data is never held in
 * the heap ({@link BlockStore}). Every mutation builds one {@link Tx}, writes it with sync=true and
 * only then updates memory, so a failed or interrupted call changes nothing and an acknowledged
 * one survives kill -9.
 *
 * <p>Thread-safe: one read-write lock per array; reads (including data reads) run concurrently.
 */
public final class SimulatedFlashArray implements FlashArray, BlockDataAccess, ReplicationArray, PerformanceHistory,
        VolumeQos, VolumeGroups, VolumeTags, io.purebridge.engine.array.BulkVolumeCopy, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFlashArray.class);
    static final String PURITY_VERSION = "6.7.1";
    static final long MAX_PROVISIONED = 4_503_599_627_370_496L;
    static final int MAX_LUN = 4095;
    private static final Set<String> PERSONALITIES = Set.of("aix", "esxi", "hitachi-vsp", "hpux",
            "oracle-vm-server", "solaris", "vms", "nutanix-mgmt", "nutanix-cluster");

    private final SimulatedArrayConfig config;
    private final Clock clock;
    private final SimStore store;
    private final BlockStore blocks;
    /** Front-end I/O counters and their recent history (memory only). */
    private final IoStats io;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<String, Volume> volumes = new TreeMap<>();
    private final NavigableMap<String, Snapshot> snapshots = new TreeMap<>();
    private final NavigableMap<String, Host> hosts = new TreeMap<>();
    private final NavigableMap<String, VolumeGroup> groups = new TreeMap<>();
    /** QoS and tags by volume id. */
    private final Map<String, VolumeExtras> extras = new HashMap<>();
    private ArrayState state;
    private boolean closed;
    /** Set by the operator control "stop array": every call answers UNAVAILABLE. */
    private volatile boolean stopped;
    /** Replication between the arrays of one host; null for a stand-alone array. */
    private volatile ReplicationFabric fabric;
    private final QosThrottle throttle;

    /** Opens (or creates) the array whose store is {@code directory}. */
    public SimulatedFlashArray(SimulatedArrayConfig config, Path directory, Clock clock) {
        this(config, directory, clock, QosThrottle.system());
    }

    /** @param throttle enforces volume and volume-group QoS on reads and writes */
    public SimulatedFlashArray(SimulatedArrayConfig config, Path directory, Clock clock, QosThrottle throttle) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
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

    public String name() {
        return config.name();
    }

    /**
     * The array's id, without taking the array lock (the fabric asks while holding its own). Every
     * ArrayState carries the same immutable id, so a racy read of the field is still right.
     */
    public String id() {
        return state.id();
    }

    /** How long destroyed objects wait before automatic eradication (for time_remaining). */
    public Duration eradicationDelay() {
        return config.eradicationDelay();
    }

    SimulatedArrayConfig config() {
        return config;
    }

    // --- locking and commit ------------------------------------------------------------------

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T mutate(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
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

    /** Writes the Tx (with the array state and space counters) durably, then updates memory. */
    private void commit(Tx tx, ArrayState next) {
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
        store.write(tx.batch);
        state = withSpace;
        tx.applyMemory();
    }

    private void putVolume(Tx tx, Volume v) {
        tx.put(MetaKeys.VOLUME.key(v.name()), SimStore.toJson(v));
        tx.then(() -> volumes.put(v.name(), v));
    }

    private void deleteVolume(Tx tx, String name) {
        tx.delete(MetaKeys.VOLUME.key(name));
        tx.then(() -> volumes.remove(name));
    }

    private void putSnapshot(Tx tx, Snapshot s) {
        tx.put(MetaKeys.SNAPSHOT.key(s.name()), SimStore.toJson(s));
        tx.then(() -> snapshots.put(s.name(), s));
    }

    private void deleteSnapshot(Tx tx, String name) {
        tx.delete(MetaKeys.SNAPSHOT.key(name));
        tx.then(() -> snapshots.remove(name));
    }

    private void putHost(Tx tx, Host h) {
        tx.put(MetaKeys.HOST.key(h.name()), SimStore.toJson(h));
        tx.then(() -> hosts.put(h.name(), h));
    }

    private void deleteHostState(Tx tx, String name) {
        tx.delete(MetaKeys.HOST.key(name));
        tx.then(() -> hosts.remove(name));
    }

    private String serial(long n) {
        return state.serialPrefix() + String.format(Locale.ROOT, "%08X", n);
    }

    // --- array ---------------------------------------------------------------------------------

    @Override
    public ArrayInfo arrayInfo() {
        return read(() -> new ArrayInfo(config.name(), state.id(), PURITY_VERSION));
    }

    @Override
    public ArraySpace space() {
        return read(() -> {
            long provisioned = 0;
            long liveBlocks = 0;
            for (Volume v : volumes.values()) {
                if (!v.destroyed()) {
                    provisioned += v.provisionedBytes();
                    liveBlocks += v.writtenBlocks();
                }
            }
            long unique = state.uniqueBytes();
            long logical = liveBlocks * BlockStore.BLOCK_SIZE;
            return new ArraySpace(config.capacityBytes(), unique + state.snapshotBytes(), provisioned, unique,
                    state.snapshotBytes(), ratio(logical, unique), ratio(provisioned, unique));
        });
    }

    private static double ratio(long logical, long physical) {
        return physical <= 0 || logical <= 0 ? 1.0 : (double) logical / physical;
    }

    // --- volumes -------------------------------------------------------------------------------

    VolumeRecord createVolumeLocal(String name, long provisionedBytes) {
        return createVolumeLocal(name, provisionedBytes, QosLimits.UNLIMITED);
    }

    VolumeRecord createVolumeLocal(String name, long provisionedBytes, QosLimits qos) {
        Names.checkVolume(name);
        checkSize(name, provisionedBytes);
        return mutate(() -> {
            checkNameFree(name);
            checkGroupLive(name);
            Volume v = new Volume(name, UUID.randomUUID().toString(), serial(state.nextSerial()), provisionedBytes,
                    null, false, clock.millis(), 0, state.nextMapId(), 0);
            try (Tx tx = new Tx()) {
                putVolume(tx, v);
                if (!qos.unlimited()) {
                    putExtras(tx, new VolumeExtras(v.id(), qos.bandwidthBytesPerSecond(), qos.iops(), List.of()));
                }
                commit(tx, state.withSerial(state.nextSerial() + 1).withMapId(state.nextMapId() + 1));
            }
            LOG.debug("{}: created volume {} ({} bytes)", config.name(), name, provisionedBytes);
            return v.toRecord();
        });
    }

    VolumeRecord copyVolumeLocal(String sourceName, String targetName, boolean overwrite) {
        Objects.requireNonNull(sourceName, "sourceName");
        Names.checkVolume(targetName);
        return mutate(() -> {
            long sourceMap;
            long sourceSize;
            long sourceBlocks;
            Snapshot snap = snapshots.get(sourceName);
            if (snap != null) {
                if (snap.destroyed()) {
                    throw destroyed("Snapshot", sourceName);
                }
                sourceMap = snap.mapId();
                sourceSize = snap.provisionedBytes();
                sourceBlocks = snap.writtenBlocks();
            } else {
                Volume src = volumes.get(sourceName);
                if (src == null) {
                    throw EngineException.notFound("SOURCE_NOT_FOUND", "No such volume or snapshot: " + sourceName
                            + " does not exist; check the source name.");
                }
                if (src.destroyed()) {
                    throw destroyed("Volume", sourceName);
                }
                sourceMap = src.mapId();
                sourceSize = src.provisionedBytes();
                sourceBlocks = src.writtenBlocks();
            }
            try (Tx tx = new Tx()) {
                Volume result;
                ArrayState next = state;
                if (overwrite && volumes.containsKey(targetName)) {
                    Volume target = liveVolume(targetName);
                    if (sourceName.equals(targetName)) {
                        throw EngineException.invalidArgument("SAME_SOURCE_AND_TARGET", "Cannot copy volume "
                                + sourceName + " onto itself; choose a different target.");
                    }
                    blocks.releaseMap(tx, target.mapId(), true);
                    blocks.copyMap(tx, sourceMap, target.mapId(), true);
                    result = target.withData(sourceSize, sourceBlocks);
                } else {
                    checkNameFree(targetName);
                    checkGroupLive(targetName);
                    result = new Volume(targetName, UUID.randomUUID().toString(), serial(state.nextSerial()),
                            sourceSize, sourceName, false, clock.millis(), 0, state.nextMapId(), sourceBlocks);
                    blocks.copyMap(tx, sourceMap, result.mapId(), true);
                    next = state.withSerial(state.nextSerial() + 1).withMapId(state.nextMapId() + 1);
                }
                putVolume(tx, result);
                commit(tx, next);
                LOG.debug("{}: copied {} to {} (overwrite={})", config.name(), sourceName, targetName, overwrite);
                return result.toRecord();
            }
        });
    }

    /**
     * Many overwriting copies in one WriteBatch (one fsync): how a failover restores a whole group
     * snapshot. Each copy is checked first (source live, target outside pods and not destroyed);
     * those that fail are reported and the others applied together.
     */
    @Override
    public Map<String, EngineException> copyVolumes(Map<String, String> sourcesByTarget) {
        Map<String, EngineException> failures = new java.util.LinkedHashMap<>();
        ReplicationFabric f = fabric;
        Map<String, String> todo = new java.util.LinkedHashMap<>();
        sourcesByTarget.forEach((target, source) -> {
            try {
                Names.checkVolume(target);
                if (!Names.podOfObject(target).isEmpty()) {
                    throw EngineException.invalidArgument("POD_TARGET_IN_BULK_COPY", "Volume " + target
                            + " is in a pod; copy it on its own so the pod mirrors it.");
                }
                if (f != null) {
                    f.checkPodIo(this, source);
                }
                todo.put(target, source);
            } catch (EngineException e) {
                failures.put(target, e);
            }
        });
        if (todo.isEmpty()) {
            return failures;
        }
        mutate(() -> {
            try (Tx tx = new Tx()) {
                ArrayState next = state;
                int copied = 0;
                for (Map.Entry<String, String> e : todo.entrySet()) {
                    String target = e.getKey();
                    String source = e.getValue();
                    long sourceMap;
                    long sourceSize;
                    long sourceBlocks;
                    Volume existing;
                    try {
                        Snapshot snap = snapshots.get(source);
                        if (snap != null) {
                            if (snap.destroyed()) {
                                throw destroyed("Snapshot", source);
                            }
                            sourceMap = snap.mapId();
                            sourceSize = snap.provisionedBytes();
                            sourceBlocks = snap.writtenBlocks();
                        } else {
                            Volume src = volumes.get(source);
                            if (src == null) {
                                throw EngineException.notFound("SOURCE_NOT_FOUND", "No such volume or snapshot: "
                                        + source + " does not exist; check the source name.");
                            }
                            if (src.destroyed()) {
                                throw destroyed("Volume", source);
                            }
                            if (source.equals(target)) {
                                throw EngineException.invalidArgument("SAME_SOURCE_AND_TARGET", "Cannot copy volume "
                                        + source + " onto itself; choose a different target.");
                            }
                            sourceMap = src.mapId();
                            sourceSize = src.provisionedBytes();
                            sourceBlocks = src.writtenBlocks();
                        }
                        existing = volumes.get(target);
                        if (existing != null) {
                            existing = liveVolume(target);
                        } else {
                            checkGroupLive(target);
                        }
                    } catch (EngineException error) {
                        failures.put(target, error);
                        continue;
                    }
                    Volume result;
                    if (existing != null) {
                        blocks.releaseMap(tx, existing.mapId(), true);
                        blocks.copyMap(tx, sourceMap, existing.mapId(), true);
                        result = existing.withData(sourceSize, sourceBlocks);
                    } else {
                        result = new Volume(target, UUID.randomUUID().toString(), serial(next.nextSerial()),
                                sourceSize, source, false, clock.millis(), 0, next.nextMapId(), sourceBlocks);
                        blocks.copyMap(tx, sourceMap, result.mapId(), true);
                        next = next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1);
                    }
                    putVolume(tx, result);
                    copied++;
                }
                commit(tx, next);
                LOG.debug("{}: copied {} volumes in one batch", config.name(), copied);
            }
            return null;
        });
        return failures;
    }

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return read(() -> Optional.ofNullable(volumes.get(name)).map(Volume::toRecord));
    }

    @Override
    public List<VolumeRecord> listVolumes() {
        return read(() -> volumes.values().stream().map(Volume::toRecord).toList());
    }

    VolumeRecord resizeVolumeLocal(String name, long provisionedBytes, boolean truncate) {
        checkSize(name, provisionedBytes);
        return mutate(() -> {
            Volume v = liveVolume(name);
            if (provisionedBytes < v.provisionedBytes() && !truncate) {
                throw EngineException.outOfRange("SHRINK_NEEDS_TRUNCATE", "Volume " + name + " is "
                        + v.provisionedBytes() + " bytes; shrinking it to " + provisionedBytes
                        + " bytes discards data and needs truncate=true.");
            }
            try (Tx tx = new Tx()) {
                long written = v.writtenBlocks();
                if (provisionedBytes < v.provisionedBytes()) {
                    written += blocks.truncate(tx, v.mapId(), provisionedBytes, true);
                }
                Volume resized = v.withData(provisionedBytes, written);
                putVolume(tx, resized);
                commit(tx, state);
                return resized.toRecord();
            }
        });
    }

    VolumeRecord renameVolumeLocal(String name, String newName) {
        return renameVolumeLocal(name, newName, false);
    }

    VolumeRecord renameVolumeLocal(String name, String newName, boolean acrossPods) {
        Names.checkVolume(newName);
        return mutate(() -> {
            Volume v = liveVolume(name);
            if (!acrossPods && !Names.podOfObject(name).equals(Names.podOfObject(newName))) {
                throw EngineException.invalidArgument("RENAME_CHANGES_POD", "Cannot rename volume " + name + " to "
                        + newName + ": a rename keeps the pod prefix; move volumes between pods explicitly.");
            }
            if (name.equals(newName)) {
                return v.toRecord();
            }
            checkNameFree(newName);
            checkGroupLive(newName);
            Volume renamed = v.withName(newName);
            try (Tx tx = new Tx()) {
                deleteVolume(tx, name);
                putVolume(tx, renamed);
                for (Snapshot s : snapshotsOf(name)) {
                    deleteSnapshot(tx, s.name());
                    putSnapshot(tx, s.withNames(newName + "." + s.suffix(), newName, s.suffix()));
                }
                for (Host h : hosts.values()) {
                    Integer lun = h.connections().get(name);
                    if (lun != null) {
                        Map<String, Integer> c = new TreeMap<>(h.connections());
                        c.remove(name);
                        c.put(newName, lun);
                        putHost(tx, h.withConnections(c));
                    }
                }
                commit(tx, state);
            }
            return renamed.toRecord();
        });
    }

    void destroyVolumeLocal(String name) {
        mutate(() -> {
            Volume v = liveVolume(name);
            int connections = connectionCount(name);
            if (connections > 0) {
                throw EngineException.failedPrecondition("VOLUME_CONNECTED", "Volume " + name
                        + " cannot be destroyed: it has " + connections
                        + " host connection(s); disconnect it from every host first.");
            }
            long now = clock.millis();
            try (Tx tx = new Tx()) {
                blocks.moveRefs(tx, v.mapId(), false);
                putVolume(tx, v.withDestroyed(true, now));
                for (Snapshot s : snapshotsOf(name)) {
                    if (!s.destroyed()) {
                        putSnapshot(tx, s.withDestroyed(true, now, true));
                    }
                }
                commit(tx, state);
            }
            LOG.debug("{}: destroyed volume {}", config.name(), name);
            return null;
        });
    }

    VolumeRecord recoverVolumeLocal(String name) {
        return mutate(() -> {
            Volume v = existingVolume(name);
            if (!v.destroyed()) {
                throw notDestroyed("volume", name, "recover");
            }
            checkGroupLive(name);
            Volume recovered = v.withDestroyed(false, 0);
            try (Tx tx = new Tx()) {
                blocks.moveRefs(tx, v.mapId(), true);
                putVolume(tx, recovered);
                for (Snapshot s : snapshotsOf(name)) {
                    if (s.destroyedWithVolume()) {
                        putSnapshot(tx, s.withDestroyed(false, 0, false));
                    }
                }
                commit(tx, state);
            }
            return recovered.toRecord();
        });
    }

    void eradicateVolumeLocal(String name) {
        mutate(() -> {
            Volume v = existingVolume(name);
            if (!v.destroyed()) {
                throw notDestroyed("volume", name, "eradicate");
            }
            try (Tx tx = new Tx()) {
                eradicateVolumeInto(tx, v);
                commit(tx, state);
            }
            LOG.debug("{}: eradicated volume {}", config.name(), name);
            return null;
        });
    }

    private void eradicateVolumeInto(Tx tx, Volume v) {
        blocks.releaseMap(tx, v.mapId(), false);
        deleteVolume(tx, v.name());
        if (extras.containsKey(v.id())) {
            putExtras(tx, new VolumeExtras(v.id(), null, null, List.of()));
            tx.then(() -> throttle.forget(v.id()));
        }
        for (Snapshot s : snapshotsOf(v.name())) {
            blocks.releaseMap(tx, s.mapId(), false);
            deleteSnapshot(tx, s.name());
        }
    }

    /**
     * Eradicates every destroyed volume and snapshot whose eradication delay has passed.
     *
     * @return how many objects were eradicated
     */
    public int eradicateExpired() {
        return mutate(() -> {
            long cutoff = clock.millis() - config.eradicationDelay().toMillis();
            int count = 0;
            for (Volume v : List.copyOf(volumes.values())) {
                if (v.destroyed() && v.destroyedEpochMillis() <= cutoff) {
                    try (Tx tx = new Tx()) {
                        count += 1 + snapshotsOf(v.name()).size();
                        eradicateVolumeInto(tx, v);
                        commit(tx, state);
                    }
                }
            }
            for (Snapshot s : List.copyOf(snapshots.values())) {
                if (s.destroyed() && s.destroyedEpochMillis() <= cutoff && snapshots.containsKey(s.name())) {
                    try (Tx tx = new Tx()) {
                        blocks.releaseMap(tx, s.mapId(), false);
                        deleteSnapshot(tx, s.name());
                        commit(tx, state);
                        count++;
                    }
                }
            }
            count += eradicateExpiredGroups(cutoff);
            if (count > 0) {
                LOG.info("{}: eradicated {} objects past the eradication delay", config.name(), count);
            }
            return count;
        });
    }

    // --- snapshots -----------------------------------------------------------------------------

    SnapshotRecord createSnapshotLocal(String volumeName, String suffix) {
        if (suffix != null) {
            Names.checkSuffix(suffix);
        }
        return mutate(() -> {
            Volume v = liveVolume(volumeName);
            ArrayState next = state;
            String sfx = suffix;
            if (sfx == null) {
                long number = state.nextSnapshotNumber();
                while (snapshots.containsKey(volumeName + "." + number)) {
                    number++; // a caller chose this numeric suffix explicitly
                }
                sfx = Long.toString(number);
                next = next.withSnapshotNumber(number + 1);
            }
            String name = volumeName + "." + sfx;
            checkSnapshotNameFree(name);
            Snapshot s = new Snapshot(name, UUID.randomUUID().toString(), serial(next.nextSerial()), volumeName, sfx,
                    v.provisionedBytes(), false, clock.millis(), 0, false, next.nextMapId(), v.writtenBlocks());
            try (Tx tx = new Tx()) {
                blocks.copyMap(tx, v.mapId(), s.mapId(), false);
                putSnapshot(tx, s);
                commit(tx, next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1));
            }
            return s.toRecord();
        });
    }

    @Override
    public Optional<SnapshotRecord> findSnapshot(String name) {
        return read(() -> Optional.ofNullable(snapshots.get(name)).map(Snapshot::toRecord));
    }

    @Override
    public List<SnapshotRecord> listSnapshots(String volumeName) {
        return read(() -> {
            if (volumeName == null) {
                return snapshots.values().stream().map(Snapshot::toRecord).toList();
            }
            return snapshotsOf(volumeName).stream().map(Snapshot::toRecord).toList();
        });
    }

    SnapshotRecord renameSnapshotLocal(String name, String newName) {
        Objects.requireNonNull(newName, "newName");
        return mutate(() -> {
            Snapshot s = liveSnapshot(name);
            int dot = Names.snapshotDot(newName);
            if (dot < 0 || !newName.substring(0, dot).equals(s.sourceName())) {
                throw EngineException.invalidArgument("RENAME_CHANGES_VOLUME", "Cannot rename snapshot " + name
                        + " to " + newName + ": the new name must be " + s.sourceName() + ".<suffix>.");
            }
            String suffix = newName.substring(dot + 1);
            Names.checkSuffix(suffix);
            if (name.equals(newName)) {
                return s.toRecord();
            }
            checkSnapshotNameFree(newName);
            Snapshot renamed = s.withNames(newName, s.sourceName(), suffix);
            try (Tx tx = new Tx()) {
                deleteSnapshot(tx, name);
                putSnapshot(tx, renamed);
                commit(tx, state);
            }
            return renamed.toRecord();
        });
    }

    void destroySnapshotLocal(String name) {
        mutate(() -> {
            Snapshot s = liveSnapshot(name);
            try (Tx tx = new Tx()) {
                putSnapshot(tx, s.withDestroyed(true, clock.millis(), false));
                commit(tx, state);
            }
            return null;
        });
    }

    void eradicateSnapshotLocal(String name) {
        mutate(() -> {
            Snapshot s = existingSnapshot(name);
            if (!s.destroyed()) {
                throw notDestroyed("snapshot", name, "eradicate");
            }
            try (Tx tx = new Tx()) {
                blocks.releaseMap(tx, s.mapId(), false);
                deleteSnapshot(tx, name);
                commit(tx, state);
            }
            return null;
        });
    }

    // --- hosts and connections -----------------------------------------------------------------

    @Override
    public HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns) {
        Names.checkHost(name);
        List<String> iqnList = normalize(iqns, Initiators::checkIqn);
        List<String> wwnList = normalize(wwns, Initiators::normalizeWwn);
        List<String> nqnList = normalize(nqns, Initiators::checkNqn);
        return mutate(() -> {
            Host existing = hosts.get(name);
            if (existing != null) {
                throw EngineException.alreadyExists("HOST_EXISTS", "Host " + name
                        + " already exists; choose another name or reuse it.");
            }
            List<String> all = new ArrayList<>(iqnList);
            all.addAll(wwnList);
            all.addAll(nqnList);
            for (String initiator : all) {
                Host owner = hostByInitiator(initiator);
                if (owner != null) {
                    throw EngineException.alreadyExists("INITIATOR_IN_USE", "Initiator " + initiator
                            + " is already in use by host " + owner.name() + "; remove it there first.");
                }
            }
            Host h = new Host(name, iqnList, wwnList, nqnList, null, null, null, Map.of());
            try (Tx tx = new Tx()) {
                putHost(tx, h);
                commit(tx, state);
            }
            return h.toRecord();
        });
    }

    private static List<String> normalize(List<String> values, UnaryOperator<String> check) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                out.add(check.apply(v));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<HostRecord> findHost(String name) {
        return read(() -> Optional.ofNullable(hosts.get(name)).map(Host::toRecord));
    }

    @Override
    public Optional<HostRecord> findHostByInitiator(String initiator) {
        if (initiator == null || initiator.isBlank()) {
            return Optional.empty();
        }
        return read(() -> Optional.ofNullable(hostByInitiator(initiator)).map(Host::toRecord));
    }

    private Host hostByInitiator(String initiator) {
        String wwn = Initiators.asWwn(initiator);
        for (Host h : hosts.values()) {
            if (wwn != null && h.wwns().contains(wwn)) {
                return h;
            }
            for (String iqn : h.iqns()) {
                if (iqn.equalsIgnoreCase(initiator)) {
                    return h;
                }
            }
            for (String nqn : h.nqns()) {
                if (nqn.equalsIgnoreCase(initiator)) {
                    return h;
                }
            }
        }
        return null;
    }

    @Override
    public List<HostRecord> listHosts() {
        return read(() -> hosts.values().stream().map(Host::toRecord).toList());
    }

    @Override
    public HostRecord updateHost(String name, String personality, String chapUser, String chapSecret) {
        if (personality != null && !personality.isEmpty() && !PERSONALITIES.contains(personality)) {
            throw EngineException.invalidArgument("INVALID_PERSONALITY", "Host personality '" + personality
                    + "' is not one of " + new TreeSet<>(PERSONALITIES)
                    + " (or empty to clear it).");
        }
        if (chapSecret != null && !chapSecret.isEmpty() && (chapSecret.length() < 12 || chapSecret.length() > 255)) {
            throw EngineException.invalidArgument("INVALID_CHAP_SECRET", "The CHAP secret for host " + name
                    + " must be 12 to 255 characters long.");
        }
        return mutate(() -> {
            Host h = existingHost(name);
            Host updated = h.withSettings(
                    personality == null ? h.personality() : emptyToNull(personality),
                    chapUser == null ? h.chapUser() : emptyToNull(chapUser),
                    chapSecret == null ? h.chapSecret() : emptyToNull(chapSecret));
            try (Tx tx = new Tx()) {
                putHost(tx, updated);
                commit(tx, state);
            }
            return updated.toRecord();
        });
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    @Override
    public void deleteHost(String name) {
        mutate(() -> {
            Host h = existingHost(name);
            if (!h.connections().isEmpty()) {
                throw EngineException.failedPrecondition("HOST_CONNECTED", "Host " + name
                        + " cannot be deleted due to existing connections (" + h.connections().size()
                        + "); disconnect its volumes first.");
            }
            try (Tx tx = new Tx()) {
                deleteHostState(tx, name);
                commit(tx, state);
            }
            return null;
        });
    }

    @Override
    public ConnectionRecord connect(String hostName, String volumeName) {
        return mutate(() -> {
            Host h = existingHost(hostName);
            liveVolume(volumeName);
            if (h.connections().containsKey(volumeName)) {
                throw EngineException.alreadyExists("CONNECTION_EXISTS", "Connection between host " + hostName
                        + " and volume " + volumeName + " already exists (LUN "
                        + h.connections().get(volumeName) + ").");
            }
            Set<Integer> used = Set.copyOf(h.connections().values());
            int lun = 1;
            while (used.contains(lun)) {
                lun++;
            }
            if (lun > MAX_LUN) {
                throw new EngineException(ErrorCode.RESOURCE_EXHAUSTED, "LUN_LIMIT", "Host " + hostName
                        + " has no free LUN: connection limit reached (" + MAX_LUN + ").");
            }
            Map<String, Integer> c = new TreeMap<>(h.connections());
            c.put(volumeName, lun);
            try (Tx tx = new Tx()) {
                putHost(tx, h.withConnections(c));
                commit(tx, state);
            }
            return new ConnectionRecord(hostName, volumeName, lun);
        });
    }

    @Override
    public List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        return read(() -> {
            List<ConnectionRecord> out = new ArrayList<>();
            for (Host h : hosts.values()) {
                if (hostName != null && !hostName.equals(h.name())) {
                    continue;
                }
                h.connections().entrySet().stream()
                        .filter(e -> volumeName == null || volumeName.equals(e.getKey()))
                        .map(e -> new ConnectionRecord(h.name(), e.getKey(), e.getValue()))
                        .sorted(Comparator.comparingInt(ConnectionRecord::lun))
                        .forEach(out::add);
            }
            return out;
        });
    }

    @Override
    public void disconnect(String hostName, String volumeName) {
        mutate(() -> {
            Host h = existingHost(hostName);
            existingVolume(volumeName);
            if (!h.connections().containsKey(volumeName)) {
                throw EngineException.notFound("CONNECTION_NOT_FOUND", "Volume " + volumeName
                        + " is not connected to host " + hostName + "; nothing to disconnect.");
            }
            Map<String, Integer> c = new TreeMap<>(h.connections());
            c.remove(volumeName);
            try (Tx tx = new Tx()) {
                putHost(tx, h.withConnections(c));
                commit(tx, state);
            }
            return null;
        });
    }

    private int connectionCount(String volumeName) {
        int n = 0;
        for (Host h : hosts.values()) {
            if (h.connections().containsKey(volumeName)) {
                n++;
            }
        }
        return n;
    }

    // --- ports ---------------------------------------------------------------------------------

    @Override
    public List<PortRecord> listPorts() {
        return read(() -> SimPorts.ports(config.name(), state.id()));
    }

    // --- data ----------------------------------------------------------------------------------

    /**
     * Writes locally. With {@code dirtyPod} the written blocks are also recorded as changed since the
     * pod's peer went stale, in the same batch (so resync cannot miss an acknowledged write).
     */
    void writeLocal(String volumeName, long offsetBytes, byte[] data, String dirtyPod) {
        Objects.requireNonNull(data, "data");
        checkIoSize(volumeName, data.length);
        writePrepared(volumeName, offsetBytes, data, prepareBlocks(offsetBytes, data), dirtyPod);
    }

    /**
     * Hashes and compresses the whole blocks of a write before any lock is taken, so other callers
     * are not held up (and a pod write does it once for both arrays).
     */
    static Map<Long, BlockStore.Prepared> prepareBlocks(long offsetBytes, byte[] data) {
        Map<Long, BlockStore.Prepared> prepared = new HashMap<>();
        if (offsetBytes >= 0 && data.length > 0) {
            long first = (offsetBytes + BlockStore.BLOCK_SIZE - 1) / BlockStore.BLOCK_SIZE;
            long end = (offsetBytes + data.length) / BlockStore.BLOCK_SIZE;
            if (end > first) {
                int from = (int) (first * BlockStore.BLOCK_SIZE - offsetBytes);
                BlockStore.Prepared[] all = BlockStore.prepareAll(data, from, (int) (end - first));
                for (int i = 0; i < all.length; i++) {
                    prepared.put(first + i, all[i]);
                }
            }
        }
        return prepared;
    }

    void writePrepared(String volumeName, long offsetBytes, byte[] data, Map<Long, BlockStore.Prepared> prepared,
            String dirtyPod) {
        checkIoSize(volumeName, data.length);
        mutate(() -> {
            io.served();
            Volume v = volumes.get(volumeName);
            if (v == null) {
                if (snapshots.containsKey(volumeName)) {
                    throw EngineException.failedPrecondition("SNAPSHOT_READ_ONLY", "Cannot write to " + volumeName
                            + ": snapshots are read-only; write to a volume or revert.");
                }
                throw volumeNotFound(volumeName);
            }
            if (v.destroyed()) {
                throw destroyed("Volume", volumeName);
            }
            checkRange(volumeName, v.provisionedBytes(), offsetBytes, data.length);
            if (data.length == 0) {
                return null;
            }
            long written = v.writtenBlocks();
            try (Tx tx = new Tx()) {
                long first = offsetBytes / BlockStore.BLOCK_SIZE;
                long last = (offsetBytes + data.length - 1) / BlockStore.BLOCK_SIZE;
                for (long b = first; b <= last; b++) {
                    long blockStart = b * BlockStore.BLOCK_SIZE;
                    long from = Math.max(blockStart, offsetBytes);
                    long to = Math.min(blockStart + BlockStore.BLOCK_SIZE, offsetBytes + data.length);
                    BlockStore.Prepared whole = prepared.get(b);
                    if (whole != null) {
                        written += blocks.setBlock(tx, v.mapId(), b, whole, true);
                    } else {
                        byte[] content = blocks.readBlock(v.mapId(), b);
                        if (content == null) {
                            content = new byte[BlockStore.BLOCK_SIZE];
                        }
                        System.arraycopy(data, (int) (from - offsetBytes), content, (int) (from - blockStart),
                                (int) (to - from));
                        written += blocks.setBlock(tx, v.mapId(), b, content, true);
                    }
                    if (dirtyPod != null) {
                        tx.put(dirtyKey(dirtyPod, volumeName, b), new byte[0]);
                    }
                }
                putVolume(tx, v.withData(v.provisionedBytes(), written));
                commit(tx, state);
            }
            return null;
        });
    }

    byte[] readLocal(String name, long offsetBytes, int length) {
        checkIoSize(name, length);
        return read(() -> {
            io.served();
            long[] map = dataSource(name);
            checkRange(name, map[1], offsetBytes, length);
            byte[] out = new byte[length];
            blocks.read(map[0], offsetBytes, out, 0, length);
            return out;
        });
    }

    String checksumLocal(String name, long offsetBytes, long length) {
        return read(() -> {
            long[] map = dataSource(name);
            checkRange(name, map[1], offsetBytes, length);
            return blocks.checksum(map[0], offsetBytes, length);
        });
    }

    @Override
    public VolumeSpace volumeSpace(String volumeName) {
        return read(() -> {
            Volume v = existingVolume(volumeName);
            List<Long> snapMaps = snapshotsOf(volumeName).stream().map(Snapshot::mapId).toList();
            List<Long> family = new ArrayList<>(snapMaps);
            family.add(v.mapId());
            // FlashArray counts data a volume shares only with its own snapshots as the volume's
            long snaps = snapMaps.isEmpty() ? 0 : blocks.exclusiveBytes(snapMaps);
            long unique = blocks.exclusiveBytes(family) - snaps;
            long physical = blocks.mappedPhysicalBytes(v.mapId());
            long virtual = v.writtenBlocks() * BlockStore.BLOCK_SIZE;
            return new VolumeSpace(v.provisionedBytes(), virtual, unique, snaps, ratio(virtual, physical),
                    ratio(v.provisionedBytes(), physical));
        });
    }

    /**
     * Recomputes reference counts and space from the block maps and compares them with the stored
     * ones (test oracle, operator fsck). Returns the problems found; empty when consistent. Works on a
     * stopped array too: stopping takes it away from its clients, not from its store.
     */
    List<String> checkConsistency() {
        lock.readLock().lock();
        try {
            checkNotClosed();
            Map<Long, Boolean> maps = new HashMap<>();
            Map<Long, Long> written = new HashMap<>();
            for (Volume v : volumes.values()) {
                maps.put(v.mapId(), !v.destroyed());
                written.put(v.mapId(), v.writtenBlocks());
            }
            for (Snapshot s : snapshots.values()) {
                maps.put(s.mapId(), false);
                written.put(s.mapId(), s.writtenBlocks());
            }
            List<String> problems = new ArrayList<>(blocks.check(maps, written));
            String space = problems.remove(problems.size() - 1);
            String expected = "space unique=" + state.uniqueBytes() + " snapshots=" + state.snapshotBytes();
            if (!space.equals(expected)) {
                problems.add("recomputed " + space + " but the array reports " + expected);
            }
            return problems;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {mapId, size} of a volume or snapshot, live or destroyed. */
    private long[] dataSource(String name) {
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

    private static void checkIoSize(String name, long length) {
        if (length > MAX_IO_BYTES) {
            throw EngineException.invalidArgument("IO_TOO_LARGE", "A single read or write of " + name
                    + " may move at most " + MAX_IO_BYTES + " bytes, got " + length + "; split the transfer.");
        }
    }

    private static void checkRange(String name, long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw EngineException.outOfRange("RANGE_PAST_END", "Range [" + offset + ", " + offset + "+" + length
                    + ") lies outside " + name + ", which is " + size + " bytes; stay within the volume.");
        }
    }

    // --- lookups and checks ------------------------------------------------------------------

    private List<Snapshot> snapshotsOf(String volumeName) {
        return List.copyOf(snapshots.subMap(volumeName + ".", true, volumeName + "/", false).values());
    }

    private Volume existingVolume(String name) {
        Volume v = volumes.get(name);
        if (v == null) {
            throw volumeNotFound(name);
        }
        return v;
    }

    private Volume liveVolume(String name) {
        Volume v = existingVolume(name);
        if (v.destroyed()) {
            throw destroyed("Volume", name);
        }
        return v;
    }

    private Snapshot existingSnapshot(String name) {
        Snapshot s = snapshots.get(name);
        if (s == null) {
            throw EngineException.notFound("SNAPSHOT_NOT_FOUND", "Snapshot " + name
                    + " does not exist (No such volume or snapshot).");
        }
        return s;
    }

    private Snapshot liveSnapshot(String name) {
        Snapshot s = existingSnapshot(name);
        if (s.destroyed()) {
            throw destroyed("Snapshot", name);
        }
        return s;
    }

    private Host existingHost(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw EngineException.notFound("HOST_NOT_FOUND", "Host does not exist: " + name
                    + "; create it first.");
        }
        return h;
    }

    private void checkNameFree(String name) {
        Volume v = volumes.get(name);
        if (v != null) {
            if (v.destroyed()) {
                throw EngineException.alreadyExists("DESTROYED", "Volume " + name
                        + " already exists and has been destroyed; recover or eradicate it first.");
            }
            throw EngineException.alreadyExists("VOLUME_EXISTS", "Volume " + name + " already exists.");
        }
    }

    private void checkSnapshotNameFree(String name) {
        Snapshot s = snapshots.get(name);
        if (s != null) {
            if (s.destroyed()) {
                throw EngineException.alreadyExists("DESTROYED", "Snapshot " + name
                        + " already exists and has been destroyed; eradicate it first.");
            }
            throw EngineException.alreadyExists("SNAPSHOT_EXISTS", "Snapshot " + name + " already exists.");
        }
    }

    private static void checkSize(String name, long size) {
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

    private static EngineException volumeNotFound(String name) {
        return EngineException.notFound("VOLUME_NOT_FOUND", "Volume " + name + " does not exist.");
    }

    private static EngineException destroyed(String kind, String name) {
        return EngineException.failedPrecondition("DESTROYED", kind + " " + name
                + " has been destroyed; recover it or eradicate it first.");
    }

    private static EngineException notDestroyed(String kind, String name, String action) {
        return EngineException.failedPrecondition("NOT_DESTROYED", "Cannot " + action + " " + kind + " " + name
                + " that has not been destroyed; destroy it first.");
    }

    // --- pod-aware entry points ----------------------------------------------------------------
    // Objects named pod::x go through the replication fabric, which checks that this array serves
    // the pod and mirrors the change to the pod's other array; everything else is local.

    private <T> T podAware(String name, Supplier<List<String>> affected, Supplier<T> body) {
        ReplicationFabric f = fabric;
        String pod = Names.podOfObject(name);
        if (f == null || pod.isEmpty()) {
            return body.get();
        }
        return f.podMutation(this, pod, affected, body);
    }

    /** The names and their snapshots, as they are now (what a pod mutation may change). */
    private Supplier<List<String>> objectsOf(String... names) {
        return () -> read(() -> {
            Set<String> out = new LinkedHashSet<>();
            for (String n : names) {
                out.add(n);
                snapshotsOf(n).forEach(s -> out.add(s.name()));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes) {
        return podAware(name, objectsOf(name), () -> createVolumeLocal(name, provisionedBytes));
    }

    @Override
    public VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite) {
        ReplicationFabric f = fabric;
        if (f != null) {
            f.checkPodIo(this, sourceName);
        }
        return podAware(targetName, objectsOf(targetName), () -> copyVolumeLocal(sourceName, targetName, overwrite));
    }

    @Override
    public VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
        return podAware(name, objectsOf(name), () -> resizeVolumeLocal(name, provisionedBytes, truncate));
    }

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        return podAware(name, objectsOf(name, newName == null ? name : newName),
                () -> renameVolumeLocal(name, newName));
    }

    @Override
    public void destroyVolume(String name) {
        podAware(name, objectsOf(name), () -> {
            destroyVolumeLocal(name);
            return null;
        });
    }

    @Override
    public VolumeRecord recoverVolume(String name) {
        return podAware(name, objectsOf(name), () -> recoverVolumeLocal(name));
    }

    @Override
    public void eradicateVolume(String name) {
        podAware(name, objectsOf(name), () -> {
            eradicateVolumeLocal(name);
            return null;
        });
    }

    @Override
    public SnapshotRecord createSnapshot(String volumeName, String suffix) {
        // The new name is known only afterwards: mirror every snapshot of the volume.
        return podAware(volumeName, objectsOf(volumeName), () -> createSnapshotLocal(volumeName, suffix));
    }

    @Override
    public SnapshotRecord renameSnapshot(String name, String newName) {
        return podAware(name, () -> List.of(name, newName), () -> renameSnapshotLocal(name, newName));
    }

    @Override
    public void destroySnapshot(String name) {
        podAware(name, () -> List.of(name), () -> {
            destroySnapshotLocal(name);
            return null;
        });
    }

    @Override
    public void eradicateSnapshot(String name) {
        podAware(name, () -> List.of(name), () -> {
            eradicateSnapshotLocal(name);
            return null;
        });
    }

    @Override
    public void write(String volumeName, long offsetBytes, byte[] data) {
        // QoS waits come first: the performance counters measure the array's own service time.
        throttle(volumeName, data == null ? 0 : data.length);
        long started = io.begin();
        ReplicationFabric f = fabric;
        String pod = Names.podOfObject(volumeName);
        boolean mirrored = false;
        if (f == null || pod.isEmpty()) {
            writeLocal(volumeName, offsetBytes, data, null);
        } else {
            mirrored = f.podWrite(this, pod, volumeName, offsetBytes, data);
        }
        io.write(started, data.length, mirrored);
    }

    @Override
    public byte[] read(String name, long offsetBytes, int length) {
        throttle(name, Math.max(0, length));
        long started = io.begin();
        ReplicationFabric f = fabric;
        if (f != null) {
            f.checkPodIo(this, name);
        }
        byte[] out = readLocal(name, offsetBytes, length);
        io.read(started, length);
        return out;
    }

    // --- PerformanceHistory ----------------------------------------------------------------------

    @Override
    public List<ArrayPerformance> performance(Long startTimeMs, Long endTimeMs, Long resolutionMs) {
        checkUp();
        return io.performance(startTimeMs, endTimeMs, resolutionMs);
    }

    @Override
    public String checksum(String name, long offsetBytes, long length) {
        ReplicationFabric f = fabric;
        if (f != null) {
            f.checkPodIo(this, name);
        }
        return checksumLocal(name, offsetBytes, length);
    }

    // --- ReplicationArray: delegated to the fabric ---------------------------------------------

    private ReplicationFabric fabric() {
        checkUp();
        ReplicationFabric f = fabric;
        if (f == null) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_HOSTED", "Simulated array "
                    + config.name() + " runs stand-alone; pods and protection groups need a SimulatedArrayHost.");
        }
        return f;
    }

    @Override
    public PodRecord createPod(String name) {
        return fabric().createPod(this, name);
    }

    @Override
    public Optional<PodRecord> findPod(String name) {
        return fabric().findPod(this, name);
    }

    @Override
    public List<PodRecord> listPods() {
        return fabric().listPods(this);
    }

    @Override
    public PodRecord stretchPod(String podName, String arrayName) {
        return fabric().stretchPod(this, podName, arrayName);
    }

    @Override
    public PodRecord unstretchPod(String podName, String arrayName) {
        return fabric().unstretchPod(this, podName, arrayName);
    }

    @Override
    public PodRecord setFailoverPreferences(String podName, List<String> arrayNames) {
        return fabric().setFailoverPreferences(this, podName, arrayNames);
    }

    @Override
    public void destroyPod(String podName) {
        fabric().destroyPod(this, podName);
    }

    @Override
    public VolumeRecord moveVolume(String volumeName, String podName) {
        return fabric().moveVolume(this, volumeName, podName);
    }

    @Override
    public ProtectionGroupRecord createProtectionGroup(String name) {
        return fabric().groups().create(this, name);
    }

    @Override
    public Optional<ProtectionGroupRecord> findProtectionGroup(String name) {
        return fabric().groups().find(this, name);
    }

    @Override
    public List<ProtectionGroupRecord> listProtectionGroups() {
        return fabric().groups().list(this);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return fabric().groups().addTargets(this, groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return fabric().groups().removeTargets(this, groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed) {
        return fabric().groups().allow(this, remoteGroupName, allowed);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return fabric().groups().members(this, groupName, volumeNames, true);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return fabric().groups().members(this, groupName, volumeNames, false);
    }

    @Override
    public ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule) {
        return fabric().groups().schedule(this, groupName, schedule);
    }

    @Override
    public ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target) {
        return fabric().groups().retention(this, groupName, source, target);
    }

    @Override
    public PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention) {
        return fabric().groups().snapshotNow(this, groupName, suffix, replicateNow, applyRetention);
    }

    @Override
    public PgSnapshotRecord destroyProtectionGroupSnapshot(String name) {
        return fabric().groups().setSnapshotDestroyed(this, name, true);
    }

    @Override
    public PgSnapshotRecord recoverProtectionGroupSnapshot(String name) {
        return fabric().groups().setSnapshotDestroyed(this, name, false);
    }

    @Override
    public void eradicateProtectionGroupSnapshot(String name) {
        fabric().groups().eradicateSnapshot(this, name);
    }

    @Override
    public List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName) {
        return fabric().groups().snapshots(this, groupName);
    }

    @Override
    public List<PgTransferRecord> listProtectionGroupTransfers(String groupName) {
        return fabric().groups().transfers(this, groupName);
    }

    @Override
    public void destroyProtectionGroup(String groupName) {
        fabric().groups().destroy(this, groupName);
    }

    @Override
    public List<ArrayConnectionRecord> listArrayConnections() {
        return fabric().arrayConnections(this);
    }

    // --- replication internals (used by ReplicationFabric under its lock) ------------------------

    /** A volume or snapshot as stored, with (some of) its block map: block -> chunk hash. */
    record ObjectImage(Volume volume, Snapshot snapshot, NavigableMap<Long, byte[]> entries) {
        String name() {
            return volume != null ? volume.name() : snapshot.name();
        }

        boolean live() {
            return volume != null && !volume.destroyed();
        }
    }

    void attachFabric(ReplicationFabric f) {
        this.fabric = f;
    }

    void setStopped(boolean value) {
        stopped = value;
        LOG.info("{}: {}", config.name(), value ? "stopped (operator control)" : "started (operator control)");
    }

    boolean isStopped() {
        return stopped;
    }

    private void checkUp() {
        lock.readLock().lock();
        try {
            checkOpen();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Names of every volume and snapshot whose name starts with {@code prefix}. */
    List<String> objectNames(String prefix) {
        return read(() -> {
            List<String> out = new ArrayList<>(volumes.subMap(prefix, true, prefix + Character.MAX_VALUE, false)
                    .keySet());
            out.addAll(snapshots.subMap(prefix, true, prefix + Character.MAX_VALUE, false).keySet());
            return out;
        });
    }

    /**
     * The object with its whole block map, or only the given blocks ({@code null} = all); null if
     * there is no such object.
     */
    ObjectImage exportObject(String name, java.util.Collection<Long> onlyBlocks) {
        return readUnchecked(() -> {
            Volume v = volumes.get(name);
            Snapshot s = v == null ? snapshots.get(name) : null;
            if (v == null && s == null) {
                return null;
            }
            long mapId = v != null ? v.mapId() : s.mapId();
            NavigableMap<Long, byte[]> entries = blocks.hashes(mapId, onlyBlocks);
            return new ObjectImage(v, s, entries);
        });
    }

    /** Stored (compressed) body of a chunk, or null. */
    byte[] chunkBody(byte[] hash) {
        return readUnchecked(() -> blocks.chunkBody(hash));
    }

    boolean hasChunk(byte[] hash) {
        return readUnchecked(() -> store.get(store.meta(), BlockStore.refKey(hash)) != null);
    }

    /** Reads even when stopped: the fabric reads a stopped array's state only to persist or report it. */
    private <T> T readUnchecked(Supplier<T> body) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw EngineException.unavailable("ARRAY_CLOSED", "Simulated array " + config.name() + " is shut down.");
            }
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Makes objects here identical to the given images, in one durable batch, together with the
     * {@code meta} puts (null value = delete). An image with {@code partial} entries patches only those
     * blocks (a null hash unmaps one); otherwise the object's whole map is replaced. Objects keep the
     * image's identity (id, serial) unless its serial is null, then they get one of this array's.
     * {@code chunks} holds bodies for hashes this array lacks.
     */
    void importObjects(List<ObjectImage> images, boolean partial, Map<java.nio.ByteBuffer, byte[]> chunks,
            Map<String, byte[]> meta) {
        mutate(() -> {
            ArrayState next = state;
            try (Tx tx = new Tx()) {
                for (ObjectImage img : images) {
                    next = importInto(tx, img, partial, chunks, next);
                }
                putMetaInto(tx, meta);
                commit(tx, next);
            }
            return null;
        });
    }

    private ArrayState importInto(Tx tx, ObjectImage img, boolean partial, Map<java.nio.ByteBuffer, byte[]> chunks,
            ArrayState next) {
        String name = img.name();
        Volume oldV = volumes.get(name);
        Snapshot oldS = snapshots.get(name);
        long mapId;
        boolean wasLive;
        ArrayState after = next;
        if (oldV != null || oldS != null) {
            mapId = oldV != null ? oldV.mapId() : oldS.mapId();
            wasLive = oldV != null && !oldV.destroyed();
            if ((oldV == null) != (img.volume() == null)) {
                throw EngineException.failedPrecondition("REPLICA_KIND_MISMATCH", config.name() + ": " + name
                        + " is a " + (oldV != null ? "volume" : "snapshot") + " here but not on the source.");
            }
        } else {
            mapId = after.nextMapId();
            after = after.withMapId(mapId + 1);
            wasLive = img.live();
            if (partial) {
                throw new IllegalStateException("a partial image for a missing object " + name);
            }
        }
        boolean live = img.live();
        if (wasLive != live) {
            blocks.moveRefs(tx, mapId, live);
        }
        long written;
        if (partial) {
            long delta = 0;
            for (Map.Entry<Long, byte[]> e : img.entries().entrySet()) {
                delta += setEntry(tx, mapId, e.getKey(), e.getValue(), live, chunks);
            }
            long base = oldV != null ? oldV.writtenBlocks() : oldS.writtenBlocks();
            written = base + delta;
        } else {
            if (oldV != null || oldS != null) {
                blocks.releaseMap(tx, mapId, live);
            }
            for (Map.Entry<Long, byte[]> e : img.entries().entrySet()) {
                setEntry(tx, mapId, e.getKey(), e.getValue(), live, chunks);
            }
            written = img.entries().size();
        }
        if (img.volume() != null) {
            Volume v = img.volume();
            String serial = v.serial();
            if (serial == null) {
                serial = serial(after.nextSerial());
                after = after.withSerial(after.nextSerial() + 1);
            }
            putVolume(tx, new Volume(v.name(), v.id(), serial, v.provisionedBytes(), v.sourceName(), v.destroyed(),
                    v.createdEpochMillis(), v.destroyedEpochMillis(), mapId, written));
        } else {
            Snapshot s = img.snapshot();
            String serial = s.serial();
            if (serial == null) {
                serial = serial(after.nextSerial());
                after = after.withSerial(after.nextSerial() + 1);
            }
            putSnapshot(tx, new Snapshot(s.name(), s.id(), serial, s.sourceName(), s.suffix(), s.provisionedBytes(),
                    s.destroyed(), s.createdEpochMillis(), s.destroyedEpochMillis(), s.destroyedWithVolume(), mapId,
                    written));
        }
        return after;
    }

    private int setEntry(Tx tx, long mapId, long block, byte[] hash, boolean live,
            Map<java.nio.ByteBuffer, byte[]> chunks) {
        return blocks.setHash(tx, mapId, block, hash, () -> {
            byte[] body = chunks.get(java.nio.ByteBuffer.wrap(hash));
            if (body == null) {
                throw new IllegalStateException("replica chunk missing from the transfer");
            }
            return body;
        }, live);
    }

    /** Removes objects (volumes with their snapshots) outright, plus the meta changes, in one batch. */
    /** Destroys (or recovers) snapshots together with meta puts in one batch: a group snapshot's destroy. */
    void setSnapshotsDestroyed(List<String> names, boolean destroyed, Map<String, byte[]> meta) {
        mutate(() -> {
            try (Tx tx = new Tx()) {
                long now = clock.millis();
                for (String name : names) {
                    Snapshot s = snapshots.get(name);
                    if (s != null && s.destroyed() != destroyed) {
                        putSnapshot(tx, s.withDestroyed(destroyed, destroyed ? now : 0, false));
                    }
                }
                putMetaInto(tx, meta);
                commit(tx, state);
            }
            return null;
        });
    }

    void removeObjects(List<String> names, Map<String, byte[]> meta) {
        mutate(() -> {
            try (Tx tx = new Tx()) {
                Set<String> gone = new java.util.HashSet<>();
                for (String name : names) {
                    Volume v = volumes.get(name);
                    if (v != null && gone.add(name)) {
                        blocks.releaseMap(tx, v.mapId(), !v.destroyed());
                        deleteVolume(tx, name);
                    }
                    Snapshot s = snapshots.get(name);
                    if (s != null && gone.add(name)) {
                        blocks.releaseMap(tx, s.mapId(), false);
                        deleteSnapshot(tx, name);
                    }
                }
                for (Host h : hosts.values()) {
                    Map<String, Integer> c = new TreeMap<>(h.connections());
                    if (c.keySet().removeAll(gone)) {
                        putHost(tx, h.withConnections(c));
                    }
                }
                putMetaInto(tx, meta);
                commit(tx, state);
            }
            return null;
        });
    }

    /**
     * Snapshots several volumes at one instant in one batch (a protection group snapshot), with the
     * meta puts; names map volume -> snapshot name.
     */
    void snapshotVolumes(Map<String, String> names, String suffix, Map<String, byte[]> meta) {
        mutate(() -> {
            ArrayState next = state;
            try (Tx tx = new Tx()) {
                for (Map.Entry<String, String> e : names.entrySet()) {
                    Volume v = liveVolume(e.getKey());
                    checkSnapshotNameFree(e.getValue());
                    Snapshot s = new Snapshot(e.getValue(), UUID.randomUUID().toString(), serial(next.nextSerial()),
                            v.name(), suffix, v.provisionedBytes(), false, clock.millis(), 0, false,
                            next.nextMapId(), v.writtenBlocks());
                    blocks.copyMap(tx, v.mapId(), s.mapId(), false);
                    putSnapshot(tx, s);
                    next = next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1);
                }
                putMetaInto(tx, meta);
                commit(tx, next);
            }
            return null;
        });
    }

    private void putMetaInto(Tx tx, Map<String, byte[]> meta) {
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

    /** Durable meta puts (null = delete) in one batch; works on a stopped array (fabric bookkeeping). */
    void putMeta(Map<String, byte[]> meta) {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw EngineException.unavailable("ARRAY_CLOSED", "Simulated array " + config.name() + " is shut down.");
            }
            try (Tx tx = new Tx()) {
                putMetaInto(tx, meta);
                store.write(tx.batch);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** One meta value, decoded, or null. */
    <T> T getMeta(String key, Class<T> type) {
        return readUnchecked(() -> {
            byte[] raw = store.get(store.meta(), SimStore.bytes(key));
            return raw == null ? null : SimStore.fromJson(raw, type);
        });
    }

    /** Meta values under a key prefix, decoded. */
    <T> List<T> loadMeta(String prefix, Class<T> type) {
        return readUnchecked(() -> store.loadAll(prefix, type));
    }

    static byte[] dirtyKey(String pod, String object, long block) {
        byte[] p = MetaKeys.POD_DIRTY_BLOCK.key(pod + "\u0000" + object + "\u0000");
        return java.nio.ByteBuffer.allocate(p.length + 8).put(p).putLong(block).array();
    }

    /** Blocks changed in a pod since its peer went stale: object -> blocks (-1: the whole object). */
    Map<String, Set<Long>> dirtyBlocks(String pod) {
        return readUnchecked(() -> {
            Map<String, Set<Long>> out = new TreeMap<>();
            byte[] prefix = MetaKeys.POD_DIRTY_BLOCK.key(pod + "\u0000");
            store.scan(prefix, (key, value) -> {
                int end = key.length - 9;
                String object = new String(key, prefix.length, end - prefix.length,
                        java.nio.charset.StandardCharsets.UTF_8);
                long block = java.nio.ByteBuffer.wrap(key, key.length - 8, 8).getLong();
                out.computeIfAbsent(object, k -> new java.util.TreeSet<>()).add(block);
            });
            return out;
        });
    }

    void markDirty(String pod, String object, long block) {
        lock.writeLock().lock();
        try (Tx tx = new Tx()) {
            tx.put(dirtyKey(pod, object, block), new byte[0]);
            store.write(tx.batch);
        } finally {
            lock.writeLock().unlock();
        }
    }

    void clearDirty(String pod, Map<String, Set<Long>> done) {
        lock.writeLock().lock();
        try (Tx tx = new Tx()) {
            for (Map.Entry<String, Set<Long>> e : done.entrySet()) {
                for (long b : e.getValue()) {
                    tx.delete(dirtyKey(pod, e.getKey(), b));
                }
            }
            store.write(tx.batch);
        } finally {
            lock.writeLock().unlock();
        }
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

    // --- QoS, volume groups and tags -----------------------------------------------------------
    // Groups are stored under g/NAME; a volume's QoS and tags under x/VOLUME_ID, so they follow
    // renames and moves. Member volumes are the volumes named GROUP/...


    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume " + name);
        return podAware(name, objectsOf(name), () -> createVolumeLocal(name, provisionedBytes, qos));
    }

    @Override
    public QosLimits volumeQos(String volumeName) {
        return read(() -> extrasOf(existingVolume(volumeName)).limits());
    }

    @Override
    public Map<String, QosLimits> listVolumeQos() {
        return read(() -> {
            Map<String, QosLimits> out = new TreeMap<>();
            for (Volume v : volumes.values()) {
                VolumeExtras x = extras.get(v.id());
                if (x != null && !x.limits().unlimited()) {
                    out.put(v.name(), x.limits());
                }
            }
            return out;
        });
    }

    @Override
    public QosLimits setVolumeQos(String volumeName, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume " + volumeName);
        return mutate(() -> {
            Volume v = liveVolume(volumeName);
            try (Tx tx = new Tx()) {
                putExtras(tx, extrasOf(v).withLimits(qos));
                commit(tx, state);
            }
            LOG.debug("{}: volume {} QoS set to {}", config.name(), volumeName, qos);
            return qos;
        });
    }

    @Override
    public VolumeGroupRecord createVolumeGroup(String name, QosLimits qos) {
        Names.checkVolumeGroup(name);
        Objects.requireNonNull(qos, "qos").check("volume group " + name);
        return mutate(() -> {
            VolumeGroup existing = groups.get(name);
            if (existing != null && existing.destroyed()) {
                throw groupDestroyed(name);
            }
            if (existing != null) {
                throw EngineException.alreadyExists("VOLUME_GROUP_EXISTS", "Volume group " + name
                        + " already exists.");
            }
            VolumeGroup g = new VolumeGroup(name, UUID.randomUUID().toString(), false, null, null, clock.millis(), 0)
                    .withLimits(qos);
            try (Tx tx = new Tx()) {
                putGroup(tx, g);
                commit(tx, state);
            }
            LOG.debug("{}: created volume group {}", config.name(), name);
            return groupRecord(g);
        });
    }

    @Override
    public Optional<VolumeGroupRecord> findVolumeGroup(String name) {
        return read(() -> Optional.ofNullable(groups.get(name)).map(this::groupRecord));
    }

    @Override
    public List<VolumeGroupRecord> listVolumeGroups() {
        return read(() -> groups.values().stream().map(this::groupRecord).toList());
    }

    @Override
    public VolumeGroupRecord setVolumeGroupQos(String name, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume group " + name);
        return mutate(() -> {
            VolumeGroup g = liveGroup(name).withLimits(qos);
            try (Tx tx = new Tx()) {
                putGroup(tx, g);
                commit(tx, state);
            }
            return groupRecord(g);
        });
    }

    @Override
    public VolumeGroupRecord renameVolumeGroup(String name, String newName) {
        Names.checkVolumeGroup(newName);
        return mutate(() -> {
            VolumeGroup g = liveGroup(name);
            if (name.equals(newName)) {
                return groupRecord(g);
            }
            if (groups.containsKey(newName)) {
                throw EngineException.alreadyExists("VOLUME_GROUP_EXISTS", "Volume group " + newName
                        + " already exists; choose another name.");
            }
            Map<String, String> renames = new TreeMap<>();
            for (Volume v : volumesIn(name)) {
                String to = newName + VolumeGroups.SEPARATOR + v.name().substring(name.length() + 1);
                checkNameFree(to);
                renames.put(v.name(), to);
            }
            VolumeGroup renamed = g.withName(newName);
            try (Tx tx = new Tx()) {
                deleteGroup(tx, name);
                putGroup(tx, renamed);
                for (Map.Entry<String, String> r : renames.entrySet()) {
                    Volume v = volumes.get(r.getKey());
                    deleteVolume(tx, v.name());
                    putVolume(tx, v.withName(r.getValue()));
                    for (Snapshot s : snapshotsOf(v.name())) {
                        deleteSnapshot(tx, s.name());
                        putSnapshot(tx, s.withNames(r.getValue() + "." + s.suffix(), r.getValue(), s.suffix()));
                    }
                }
                for (Host h : hosts.values()) {
                    Map<String, Integer> c = new TreeMap<>();
                    h.connections().forEach((vol, lun) -> c.put(renames.getOrDefault(vol, vol), lun));
                    if (!c.equals(h.connections())) {
                        putHost(tx, h.withConnections(c));
                    }
                }
                commit(tx, state);
            }
            LOG.debug("{}: renamed volume group {} to {} ({} volumes)", config.name(), name, newName, renames.size());
            return groupRecord(renamed);
        });
    }

    @Override
    public VolumeGroupRecord destroyVolumeGroup(String name) {
        return mutate(() -> {
            VolumeGroup g = liveGroup(name);
            long live = volumesIn(name).stream().filter(v -> !v.destroyed()).count();
            if (live > 0) {
                throw EngineException.failedPrecondition("VOLUME_GROUP_NOT_EMPTY", "Volume group " + name
                        + " is not empty: it holds " + live + " live volume(s); destroy or move them first.");
            }
            VolumeGroup gone = g.withDestroyed(true, clock.millis());
            try (Tx tx = new Tx()) {
                putGroup(tx, gone);
                commit(tx, state);
            }
            LOG.debug("{}: destroyed volume group {}", config.name(), name);
            return groupRecord(gone);
        });
    }

    @Override
    public VolumeGroupRecord recoverVolumeGroup(String name) {
        return mutate(() -> {
            VolumeGroup g = existingGroup(name);
            if (!g.destroyed()) {
                throw notDestroyed("volume group", name, "recover");
            }
            VolumeGroup back = g.withDestroyed(false, 0);
            try (Tx tx = new Tx()) {
                putGroup(tx, back);
                commit(tx, state);
            }
            return groupRecord(back);
        });
    }

    @Override
    public void eradicateVolumeGroup(String name, boolean eradicateContents) {
        mutate(() -> {
            VolumeGroup g = existingGroup(name);
            if (!g.destroyed()) {
                throw notDestroyed("volume group", name, "eradicate");
            }
            List<Volume> members = volumesIn(name);
            if (!members.isEmpty() && !eradicateContents) {
                throw EngineException.failedPrecondition("VOLUME_GROUP_HAS_VOLUMES", "Volume group " + name
                        + " is not empty: it holds " + members.size() + " destroyed volume(s); eradicate them first or"
                        + " pass eradicate_contents=true.");
            }
            try (Tx tx = new Tx()) {
                for (Volume v : members) {
                    eradicateVolumeInto(tx, v);
                }
                deleteGroup(tx, name);
                commit(tx, state);
            }
            LOG.debug("{}: eradicated volume group {} ({} volumes)", config.name(), name, members.size());
            return null;
        });
    }

    @Override
    public VolumeRecord moveVolumeToGroup(String volumeName, String groupName) {
        Objects.requireNonNull(volumeName, "volumeName");
        if (groupName != null && !groupName.isEmpty()) {
            Names.checkVolumeGroup(groupName);
        }
        String base = volumeName.substring(volumeName.indexOf(VolumeGroups.SEPARATOR) + 1);
        String target = groupName == null || groupName.isEmpty() ? base : groupName + VolumeGroups.SEPARATOR + base;
        return renameVolumeLocal(volumeName, target);
    }

    @Override
    public List<VolumeTag> listVolumeTags(Collection<String> volumeNames) {
        return read(() -> {
            List<Volume> of = new ArrayList<>();
            if (volumeNames == null || volumeNames.isEmpty()) {
                of.addAll(volumes.values());
            } else {
                for (String n : new TreeSet<>(volumeNames)) {
                    of.add(existingVolume(n));
                }
            }
            List<VolumeTag> out = new ArrayList<>();
            for (Volume v : of) {
                for (Tag t : extrasOf(v).tags()) {
                    out.add(new VolumeTag(v.name(), t.namespace(), t.key(), t.value(), t.copyable()));
                }
            }
            return out;
        });
    }

    @Override
    public List<VolumeTag> putVolumeTags(List<VolumeTag> tags) {
        Objects.requireNonNull(tags, "tags");
        for (VolumeTag t : tags) {
            checkTag(t);
        }
        return mutate(() -> {
            Map<String, List<Tag>> byVolume = new TreeMap<>();
            for (VolumeTag t : tags) {
                Volume v = existingVolume(t.resourceName());
                List<Tag> current = byVolume.computeIfAbsent(v.id(), id -> new ArrayList<>(extrasOf(v).tags()));
                current.removeIf(old -> old.namespace().equals(t.namespace()) && old.key().equals(t.key()));
                current.add(new Tag(t.namespace(), t.key(), t.value(), t.copyable()));
            }
            try (Tx tx = new Tx()) {
                for (Map.Entry<String, List<Tag>> e : byVolume.entrySet()) {
                    VolumeExtras x = extras.getOrDefault(e.getKey(), new VolumeExtras(e.getKey(), null, null, List.of()));
                    putExtras(tx, x.withTags(e.getValue()));
                }
                commit(tx, state);
            }
            return List.copyOf(tags);
        });
    }

    @Override
    public int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys) {
        String ns = namespace == null || namespace.isEmpty() ? VolumeTag.DEFAULT_NAMESPACE : namespace;
        return mutate(() -> {
            VolumeExtras x = extrasOf(existingVolume(volumeName));
            List<Tag> kept = x.tags().stream().filter(t -> !(t.namespace().equals(ns)
                    && (keys == null || keys.isEmpty() || keys.contains(t.key())))).toList();
            int removed = x.tags().size() - kept.size();
            if (removed > 0) {
                try (Tx tx = new Tx()) {
                    putExtras(tx, x.withTags(kept));
                    commit(tx, state);
                }
            }
            return removed;
        });
    }

    private static void checkTag(VolumeTag t) {
        if (t.key().isEmpty() || t.key().length() > VolumeTag.MAX_KEY_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_KEY", "Tag key '" + t.key() + "' for volume "
                    + t.resourceName() + " is invalid: use 1-" + VolumeTag.MAX_KEY_LENGTH + " characters.");
        }
        if (t.value().length() > VolumeTag.MAX_VALUE_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_VALUE", "Tag value for key '" + t.key()
                    + "' of volume " + t.resourceName() + " is too long: use at most " + VolumeTag.MAX_VALUE_LENGTH
                    + " characters.");
        }
        if (t.namespace().length() > VolumeTag.MAX_KEY_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_NAMESPACE", "Tag namespace '" + t.namespace()
                    + "' is too long: use at most " + VolumeTag.MAX_KEY_LENGTH + " characters.");
        }
    }

    /** Eradicates destroyed, empty groups past the eradication delay (under the write lock). */
    private int eradicateExpiredGroups(long cutoff) {
        int count = 0;
        for (VolumeGroup g : List.copyOf(groups.values())) {
            if (g.destroyed() && g.destroyedEpochMillis() <= cutoff && volumesIn(g.name()).isEmpty()) {
                try (Tx tx = new Tx()) {
                    deleteGroup(tx, g.name());
                    commit(tx, state);
                    count++;
                }
            }
        }
        return count;
    }

    /** Waits for the QoS of the volume and its group to allow one I/O; snapshots are not limited. */
    private void throttle(String name, long bytes) {
        Map<String, QosLimits> owners = read(() -> {
            Volume v = name == null ? null : volumes.get(name);
            if (v == null) {
                return Map.<String, QosLimits>of();
            }
            Map<String, QosLimits> out = new HashMap<>(2);
            VolumeExtras x = extras.get(v.id());
            if (x != null && !x.limits().unlimited()) {
                out.put(v.id(), x.limits());
            }
            VolumeGroup g = groups.get(VolumeGroups.groupOf(name));
            if (g != null && !g.limits().unlimited()) {
                out.put(g.id(), g.limits());
            }
            return out;
        });
        if (!owners.isEmpty()) {
            throttle.acquire(owners, bytes);
        }
    }

    /** A {@code group/volume} name needs a live group (called under the write lock). */
    private void checkGroupLive(String volumeName) {
        String group = VolumeGroups.groupOf(volumeName);
        if (!group.isEmpty()) {
            liveGroup(group);
        }
    }

    private VolumeGroup existingGroup(String name) {
        VolumeGroup g = groups.get(name);
        if (g == null) {
            throw EngineException.notFound("VOLUME_GROUP_NOT_FOUND", "Volume group " + name
                    + " does not exist; create it first.");
        }
        return g;
    }

    private VolumeGroup liveGroup(String name) {
        VolumeGroup g = existingGroup(name);
        if (g.destroyed()) {
            throw groupDestroyed(name);
        }
        return g;
    }

    private static EngineException groupDestroyed(String name) {
        return EngineException.failedPrecondition("VOLUME_GROUP_DESTROYED", "Volume group " + name
                + " has been destroyed; recover it, or eradicate it before creating it again.");
    }

    /** Member volumes (live and destroyed): names from "group/" up to "group0" ('0' follows '/'). */
    private List<Volume> volumesIn(String group) {
        return List.copyOf(volumes.subMap(group + VolumeGroups.SEPARATOR, true, group + "0", false).values());
    }

    private VolumeGroupRecord groupRecord(VolumeGroup g) {
        int live = (int) volumesIn(g.name()).stream().filter(v -> !v.destroyed()).count();
        return new VolumeGroupRecord(g.name(), g.id(), g.destroyed(), g.limits(), live, g.createdEpochMillis(),
                g.destroyedEpochMillis());
    }

    private VolumeExtras extrasOf(Volume v) {
        VolumeExtras x = extras.get(v.id());
        return x != null ? x : new VolumeExtras(v.id(), null, null, List.of());
    }

    private void putGroup(Tx tx, VolumeGroup g) {
        tx.put(MetaKeys.VOLUME_GROUP.key(g.name()), SimStore.toJson(g));
        tx.then(() -> groups.put(g.name(), g));
    }

    private void deleteGroup(Tx tx, String name) {
        tx.delete(MetaKeys.VOLUME_GROUP.key(name));
        tx.then(() -> groups.remove(name));
    }

    /** Writes a volume's QoS and tags; with neither left the key is deleted. */
    private void putExtras(Tx tx, VolumeExtras x) {
        byte[] key = MetaKeys.VOLUME_EXTRAS.key(x.volumeId());
        if (x.empty()) {
            tx.delete(key);
            tx.then(() -> extras.remove(x.volumeId()));
        } else {
            tx.put(key, SimStore.toJson(x));
            tx.then(() -> extras.put(x.volumeId(), x));
        }
    }
}
