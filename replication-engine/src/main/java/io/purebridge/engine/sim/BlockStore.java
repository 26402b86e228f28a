package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The data plane of one simulated array: thin, deduplicated, compressed block storage.
 *
 * <p>Layout. Every volume and snapshot owns a block map ({@code m} + mapId + block index -> SHA-256
 * of the block). Blocks are {@link #BLOCK_SIZE} bytes. Chunks are content-addressed by SHA-256
 * (strong enough to trust without comparing bytes, and the JDK's implementation is intrinsic on
 * modern CPUs), stored once in the {@code chunks} column family, Deflate-compressed (level 1) unless
 * that does not shrink them. {@code r} + hash holds the chunk's reference counts, split into
 * references from live volumes and from everything else (snapshots, destroyed volumes), so that
 * array space can say which physical bytes are volume data and which only snapshots hold.
 *
 * <p>Copy-on-write. Snapshot, clone, copy and revert copy block-map entries and bump reference
 * counts: O(number of written blocks) in metadata, never a data copy. A later write to the volume
 * only changes the volume's own map. Unwritten and all-zero blocks have no entry and no chunk.
 * A chunk is deleted when its last reference goes (on eradication or overwrite, never on destroy).
 *
 * <p>Everything here runs under the owning array's lock; reads may run concurrently.
 */
final class BlockStore {
    /**
     * 32 KiB: FlashArray deduplicates at up to 32 KiB granularity, it keeps a block-map entry
     * (~50 bytes with its key) at 0.15% of the data it maps, and Deflate still finds redundancy
     * inside a block; smaller blocks would multiply metadata, larger ones would deduplicate worse
     * and make small writes rewrite more.
     */
    static final int BLOCK_SIZE = 32 * 1024;
    static final int HASH_BYTES = 32;
    private static final byte CODEC_RAW = 0;
    private static final byte CODEC_DEFLATE = 1;
    private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(BlockStore::newDigest);

    private final SimStore store;
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);

    BlockStore(SimStore store) {
        this.store = store;
    }

    // --- keys ----------------------------------------------------------------------------------

    static byte[] mapPrefix(long mapId) {
        return ByteBuffer.allocate(9).put((byte) 'm').putLong(mapId).array();
    }

    static byte[] mapKey(long mapId, long block) {
        return ByteBuffer.allocate(17).put((byte) 'm').putLong(mapId).putLong(block).array();
    }

    static byte[] refKey(byte[] hash) {
        return ByteBuffer.allocate(1 + HASH_BYTES).put((byte) 'r').put(hash).array();
    }

    // --- reads ---------------------------------------------------------------------------------

    /** The block's content, or null when it is unmapped (reads as zeros). */
    byte[] readBlock(long mapId, long block) {
        byte[] hash = store.get(store.meta(), mapKey(mapId, block));
        if (hash == null) {
            return null;
        }
        byte[] stored = store.get(store.chunks(), hash);
        if (stored == null) {
            throw EngineException.internal("CHUNK_MISSING", "block " + block + " of map " + mapId
                    + " points to a chunk that is not stored; the array's store is damaged", null);
        }
        return decode(stored);
    }

    /** Reads {@code length} bytes at {@code offset} of a map into {@code out} at {@code outOffset}. */
    void read(long mapId, long offset, byte[] out, int outOffset, int length) {
        int done = 0;
        while (done < length) {
            long pos = offset + done;
            long block = pos / BLOCK_SIZE;
            int inBlock = (int) (pos % BLOCK_SIZE);
            int n = Math.min(BLOCK_SIZE - inBlock, length - done);
            byte[] content = readBlock(mapId, block);
            if (content == null) {
                Arrays.fill(out, outOffset + done, outOffset + done + n, (byte) 0);
            } else {
                System.arraycopy(content, inBlock, out, outOffset + done, n);
            }
            done += n;
        }
    }

    /** SHA-256 of a range, lower-case hex; unmapped blocks hash as zeros without being read. */
    String checksum(long mapId, long offset, long length) {
        MessageDigest digest = newDigest();
        long done = 0;
        while (done < length) {
            long pos = offset + done;
            long block = pos / BLOCK_SIZE;
            int inBlock = (int) (pos % BLOCK_SIZE);
            int n = (int) Math.min(BLOCK_SIZE - inBlock, length - done);
            byte[] content = readBlock(mapId, block);
            digest.update(content == null ? ZERO_BLOCK : content, inBlock, n);
            done += n;
        }
        return hex(digest.digest());
    }

    // --- writes (into a Tx) --------------------------------------------------------------------

    /**
     * Sets one block to {@code content} (BLOCK_SIZE bytes; all zeros unmaps it).
     *
     * @return the change in the map's number of written blocks (-1, 0 or 1)
     */
    int setBlock(Tx tx, long mapId, long block, byte[] content, boolean live) {
        byte[] key = mapKey(mapId, block);
        byte[] old = store.get(store.meta(), key);
        byte[] hash = isZero(content) ? null : sha256(content);
        if (Arrays.equals(old, hash)) {
            return 0;
        }
        if (old != null) {
            tx.ref(old, live ? -1 : 0, live ? 0 : -1);
        }
        if (hash == null) {
            tx.delete(key);
            return -1;
        }
        tx.put(key, hash);
        tx.ref(hash, live ? 1 : 0, live ? 0 : 1);
        ByteBuffer id = ByteBuffer.wrap(hash);
        if (!tx.newChunks.containsKey(id) && store.get(store.meta(), refKey(hash)) == null) {
            tx.newChunks.put(id, encode(content));
        }
        return old == null ? 1 : 0;
    }

    /** Shares every block of {@code source} with the (empty or being emptied) map {@code target}. */
    long copyMap(Tx tx, long source, long target, boolean targetLive) {
        long[] count = {0};
        store.scan(mapPrefix(source), (key, hash) -> {
            long block = ByteBuffer.wrap(key, 9, 8).getLong();
            tx.put(mapKey(target, block), hash);
            tx.ref(hash, targetLive ? 1 : 0, targetLive ? 0 : 1);
            count[0]++;
        });
        return count[0];
    }

    /** Drops every block of a map (chunks without references are freed at commit). */
    void releaseMap(Tx tx, long mapId, boolean live) {
        store.scan(mapPrefix(mapId), (key, hash) -> {
            tx.delete(key);
            tx.ref(hash, live ? -1 : 0, live ? 0 : -1);
        });
    }

    /** Moves a map's references between "live volume" and "other" (destroy and recover). */
    void moveRefs(Tx tx, long mapId, boolean toLive) {
        store.scan(mapPrefix(mapId), (key, hash) -> tx.ref(hash, toLive ? 1 : -1, toLive ? -1 : 1));
    }

    /**
     * Cuts a map to {@code newSize} bytes: blocks past the end go, the tail of a partial last block
     * is zeroed (so growing again reads zeros).
     *
     * @return the change in written blocks
     */
    long truncate(Tx tx, long mapId, long newSize, boolean live) {
        long keepBlocks = (newSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long[] delta = {0};
        store.scan(mapPrefix(mapId), (key, hash) -> {
            long block = ByteBuffer.wrap(key, 9, 8).getLong();
            if (block >= keepBlocks) {
                tx.delete(key);
                tx.ref(hash, live ? -1 : 0, live ? 0 : -1);
                delta[0]--;
            }
        });
        int tail = (int) (newSize % BLOCK_SIZE);
        if (tail != 0) {
            byte[] last = readBlock(mapId, keepBlocks - 1);
            if (last != null) {
                Arrays.fill(last, tail, BLOCK_SIZE, (byte) 0);
                delta[0] += setBlock(tx, mapId, keepBlocks - 1, last, live);
            }
        }
        return delta[0];
    }

    /**
     * Turns the Tx's reference changes into ref-count and chunk puts/deletes.
     *
     * @return the new {uniqueBytes, snapshotBytes} given the current ones
     */
    long[] prepareCommit(Tx tx, long uniqueBytes, long snapshotBytes) {
        long unique = uniqueBytes;
        long snapshots = snapshotBytes;
        for (Map.Entry<ByteBuffer, long[]> e : tx.refDeltas.entrySet()) {
            long[] d = e.getValue();
            if (d[0] == 0 && d[1] == 0) {
                continue;
            }
            byte[] hash = e.getKey().array();
            byte[] refKey = refKey(hash);
            byte[] old = store.get(store.meta(), refKey);
            long oldLive = 0;
            long oldOther = 0;
            int storedLen;
            if (old != null) {
                ByteBuffer b = ByteBuffer.wrap(old);
                oldLive = b.getLong();
                oldOther = b.getLong();
                storedLen = b.getInt();
            } else {
                byte[] body = tx.newChunks.get(e.getKey());
                if (body == null) {
                    throw new IllegalStateException("new chunk without a body in a Tx");
                }
                storedLen = body.length - 1;
            }
            long newLive = oldLive + d[0];
            long newOther = oldOther + d[1];
            if (newLive < 0 || newOther < 0) {
                throw new IllegalStateException("negative chunk reference count");
            }
            unique -= oldLive > 0 ? storedLen : 0;
            snapshots -= oldLive == 0 && oldOther > 0 ? storedLen : 0;
            unique += newLive > 0 ? storedLen : 0;
            snapshots += newLive == 0 && newOther > 0 ? storedLen : 0;
            if (newLive + newOther == 0) {
                tx.delete(refKey);
                if (old != null) {
                    deleteChunk(tx, hash);
                }
            } else {
                tx.put(refKey, ByteBuffer.allocate(20).putLong(newLive).putLong(newOther).putInt(storedLen).array());
                if (old == null) {
                    putChunk(tx, hash, tx.newChunks.get(e.getKey()));
                }
            }
        }
        return new long[] {unique, snapshots};
    }

    // --- space ---------------------------------------------------------------------------------

    /** Physical bytes of the chunks that only the given maps reference. */
    long exclusiveBytes(List<Long> mapIds) {
        Map<ByteBuffer, long[]> uses = new HashMap<>();
        for (long mapId : mapIds) {
            store.scan(mapPrefix(mapId), (key, hash) ->
                    uses.computeIfAbsent(ByteBuffer.wrap(hash), h -> new long[1])[0]++);
        }
        long total = 0;
        for (Map.Entry<ByteBuffer, long[]> e : uses.entrySet()) {
            byte[] ref = store.get(store.meta(), refKey(e.getKey().array()));
            if (ref != null) {
                ByteBuffer b = ByteBuffer.wrap(ref);
                long refs = b.getLong() + b.getLong();
                if (refs == e.getValue()[0]) {
                    total += b.getInt();
                }
            }
        }
        return total;
    }

    /** Physical bytes of the distinct chunks a map references. */
    long mappedPhysicalBytes(long mapId) {
        Map<ByteBuffer, Boolean> seen = new HashMap<>();
        long[] total = {0};
        store.scan(mapPrefix(mapId), (key, hash) -> {
            if (seen.put(ByteBuffer.wrap(hash), Boolean.TRUE) == null) {
                byte[] ref = store.get(store.meta(), refKey(hash));
                if (ref != null) {
                    total[0] += ByteBuffer.wrap(ref).getInt(16);
                }
            }
        });
        return total[0];
    }

    // --- helpers -------------------------------------------------------------------------------

    private void putChunk(Tx tx, byte[] hash, byte[] body) {
        try {
            tx.batch.put(store.chunks(), hash, body);
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deleteChunk(Tx tx, byte[] hash) {
        try {
            tx.batch.delete(store.chunks(), hash);
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] encode(byte[] content) {
        byte[] out = new byte[BLOCK_SIZE + 1];
        int n;
        synchronized (deflater) {
            deflater.reset();
            deflater.setInput(content);
            deflater.finish();
            n = deflater.deflate(out, 1, BLOCK_SIZE - 1);
            if (!deflater.finished()) {
                n = -1;
            }
        }
        if (n < 0) {
            out[0] = CODEC_RAW;
            System.arraycopy(content, 0, out, 1, BLOCK_SIZE);
            return out;
        }
        out[0] = CODEC_DEFLATE;
        return Arrays.copyOf(out, n + 1);
    }

    private static byte[] decode(byte[] stored) {
        if (stored[0] == CODEC_RAW) {
            return Arrays.copyOfRange(stored, 1, stored.length);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored, 1, stored.length - 1);
            byte[] out = new byte[BLOCK_SIZE];
            int n = 0;
            while (n < BLOCK_SIZE && !inflater.finished()) {
                int got = inflater.inflate(out, n, BLOCK_SIZE - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != BLOCK_SIZE) {
                throw new DataFormatException("chunk inflated to " + n + " bytes");
            }
            return out;
        } catch (DataFormatException e) {
            throw EngineException.internal("CHUNK_CORRUPT", "a stored chunk cannot be decompressed: "
                    + e.getMessage() + "; the array's store is damaged", e);
        } finally {
            inflater.end();
        }
    }

    static boolean isZero(byte[] content) {
        return Arrays.mismatch(content, ZERO_BLOCK) < 0;
    }

    static byte[] sha256(byte[] content) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(content);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    void close() {
        synchronized (deflater) {
            deflater.end();
        }
    }
}
