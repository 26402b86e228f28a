package io.purebridge.engine.sim;

import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What replication (pods, protection groups, the replicator) needs from one array, and nothing
 * more: object images and chunks to move, batches that apply them, a pod write, and durable
 * bookkeeping (meta records, dirty-block markers). Every change is one durable batch.
 *
 * <p>Calls act on this array only (never routed through a pod). Reads and bookkeeping also work
 * while the array is stopped (the fabric keeps a stopped array's books); object changes do not.
 */
interface ReplicaStore {
    String name();

    /** The array's id; answers without the array lock (the fabric asks while holding its own). */
    String id();

    /** Operator control "stop array": every client call answers UNAVAILABLE while stopped. */
    void setStopped(boolean stopped);

    boolean isStopped();

    /** How long destroyed objects wait before automatic eradication. */
    java.time.Duration eradicationDelay();

    // --- objects --------------------------------------------------------------------------------

    /** Names of every volume and snapshot whose name starts with {@code prefix}. */
    List<String> objectNames(String prefix);

    Optional<VolumeRecord> findVolume(String name);

    List<SnapshotRecord> listSnapshots(String volumeName);

    /**
     * The object with its whole block map, or only the given blocks ({@code null} = all); null if
     * there is no such object.
     */
    ObjectImage exportObject(String name, Collection<Long> onlyBlocks);

    /** Stored (compressed) body of a chunk, or null. */
    byte[] chunkBody(byte[] hash);

    boolean hasChunk(byte[] hash);

    /**
     * Makes objects here identical to the given images, in one durable batch, together with the
     * {@code meta} puts (null value = delete). An image with {@code partial} entries patches only
     * those blocks (a null hash unmaps one); otherwise the object's whole map is replaced. Objects
     * keep the image's identity (id, serial) unless its serial is null, then they get one of this
     * array's. {@code chunks} holds bodies for hashes this array lacks.
     */
    void importObjects(List<ObjectImage> images, boolean partial, Map<ByteBuffer, byte[]> chunks,
            Map<String, byte[]> meta);

    /** Removes objects (volumes with their connections) outright, plus the meta changes, in one batch. */
    void removeObjects(List<String> names, Map<String, byte[]> meta);

    /** Destroys (or recovers) snapshots together with meta puts in one batch: a group snapshot's destroy. */
    void setSnapshotsDestroyed(List<String> names, boolean destroyed, Map<String, byte[]> meta);

    /** Snapshots several volumes at one instant (volume -> snapshot name) with the meta puts, in one batch. */
    void snapshotVolumes(Map<String, String> names, String suffix, Map<String, byte[]> meta);

    /** Renames a volume (and its snapshots) here, also from one pod to another: a pod move. */
    VolumeRecord renameVolume(String name, String newName);

    /**
     * A pod write on this array, with the blocks already hashed; with {@code dirtyPod} the written
     * blocks are recorded as changed for that pod's stale peer in the same batch.
     */
    void write(String volumeName, long offsetBytes, byte[] data, Map<Long, BlockStore.Prepared> prepared,
            String dirtyPod);

    // --- bookkeeping ----------------------------------------------------------------------------

    /** Durable meta puts (null = delete) in one batch. */
    void putMeta(Map<String, byte[]> meta);

    /** One meta value, decoded, or null. */
    <T> T getMeta(String key, Class<T> type);

    /** Meta values under a key prefix, decoded. */
    <T> List<T> loadMeta(String prefix, Class<T> type);

    /** Blocks changed in a pod since its peer went stale: object -> blocks (-1: the whole object). */
    Map<String, Set<Long>> dirtyBlocks(String pod);

    void markDirty(String pod, String object, long block);

    void clearDirty(String pod, Map<String, Set<Long>> done);
}
