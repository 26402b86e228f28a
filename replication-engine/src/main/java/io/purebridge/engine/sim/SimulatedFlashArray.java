package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.StoredState.ArrayState;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
public final class SimulatedFlashArray implements FlashArray, BlockDataAccess, AutoCloseable {
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
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<String, Volume> volumes = new TreeMap<>();
    private final NavigableMap<String, Snapshot> snapshots = new TreeMap<>();
    private final NavigableMap<String, Host> hosts = new TreeMap<>();
    private ArrayState state;
    private boolean closed;

    /** Opens (or creates) the array whose store is {@code directory}. */
    public SimulatedFlashArray(SimulatedArrayConfig config, Path directory, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new SimStore(config.name(), directory);
        this.blocks = new BlockStore(store);
        try {
            load();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void load() {
        byte[] raw = store.get(store.meta(), SimStore.ARRAY_KEY);
        if (raw == null) {
            String id = UUID.randomUUID().toString();
            String prefix = id.replace("-", "").substring(16, 32).toUpperCase(Locale.ROOT);
            ArrayState fresh = new ArrayState(id, prefix, 1, 1, 1, clock.millis(), 0, 0);
            try (Tx tx = new Tx()) {
                tx.put(SimStore.ARRAY_KEY, SimStore.toJson(fresh));
                store.write(tx.batch);
            }
            state = fresh;
            LOG.info("{}: created simulated array id {}", config.name(), id);
        } else {
            state = SimStore.fromJson(raw, ArrayState.class);
        }
        store.loadAll(SimStore.VOLUME_PREFIX, Volume.class).forEach(v -> volumes.put(v.name(), v));
        store.loadAll(SimStore.SNAPSHOT_PREFIX, Snapshot.class).forEach(s -> snapshots.put(s.name(), s));
        store.loadAll(SimStore.HOST_PREFIX, Host.class).forEach(h -> hosts.put(h.name(), h));
        LOG.info("{}: opened with {} volumes, {} snapshots, {} hosts", config.name(), volumes.size(),
                snapshots.size(), hosts.size());
    }

    public String name() {
        return config.name();
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
        tx.put(SimStore.ARRAY_KEY, SimStore.toJson(withSpace));
        store.write(tx.batch);
        state = withSpace;
        tx.applyMemory();
    }

    private void putVolume(Tx tx, Volume v) {
        tx.put(SimStore.bytes(SimStore.VOLUME_PREFIX + v.name()), SimStore.toJson(v));
        tx.then(() -> volumes.put(v.name(), v));
    }

    private void deleteVolume(Tx tx, String name) {
        tx.delete(SimStore.bytes(SimStore.VOLUME_PREFIX + name));
        tx.then(() -> volumes.remove(name));
    }

    private void putSnapshot(Tx tx, Snapshot s) {
        tx.put(SimStore.bytes(SimStore.SNAPSHOT_PREFIX + s.name()), SimStore.toJson(s));
        tx.then(() -> snapshots.put(s.name(), s));
    }

    private void deleteSnapshot(Tx tx, String name) {
        tx.delete(SimStore.bytes(SimStore.SNAPSHOT_PREFIX + name));
        tx.then(() -> snapshots.remove(name));
    }

    private void putHost(Tx tx, Host h) {
        tx.put(SimStore.bytes(SimStore.HOST_PREFIX + h.name()), SimStore.toJson(h));
        tx.then(() -> hosts.put(h.name(), h));
    }

    private void deleteHostState(Tx tx, String name) {
        tx.delete(SimStore.bytes(SimStore.HOST_PREFIX + name));
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

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes) {
        Names.checkVolume(name);
        checkSize(name, provisionedBytes);
        return mutate(() -> {
            checkNameFree(name);
            Volume v = new Volume(name, UUID.randomUUID().toString(), serial(state.nextSerial()), provisionedBytes,
                    null, false, clock.millis(), 0, state.nextMapId(), 0);
            try (Tx tx = new Tx()) {
                putVolume(tx, v);
                commit(tx, state.withSerial(state.nextSerial() + 1).withMapId(state.nextMapId() + 1));
            }
            LOG.debug("{}: created volume {} ({} bytes)", config.name(), name, provisionedBytes);
            return v.toRecord();
        });
    }

    @Override
    public VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite) {
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
                if (overwrite) {
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

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return read(() -> Optional.ofNullable(volumes.get(name)).map(Volume::toRecord));
    }

    @Override
    public List<VolumeRecord> listVolumes() {
        return read(() -> volumes.values().stream().map(Volume::toRecord).toList());
    }

    @Override
    public VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
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

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        Names.checkVolume(newName);
        return mutate(() -> {
            Volume v = liveVolume(name);
            if (!Names.podOf(name).equals(Names.podOf(newName))) {
                throw EngineException.invalidArgument("RENAME_CHANGES_POD", "Cannot rename volume " + name + " to "
                        + newName + ": a rename keeps the pod prefix; move volumes between pods explicitly.");
            }
            if (name.equals(newName)) {
                return v.toRecord();
            }
            checkNameFree(newName);
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

    @Override
    public void destroyVolume(String name) {
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

    @Override
    public VolumeRecord recoverVolume(String name) {
        return mutate(() -> {
            Volume v = existingVolume(name);
            if (!v.destroyed()) {
                throw notDestroyed("volume", name, "recover");
            }
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

    @Override
    public void eradicateVolume(String name) {
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
            if (count > 0) {
                LOG.info("{}: eradicated {} objects past the eradication delay", config.name(), count);
            }
            return count;
        });
    }

    // --- snapshots -----------------------------------------------------------------------------

    @Override
    public SnapshotRecord createSnapshot(String volumeName, String suffix) {
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

    @Override
    public SnapshotRecord renameSnapshot(String name, String newName) {
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

    @Override
    public void destroySnapshot(String name) {
        mutate(() -> {
            Snapshot s = liveSnapshot(name);
            try (Tx tx = new Tx()) {
                putSnapshot(tx, s.withDestroyed(true, clock.millis(), false));
                commit(tx, state);
            }
            return null;
        });
    }

    @Override
    public void eradicateSnapshot(String name) {
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

    @Override
    public void write(String volumeName, long offsetBytes, byte[] data) {
        Objects.requireNonNull(data, "data");
        checkIoSize(volumeName, data.length);
        // Hash and compress whole blocks before taking the lock, so other callers are not held up.
        Map<Long, BlockStore.Prepared> prepared = new HashMap<>();
        if (offsetBytes >= 0 && data.length > 0) {
            long first = (offsetBytes + BlockStore.BLOCK_SIZE - 1) / BlockStore.BLOCK_SIZE;
            for (long b = first; (b + 1) * BlockStore.BLOCK_SIZE <= offsetBytes + data.length; b++) {
                int from = (int) (b * BlockStore.BLOCK_SIZE - offsetBytes);
                prepared.put(b, BlockStore.prepare(
                        Arrays.copyOfRange(data, from, from + BlockStore.BLOCK_SIZE)));
            }
        }
        mutate(() -> {
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
                }
                putVolume(tx, v.withData(v.provisionedBytes(), written));
                commit(tx, state);
            }
            return null;
        });
    }

    @Override
    public byte[] read(String name, long offsetBytes, int length) {
        checkIoSize(name, length);
        return read(() -> {
            long[] map = dataSource(name);
            checkRange(name, map[1], offsetBytes, length);
            byte[] out = new byte[length];
            blocks.read(map[0], offsetBytes, out, 0, length);
            return out;
        });
    }

    @Override
    public String checksum(String name, long offsetBytes, long length) {
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
     * ones (test oracle, operator fsck). Returns the problems found; empty when consistent.
     */
    List<String> checkConsistency() {
        return read(() -> {
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
        });
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
