package io.purebridge.engine.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One atomic change of an array: a RocksDB WriteBatch, the block-map pages and chunk references it
 * changes, and the in-memory updates to apply once the batch is durable. Nothing is visible before
 * commit.
 */
final class Tx implements AutoCloseable {
    final WriteBatch batch = new WriteBatch();
    /** chunk hash -> {delta of live-volume refs, delta of other refs} */
    final Map<ByteBuffer, long[]> refDeltas = new LinkedHashMap<>();
    /** encoded chunk bodies for hashes that were not stored when this Tx first met them */
    final Map<ByteBuffer, byte[]> newChunks = new HashMap<>();
    /** pages read or changed by this Tx, by page id */
    final Map<Long, BlockStore.Page> pages = new HashMap<>();
    /** page-table edits: (map, page index) -> page id, or {@link BlockStore#NO_PAGE} for removed */
    final Map<BlockStore.TableKey, Long> table = new HashMap<>();
    /** Every put (and delete, as null) of the batch, for {@link SimStore#append}'s pending view. */
    final Map<ByteBuffer, byte[]> writes = new HashMap<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    /** The store owns the batch once a deferred commit appended it. */
    private boolean handedOff;

    void ref(byte[] hash, long liveDelta, long otherDelta) {
        long[] d = refDeltas.computeIfAbsent(ByteBuffer.wrap(hash), h -> new long[2]);
        d[0] += liveDelta;
        d[1] += otherDelta;
    }

    void put(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
            writes.put(ByteBuffer.wrap(key), value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    void delete(byte[] key) {
        try {
            batch.delete(key);
            writes.put(ByteBuffer.wrap(key), null);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs after the batch is durable, in order; updates the in-memory view. */
    void then(Runnable memoryUpdate) {
        afterCommit.add(memoryUpdate);
    }

    void applyMemory() {
        afterCommit.forEach(Runnable::run);
    }

    /** The batch now belongs to the store ({@link SimStore#append}): closing this Tx leaves it open. */
    void handOff() {
        handedOff = true;
    }

    @Override
    public void close() {
        if (!handedOff) {
            batch.close();
        }
    }
}
