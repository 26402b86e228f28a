package io.purebridge.engine.sim;

import io.purebridge.engine.sim.StoredState.VolumeExtras;
import java.util.Objects;
import static io.purebridge.engine.sim.ArrayCatalog.checkSize;
import static io.purebridge.engine.sim.ArrayCatalog.destroyed;
import static io.purebridge.engine.sim.ArrayCatalog.notDestroyed;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.ArrayState;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes and snapshots of one array, on this array only: create, copy, resize, rename, destroy,
 * recover, eradicate. Pod routing (mirroring to a pod's other array) is {@link PodRouting}'s job;
 * these methods never replicate.
 */
final class Volumes {
    private static final Logger LOG = LoggerFactory.getLogger(Volumes.class);

    private final ArrayCatalog c;

    Volumes(ArrayCatalog catalog) {
        this.c = catalog;
    }

    VolumeRecord create(String name, long provisionedBytes, QosLimits qos) {
        Names.checkVolume(name);
        checkSize(name, provisionedBytes);
        return c.mutate(() -> {
            c.checkNameFree(name);
            c.checkGroupLive(name);
            Volume v = new Volume(name, UUID.randomUUID().toString(), c.serial(c.state.nextSerial()), provisionedBytes,
                    null, false, c.clock.millis(), 0, c.state.nextMapId(), 0);
            try (Tx tx = new Tx()) {
                c.putVolume(tx, v);
                if (!qos.unlimited()) {
                    c.putExtras(tx, new VolumeExtras(v.id(), qos.bandwidthBytesPerSecond(), qos.iops(), List.of()));
                }
                c.commit(tx, c.state.withSerial(c.state.nextSerial() + 1).withMapId(c.state.nextMapId() + 1));
            }
            LOG.debug("{}: created volume {} ({} bytes)", c.name(), name, provisionedBytes);
            return v.toRecord();
        });
    }

    VolumeRecord copy(String sourceName, String targetName, boolean overwrite) {
        Objects.requireNonNull(sourceName, "sourceName");
        Names.checkVolume(targetName);
        return c.mutate(() -> {
            long sourceMap;
            long sourceSize;
            long sourceBlocks;
            Snapshot snap = c.snapshots.get(sourceName);
            if (snap != null) {
                if (snap.destroyed()) {
                    throw destroyed("Snapshot", sourceName);
                }
                sourceMap = snap.mapId();
                sourceSize = snap.provisionedBytes();
                sourceBlocks = snap.writtenBlocks();
            } else {
                Volume src = c.volumes.get(sourceName);
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
                ArrayState next = c.state;
                if (overwrite && c.volumes.containsKey(targetName)) {
                    Volume target = c.liveVolume(targetName);
                    if (sourceName.equals(targetName)) {
                        throw EngineException.invalidArgument("SAME_SOURCE_AND_TARGET", "Cannot copy volume "
                                + sourceName + " onto itself; choose a different target.");
                    }
                    c.blocks.releaseMap(tx, target.mapId(), true);
                    c.blocks.copyMap(tx, sourceMap, target.mapId(), true);
                    result = target.withData(sourceSize, sourceBlocks);
                } else {
                    c.checkNameFree(targetName);
                    c.checkGroupLive(targetName);
                    result = new Volume(targetName, UUID.randomUUID().toString(), c.serial(c.state.nextSerial()),
                            sourceSize, sourceName, false, c.clock.millis(), 0, c.state.nextMapId(), sourceBlocks);
                    c.blocks.copyMap(tx, sourceMap, result.mapId(), true);
                    next = c.state.withSerial(c.state.nextSerial() + 1).withMapId(c.state.nextMapId() + 1);
                }
                c.putVolume(tx, result);
                c.commit(tx, next);
                LOG.debug("{}: copied {} to {} (overwrite={})", c.name(), sourceName, targetName, overwrite);
                return result.toRecord();
            }
        });
    }

    /**
     * Many overwriting copies in one WriteBatch (one fsync): how a failover restores a whole group
     * snapshot. Each copy is checked first (source live, target outside pods and not destroyed);
     * those that fail are reported and the others applied together.
     */
    Map<String, EngineException> copyMany(Map<String, String> sourcesByTarget, Consumer<String> checkSourceIo) {
        Map<String, EngineException> failures = new java.util.LinkedHashMap<>();
        Map<String, String> todo = new java.util.LinkedHashMap<>();
        sourcesByTarget.forEach((target, source) -> {
            try {
                Names.checkVolume(target);
                if (!Names.podOfObject(target).isEmpty()) {
                    throw EngineException.invalidArgument("POD_TARGET_IN_BULK_COPY", "Volume " + target
                            + " is in a pod; copy it on its own so the pod mirrors it.");
                }
                checkSourceIo.accept(source);
                todo.put(target, source);
            } catch (EngineException e) {
                failures.put(target, e);
            }
        });
        if (todo.isEmpty()) {
            return failures;
        }
        c.mutate(() -> {
            try (Tx tx = new Tx()) {
                ArrayState next = c.state;
                int copied = 0;
                for (Map.Entry<String, String> e : todo.entrySet()) {
                    String target = e.getKey();
                    String source = e.getValue();
                    long sourceMap;
                    long sourceSize;
                    long sourceBlocks;
                    Volume existing;
                    try {
                        Snapshot snap = c.snapshots.get(source);
                        if (snap != null) {
                            if (snap.destroyed()) {
                                throw destroyed("Snapshot", source);
                            }
                            sourceMap = snap.mapId();
                            sourceSize = snap.provisionedBytes();
                            sourceBlocks = snap.writtenBlocks();
                        } else {
                            Volume src = c.volumes.get(source);
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
                        existing = c.volumes.get(target);
                        if (existing != null) {
                            existing = c.liveVolume(target);
                        } else {
                            c.checkGroupLive(target);
                        }
                    } catch (EngineException error) {
                        failures.put(target, error);
                        continue;
                    }
                    Volume result;
                    if (existing != null) {
                        c.blocks.releaseMap(tx, existing.mapId(), true);
                        c.blocks.copyMap(tx, sourceMap, existing.mapId(), true);
                        result = existing.withData(sourceSize, sourceBlocks);
                    } else {
                        result = new Volume(target, UUID.randomUUID().toString(), c.serial(next.nextSerial()),
                                sourceSize, source, false, c.clock.millis(), 0, next.nextMapId(), sourceBlocks);
                        c.blocks.copyMap(tx, sourceMap, result.mapId(), true);
                        next = next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1);
                    }
                    c.putVolume(tx, result);
                    copied++;
                }
                c.commit(tx, next);
                LOG.debug("{}: copied {} volumes in one batch", c.name(), copied);
            }
            return null;
        });
        return failures;
    }

    Optional<VolumeRecord> find(String name) {
        return c.read(() -> Optional.ofNullable(c.volumes.get(name)).map(Volume::toRecord));
    }

    List<VolumeRecord> list() {
        return c.read(() -> c.volumes.values().stream().map(Volume::toRecord).toList());
    }

    VolumeRecord resize(String name, long provisionedBytes, boolean truncate) {
        checkSize(name, provisionedBytes);
        return c.mutate(() -> {
            Volume v = c.liveVolume(name);
            if (provisionedBytes < v.provisionedBytes() && !truncate) {
                throw EngineException.outOfRange("SHRINK_NEEDS_TRUNCATE", "Volume " + name + " is "
                        + v.provisionedBytes() + " bytes; shrinking it to " + provisionedBytes
                        + " bytes discards data and needs truncate=true.");
            }
            try (Tx tx = new Tx()) {
                long written = v.writtenBlocks();
                if (provisionedBytes < v.provisionedBytes()) {
                    written += c.blocks.truncate(tx, v.mapId(), provisionedBytes, true);
                }
                Volume resized = v.withData(provisionedBytes, written);
                c.putVolume(tx, resized);
                c.commit(tx, c.state);
                return resized.toRecord();
            }
        });
    }

    VolumeRecord rename(String name, String newName, boolean acrossPods) {
        Names.checkVolume(newName);
        return c.mutate(() -> {
            Volume v = c.liveVolume(name);
            if (!acrossPods && !Names.podOfObject(name).equals(Names.podOfObject(newName))) {
                throw EngineException.invalidArgument("RENAME_CHANGES_POD", "Cannot rename volume " + name + " to "
                        + newName + ": a rename keeps the pod prefix; move volumes between pods explicitly.");
            }
            if (name.equals(newName)) {
                return v.toRecord();
            }
            c.checkNameFree(newName);
            c.checkGroupLive(newName);
            Volume renamed = v.withName(newName);
            try (Tx tx = new Tx()) {
                c.deleteVolume(tx, name);
                c.putVolume(tx, renamed);
                for (Snapshot s : c.snapshotsOf(name)) {
                    c.deleteSnapshot(tx, s.name());
                    c.putSnapshot(tx, s.withNames(newName + "." + s.suffix(), newName, s.suffix()));
                }
                for (Host h : c.hosts.values()) {
                    Integer lun = h.connections().get(name);
                    if (lun != null) {
                        Map<String, Integer> luns = new TreeMap<>(h.connections());
                        luns.remove(name);
                        luns.put(newName, lun);
                        c.putHost(tx, h.withConnections(luns));
                    }
                }
                c.commit(tx, c.state);
            }
            return renamed.toRecord();
        });
    }

    void destroy(String name) {
        c.mutate(() -> {
            Volume v = c.liveVolume(name);
            int connections = c.connectionCount(name);
            if (connections > 0) {
                throw EngineException.failedPrecondition("VOLUME_CONNECTED", "Volume " + name
                        + " cannot be destroyed: it has " + connections
                        + " host connection(s); disconnect it from every host first.");
            }
            long now = c.clock.millis();
            try (Tx tx = new Tx()) {
                c.blocks.moveRefs(tx, v.mapId(), false);
                c.putVolume(tx, v.withDestroyed(true, now));
                for (Snapshot s : c.snapshotsOf(name)) {
                    if (!s.destroyed()) {
                        c.putSnapshot(tx, s.withDestroyed(true, now, true));
                    }
                }
                c.commit(tx, c.state);
            }
            LOG.debug("{}: destroyed volume {}", c.name(), name);
            return null;
        });
    }

    VolumeRecord recover(String name) {
        return c.mutate(() -> {
            Volume v = c.existingVolume(name);
            if (!v.destroyed()) {
                throw notDestroyed("volume", name, "recover");
            }
            c.checkGroupLive(name);
            Volume recovered = v.withDestroyed(false, 0);
            try (Tx tx = new Tx()) {
                c.blocks.moveRefs(tx, v.mapId(), true);
                c.putVolume(tx, recovered);
                for (Snapshot s : c.snapshotsOf(name)) {
                    if (s.destroyedWithVolume()) {
                        c.putSnapshot(tx, s.withDestroyed(false, 0, false));
                    }
                }
                c.commit(tx, c.state);
            }
            return recovered.toRecord();
        });
    }

    void eradicate(String name) {
        c.mutate(() -> {
            Volume v = c.existingVolume(name);
            if (!v.destroyed()) {
                throw notDestroyed("volume", name, "eradicate");
            }
            try (Tx tx = new Tx()) {
                c.eradicateVolumeInto(tx, v);
                c.commit(tx, c.state);
            }
            LOG.debug("{}: eradicated volume {}", c.name(), name);
            return null;
        });
    }

    /**
     * Eradicates every destroyed volume and snapshot destroyed at or before {@code cutoff} (under the write lock).
     *
     * @return how many objects were eradicated
     */
    int eradicateExpired(long cutoff) {
        int count = 0;
        for (Volume v : List.copyOf(c.volumes.values())) {
            if (v.destroyed() && v.destroyedEpochMillis() <= cutoff) {
                try (Tx tx = new Tx()) {
                    count += 1 + c.snapshotsOf(v.name()).size();
                    c.eradicateVolumeInto(tx, v);
                    c.commit(tx, c.state);
                }
            }
        }
        for (Snapshot s : List.copyOf(c.snapshots.values())) {
            if (s.destroyed() && s.destroyedEpochMillis() <= cutoff && c.snapshots.containsKey(s.name())) {
                try (Tx tx = new Tx()) {
                    c.blocks.releaseMap(tx, s.mapId(), false);
                    c.deleteSnapshot(tx, s.name());
                    c.commit(tx, c.state);
                    count++;
                }
            }
        }
        return count;
    }

    SnapshotRecord createSnapshot(String volumeName, String suffix) {
        if (suffix != null) {
            Names.checkSuffix(suffix);
        }
        return c.mutate(() -> {
            Volume v = c.liveVolume(volumeName);
            ArrayState next = c.state;
            String sfx = suffix;
            if (sfx == null) {
                long number = c.state.nextSnapshotNumber();
                while (c.snapshots.containsKey(volumeName + "." + number)) {
                    number++; // a caller chose this numeric suffix explicitly
                }
                sfx = Long.toString(number);
                next = next.withSnapshotNumber(number + 1);
            }
            String name = volumeName + "." + sfx;
            c.checkSnapshotNameFree(name);
            Snapshot s = new Snapshot(name, UUID.randomUUID().toString(), c.serial(next.nextSerial()), volumeName, sfx,
                    v.provisionedBytes(), false, c.clock.millis(), 0, false, next.nextMapId(), v.writtenBlocks());
            try (Tx tx = new Tx()) {
                c.blocks.copyMap(tx, v.mapId(), s.mapId(), false);
                c.putSnapshot(tx, s);
                c.commit(tx, next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1));
            }
            return s.toRecord();
        });
    }

    Optional<SnapshotRecord> findSnapshot(String name) {
        return c.read(() -> Optional.ofNullable(c.snapshots.get(name)).map(Snapshot::toRecord));
    }

    List<SnapshotRecord> listSnapshots(String volumeName) {
        return c.read(() -> {
            if (volumeName == null) {
                return c.snapshots.values().stream().map(Snapshot::toRecord).toList();
            }
            return c.snapshotsOf(volumeName).stream().map(Snapshot::toRecord).toList();
        });
    }

    SnapshotRecord renameSnapshot(String name, String newName) {
        Objects.requireNonNull(newName, "newName");
        return c.mutate(() -> {
            Snapshot s = c.liveSnapshot(name);
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
            c.checkSnapshotNameFree(newName);
            Snapshot renamed = s.withNames(newName, s.sourceName(), suffix);
            try (Tx tx = new Tx()) {
                c.deleteSnapshot(tx, name);
                c.putSnapshot(tx, renamed);
                c.commit(tx, c.state);
            }
            return renamed.toRecord();
        });
    }

    void destroySnapshot(String name) {
        c.mutate(() -> {
            Snapshot s = c.liveSnapshot(name);
            try (Tx tx = new Tx()) {
                c.putSnapshot(tx, s.withDestroyed(true, c.clock.millis(), false));
                c.commit(tx, c.state);
            }
            return null;
        });
    }

    void eradicateSnapshot(String name) {
        c.mutate(() -> {
            Snapshot s = c.existingSnapshot(name);
            if (!s.destroyed()) {
                throw notDestroyed("snapshot", name, "eradicate");
            }
            try (Tx tx = new Tx()) {
                c.blocks.releaseMap(tx, s.mapId(), false);
                c.deleteSnapshot(tx, name);
                c.commit(tx, c.state);
            }
            return null;
        });
    }
}
