package io.purebridge.engine.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The index changes of data writes appended to the chunk log but not yet applied to RocksDB: a data
 * write releases its array's lock before its fsync ({@link SimStore#append}), so the next writer
 * builds on changes RocksDB does not hold yet. Every read of the index looks here first
 * ({@link SimStore#get}, {@link SimStore#scan}), so readers and writers see the latest appended
 * state. An entry leaves only after RocksDB holds its commit: a key is always in one of the two
 * with the same value, so a read never sees an older one.
 *
 * <p>New entries are only added under the array's write lock, which readers exclude.
 */
final class PendingWrites {
    /** A pending value; {@code value} is null for a deleted key. */
    record Entry(long seq, byte[] value) {
    }

    /** Keys in RocksDB's order (unsigned bytewise). */
    private final ConcurrentSkipListMap<byte[], Entry> entries = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The pending entry of {@code key}, or null when RocksDB has its latest value. */
    Entry lookup(byte[] key) {
        return entries.isEmpty() ? null : entries.get(key);
    }

    /** Records commit {@code seq}'s writes (key -> value, null value for a delete). */
    void add(long seq, Map<ByteBuffer, byte[]> writes) {
        for (Map.Entry<ByteBuffer, byte[]> w : writes.entrySet()) {
            entries.put(w.getKey().array(), new Entry(seq, w.getValue()));
        }
    }

    /** Commit {@code seq} is in RocksDB: drops its entries that no later commit replaced. */
    void applied(long seq, Collection<ByteBuffer> keys) {
        for (ByteBuffer key : keys) {
            entries.computeIfPresent(key.array(), (k, e) -> e.seq() == seq ? null : e);
        }
    }

    /** A copy of the pending entries whose keys start with {@code prefix}, in key order. */
    NavigableMap<byte[], Entry> withPrefix(byte[] prefix) {
        NavigableMap<byte[], Entry> out = new TreeMap<>(Arrays::compareUnsigned);
        if (entries.isEmpty()) {
            return out;
        }
        for (Map.Entry<byte[], Entry> e : entries.tailMap(prefix, true).entrySet()) {
            if (!SimStore.startsWith(e.getKey(), prefix)) {
                break;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
