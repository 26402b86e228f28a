package io.purebridge.engine.sim;


import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.ArrayState;
import io.purebridge.engine.sim.StoredState.Host;
import io.purebridge.engine.sim.StoredState.Snapshot;
import io.purebridge.engine.sim.StoredState.Volume;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** One simulated array as replication sees it: {@link ReplicaStore} over the array's catalog. */
final class ArrayReplicaStore implements ReplicaStore {
    private final ArrayCatalog c;
    private final Volumes volumes;
    private final DataPath data;

    ArrayReplicaStore(ArrayCatalog catalog, Volumes volumes, DataPath data) {
        this.c = catalog;
        this.volumes = volumes;
        this.data = data;
    }

    @Override
    public String name() {
        return c.name();
    }

    @Override
    public String id() {
        return c.state.id();
    }

    @Override
    public void setStopped(boolean stopped) {
        c.setStopped(stopped);
    }

    @Override
    public java.time.Duration eradicationDelay() {
        return c.config.eradicationDelay();
    }

    @Override
    public boolean isStopped() {
        return c.isStopped();
    }

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return volumes.find(name);
    }

    @Override
    public List<SnapshotRecord> listSnapshots(String volumeName) {
        return volumes.listSnapshots(volumeName);
    }

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        return volumes.rename(name, newName, true);
    }

    @Override
    public void write(String volumeName, long offsetBytes, byte[] data, Map<Long, BlockStore.Prepared> prepared,
            String dirtyPod) {
        this.data.writePrepared(volumeName, offsetBytes, data, prepared, dirtyPod);
    }

    /** Names of every volume and snapshot whose name starts with {@code prefix}. */
    @Override
    public List<String> objectNames(String prefix) {
        return c.read(() -> {
            List<String> out = new ArrayList<>(c.volumes.subMap(prefix, true, prefix + Character.MAX_VALUE, false)
                    .keySet());
            out.addAll(c.snapshots.subMap(prefix, true, prefix + Character.MAX_VALUE, false).keySet());
            return out;
        });
    }

    /**
     * The object with its whole block map, or only the given blocks ({@code null} = all); null if
     * there is no such object.
     */
    @Override
    public ObjectImage exportObject(String name, Collection<Long> onlyBlocks) {
        return c.readEvenStopped(() -> {
            Volume v = c.volumes.get(name);
            Snapshot s = v == null ? c.snapshots.get(name) : null;
            if (v == null && s == null) {
                return null;
            }
            long mapId = v != null ? v.mapId() : s.mapId();
            NavigableMap<Long, byte[]> entries = c.blocks.hashes(mapId, onlyBlocks);
            return new ObjectImage(v, s, entries);
        });
    }

    /** Stored (compressed) body of a chunk, or null. */
    @Override
    public byte[] chunkBody(byte[] hash) {
        return c.readEvenStopped(() -> c.blocks.chunkBody(hash));
    }

    @Override
    public boolean hasChunk(byte[] hash) {
        return c.readEvenStopped(() -> c.store.get(c.store.meta(), BlockStore.refKey(hash)) != null);
    }

    /**
     * Makes objects here identical to the given images, in one durable batch, together with the
     * {@code meta} puts (null value = delete). An image with {@code partial} entries patches only those
     * blocks (a null hash unmaps one); otherwise the object's whole map is replaced. Objects keep the
     * image's identity (id, serial) unless its serial is null, then they get one of this array's.
     * {@code chunks} holds bodies for hashes this array lacks.
     */
    @Override
    public void importObjects(List<ObjectImage> images, boolean partial, Map<ByteBuffer, byte[]> chunks,
            Map<String, byte[]> meta) {
        c.mutate(() -> {
            ArrayState next = c.state;
            try (Tx tx = new Tx()) {
                for (ObjectImage img : images) {
                    next = importInto(tx, img, partial, chunks, next);
                }
                c.putMetaInto(tx, meta);
                c.commit(tx, next);
            }
            return null;
        });
    }

    private ArrayState importInto(Tx tx, ObjectImage img, boolean partial, Map<ByteBuffer, byte[]> chunks,
            ArrayState next) {
        String name = img.name();
        Volume oldV = c.volumes.get(name);
        Snapshot oldS = c.snapshots.get(name);
        long mapId;
        boolean wasLive;
        ArrayState after = next;
        if (oldV != null || oldS != null) {
            mapId = oldV != null ? oldV.mapId() : oldS.mapId();
            wasLive = oldV != null && !oldV.destroyed();
            if ((oldV == null) != (img.volume() == null)) {
                throw EngineException.failedPrecondition("REPLICA_KIND_MISMATCH", c.name() + ": " + name
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
            c.blocks.moveRefs(tx, mapId, live);
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
                c.blocks.releaseMap(tx, mapId, live);
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
                serial = c.serial(after.nextSerial());
                after = after.withSerial(after.nextSerial() + 1);
            }
            c.putVolume(tx, new Volume(v.name(), v.id(), serial, v.provisionedBytes(), v.sourceName(), v.destroyed(),
                    v.createdEpochMillis(), v.destroyedEpochMillis(), mapId, written));
        } else {
            Snapshot s = img.snapshot();
            String serial = s.serial();
            if (serial == null) {
                serial = c.serial(after.nextSerial());
                after = after.withSerial(after.nextSerial() + 1);
            }
            c.putSnapshot(tx, new Snapshot(s.name(), s.id(), serial, s.sourceName(), s.suffix(), s.provisionedBytes(),
                    s.destroyed(), s.createdEpochMillis(), s.destroyedEpochMillis(), s.destroyedWithVolume(), mapId,
                    written));
        }
        return after;
    }

    private int setEntry(Tx tx, long mapId, long block, byte[] hash, boolean live,
            Map<ByteBuffer, byte[]> chunks) {
        return c.blocks.setHash(tx, mapId, block, hash, () -> {
            byte[] body = chunks.get(ByteBuffer.wrap(hash));
            if (body == null) {
                throw new IllegalStateException("replica chunk missing from the transfer");
            }
            return body;
        }, live);
    }

    /** Destroys (or recovers) snapshots together with meta puts in one batch: a group snapshot's destroy. */
    @Override
    public void setSnapshotsDestroyed(List<String> names, boolean destroyed, Map<String, byte[]> meta) {
        c.mutate(() -> {
            try (Tx tx = new Tx()) {
                long now = c.clock.millis();
                for (String name : names) {
                    Snapshot s = c.snapshots.get(name);
                    if (s != null && s.destroyed() != destroyed) {
                        c.putSnapshot(tx, s.withDestroyed(destroyed, destroyed ? now : 0, false));
                    }
                }
                c.putMetaInto(tx, meta);
                c.commit(tx, c.state);
            }
            return null;
        });
    }

    @Override
    public void removeObjects(List<String> names, Map<String, byte[]> meta) {
        c.mutate(() -> {
            try (Tx tx = new Tx()) {
                Set<String> gone = new HashSet<>();
                for (String name : names) {
                    Volume v = c.volumes.get(name);
                    if (v != null && gone.add(name)) {
                        c.blocks.releaseMap(tx, v.mapId(), !v.destroyed());
                        c.deleteVolume(tx, name);
                    }
                    Snapshot s = c.snapshots.get(name);
                    if (s != null && gone.add(name)) {
                        c.blocks.releaseMap(tx, s.mapId(), false);
                        c.deleteSnapshot(tx, name);
                    }
                }
                for (Host h : c.hosts.values()) {
                    Map<String, Integer> luns = new TreeMap<>(h.connections());
                    if (luns.keySet().removeAll(gone)) {
                        c.putHost(tx, h.withConnections(luns));
                    }
                }
                c.putMetaInto(tx, meta);
                c.commit(tx, c.state);
            }
            return null;
        });
    }

    /**
     * Snapshots several volumes at one instant in one batch (a protection group snapshot), with the
     * meta puts; names map volume -> snapshot name.
     */
    @Override
    public void snapshotVolumes(Map<String, String> names, String suffix, Map<String, byte[]> meta) {
        c.mutate(() -> {
            ArrayState next = c.state;
            try (Tx tx = new Tx()) {
                for (Map.Entry<String, String> e : names.entrySet()) {
                    Volume v = c.liveVolume(e.getKey());
                    c.checkSnapshotNameFree(e.getValue());
                    Snapshot s = new Snapshot(e.getValue(), UUID.randomUUID().toString(), c.serial(next.nextSerial()),
                            v.name(), suffix, v.provisionedBytes(), false, c.clock.millis(), 0, false,
                            next.nextMapId(), v.writtenBlocks());
                    c.blocks.copyMap(tx, v.mapId(), s.mapId(), false);
                    c.putSnapshot(tx, s);
                    next = next.withSerial(next.nextSerial() + 1).withMapId(next.nextMapId() + 1);
                }
                c.putMetaInto(tx, meta);
                c.commit(tx, next);
            }
            return null;
        });
    }

    /** Durable meta puts (null = delete) in one batch; works on a stopped array (fabric bookkeeping). */
    @Override
    public void putMeta(Map<String, byte[]> meta) {
        c.mutateEvenStopped(() -> {
            try (Tx tx = new Tx()) {
                c.putMetaInto(tx, meta);
                c.store.write(tx.batch);
            }
            return null;
        });
    }

    /** One meta value, decoded, or null. */
    @Override
    public <T> T getMeta(String key, Class<T> type) {
        return c.readEvenStopped(() -> {
            byte[] raw = c.store.get(c.store.meta(), SimStore.bytes(key));
            return raw == null ? null : SimStore.fromJson(raw, type);
        });
    }

    /** Meta values under a key prefix, decoded. */
    @Override
    public <T> List<T> loadMeta(String prefix, Class<T> type) {
        return c.readEvenStopped(() -> c.store.loadAll(prefix, type));
    }

    /** Blocks changed in a pod since its peer went stale: object -> blocks (-1: the whole object). */
    @Override
    public Map<String, Set<Long>> dirtyBlocks(String pod) {
        return c.readEvenStopped(() -> {
            Map<String, Set<Long>> out = new TreeMap<>();
            byte[] prefix = MetaKeys.POD_DIRTY_BLOCK.key(pod + "\u0000");
            c.store.scan(prefix, (key, value) -> {
                int end = key.length - 9;
                String object = new String(key, prefix.length, end - prefix.length,
                        StandardCharsets.UTF_8);
                long block = ByteBuffer.wrap(key, key.length - 8, 8).getLong();
                out.computeIfAbsent(object, k -> new TreeSet<>()).add(block);
            });
            return out;
        });
    }

    @Override
    public void markDirty(String pod, String object, long block) {
        c.mutateEvenStopped(() -> {
            try (Tx tx = new Tx()) {
                tx.put(DataPath.dirtyKey(pod, object, block), new byte[0]);
                c.store.write(tx.batch);
            }
            return null;
        });
    }

    @Override
    public void clearDirty(String pod, Map<String, Set<Long>> done) {
        c.mutateEvenStopped(() -> {
            try (Tx tx = new Tx()) {
                for (Map.Entry<String, Set<Long>> e : done.entrySet()) {
                    for (long b : e.getValue()) {
                        tx.delete(DataPath.dirtyKey(pod, e.getKey(), b));
                    }
                }
                c.store.write(tx.batch);
            }
            return null;
        });
    }
}
