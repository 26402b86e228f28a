package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one way data moves between simulated arrays, for pods (mirror, resync) and protection
 * groups (snapshot transfers) alike: compare block maps, send only the chunks the target lacks,
 * count what crossed the link. Holds no state; the callers hold the fabric lock.
 */
final class Replicator {
    /** Wire cost of naming one changed block: its index and chunk hash. */
    static final int BLOCK_REFERENCE_BYTES = 8 + BlockStore.HASH_BYTES;

    /** Bytes moved by a mirror or transfer: logical (blocks that differed) and wire (chunks sent). */
    static final class Traffic {
        long logical;
        long wire;
        long blocks;

        /** Adds the per-block costs (logical size, block references) once the block count is final. */
        void chargeBlocks() {
            logical = blocks * BlockStore.BLOCK_SIZE;
            wire += blocks * BLOCK_REFERENCE_BYTES;
        }

        void add(Traffic t) {
            logical += t.logical;
            wire += t.wire;
            blocks += t.blocks;
        }
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
        Map<ByteBuffer, byte[]> chunks;
        if (partial) {
            NavigableMap<Long, byte[]> changes = diff(src.entries(), dst.entries(), true);
            send = new ObjectImage(src.volume(), src.snapshot(), changes);
            t.blocks = changes.size();
            chunks = chunksFor(from, to, changes.values(), t);
        } else {
            chunks = changedChunks(from, to, src, dst, t);
        }
        t.chargeBlocks();
        to.importObjects(List.of(send), partial, chunks, null);
        return t;
    }

    /** Mirrors a whole pod, or only the dirty blocks given; objects only on {@code to} go. */
    Traffic mirrorPod(ReplicaStore from, ReplicaStore to, String podName, Map<String, Set<Long>> dirty) {
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
            total.add(mirrorObject(from, to, n, blocks));
        }
        return total;
    }

    /**
     * The whole image {@code src} against what the target holds of it ({@code base}, null: nothing):
     * counts every block that differs (changed, added or removed) and returns the bodies of the
     * changed chunks the target lacks. The caller charges the blocks once its count is final.
     */
    Map<ByteBuffer, byte[]> changedChunks(ReplicaStore from, ReplicaStore to, ObjectImage src, ObjectImage base,
            Traffic t) {
        List<byte[]> changed = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : src.entries().entrySet()) {
            byte[] have = base == null ? null : base.entries().get(e.getKey());
            if (!Arrays.equals(have, e.getValue())) {
                changed.add(e.getValue());
            }
        }
        t.blocks += changed.size();
        if (base != null) {
            for (Long b : base.entries().keySet()) {
                if (!src.entries().containsKey(b)) {
                    t.blocks++;
                }
            }
        }
        return chunksFor(from, to, changed, t);
    }

    /** Blocks whose hash differs; with {@code keepNulls} a null (unmapped) source block counts too. */
    private static NavigableMap<Long, byte[]> diff(Map<Long, byte[]> src, Map<Long, byte[]> dst, boolean keepNulls) {
        NavigableMap<Long, byte[]> changes = new TreeMap<>();
        for (Map.Entry<Long, byte[]> e : src.entrySet()) {
            if (!Arrays.equals(e.getValue(), dst.get(e.getKey()))) {
                changes.put(e.getKey(), e.getValue());
            }
        }
        for (Long b : dst.keySet()) {
            if (!src.containsKey(b) || (keepNulls && src.get(b) == null && dst.get(b) != null)) {
                changes.put(b, null);
            }
        }
        return changes;
    }

    /** Bodies of the hashes {@code to} does not hold yet (each sent once), counted as wire bytes. */
    private static Map<ByteBuffer, byte[]> chunksFor(ReplicaStore from, ReplicaStore to, Collection<byte[]> hashes,
            Traffic t) {
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
}
