package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.chunklog.ChunkLocation;
import io.purebridge.engine.sim.chunklog.ChunkLog;
import io.purebridge.engine.sim.chunklog.LogRecord;
import io.purebridge.engine.sim.chunklog.SegmentGoneException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Chunk bodies of one array, in its {@link ChunkLog}: the index ({@code l} + hash -> location)
 * says where each one is. A read locates its first chunk in the index and finds the ones written
 * after it next to it in the segment's mapping; the rest are looked up in one RocksDB multi-get,
 * and runs of them that lie next to each other are read as one span (a view of the mapping, or
 * one positional read of the active segment's newest part). New chunks are staged on the Tx's
 * batch and written by {@link SimStore#write}.
 */
final class ChunkStore {
    /** Longest run of adjacent records read at once. */
    private static final int MAX_SPAN = 4 << 20;
    private static final int RECORD_OVERHEAD = LogRecord.HEADER_BYTES + BlockStore.HASH_BYTES;

    private final SimStore store;
    private final ChunkLog log;

    ChunkStore(SimStore store) {
        this.store = store;
        this.log = store.log();
    }

    static byte[] locationKey(byte[] hash) {
        return MetaKeys.CHUNK_LOCATION.key(hash);
    }

    /**
     * A stored body (codec byte first) where it lies in a span of the log: no copy made. For a
     * sealed segment the span is a view of its mapping, so decoding reads the page cache itself.
     */
    record Body(ByteBuffer span, int offset, int length) {
        byte[] copy() {
            byte[] out = new byte[length];
            span.get(offset, out);
            return out;
        }
    }

    /** The stored body (codec byte first) of a chunk, or null when this array does not hold it. */
    byte[] body(byte[] hash) {
        Body out = bodies(List.of(hash)).get(0);
        return out == null ? null : out.copy();
    }

    /**
     * The stored bodies of {@code hashes}, in order, null where not stored; each checked. Blocks
     * written together lie together in the log, so once the first is located, each next one is first
     * looked for right after the last one found: an intact chunk record there under the expected
     * name is that chunk (chunks are named by their content, so any intact record of the name holds
     * its bytes). Only what is not found that way is looked up in the index.
     */
    List<Body> bodies(List<byte[]> hashes) {
        if (hashes.isEmpty()) {
            return List.of();
        }
        byte[] first = store.get(store.meta(), locationKey(hashes.get(0)));
        ChunkLocation at = first == null ? null : ChunkLocation.decode(first);
        ByteBuffer map = at == null ? null : log.mapping(at.segment());
        if (map == null) {
            return indexed(hashes);
        }
        Body[] out = new Body[hashes.size()];
        List<Integer> missed = new ArrayList<>();
        long next = at.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = recordAt(map, next, hashes.get(i));
            if (out[i] == null && next >= 0 && next + LogRecord.HEADER_BYTES <= map.capacity()
                    && map.get((int) next) == LogRecord.COMMIT) {
                // the commit record that ends a write: the next write's chunks follow it
                next = next + LogRecord.HEADER_BYTES + Math.max(0, map.getInt((int) next + 1));
                out[i] = recordAt(map, next, hashes.get(i));
            }
            if (out[i] == null) {
                missed.add(i);
            } else {
                next = out[i].offset() + out[i].length();
            }
        }
        if (!missed.isEmpty()) {
            List<Body> found = indexed(missed.stream().map(hashes::get).toList());
            for (int k = 0; k < missed.size(); k++) {
                out[missed.get(k)] = found.get(k);
            }
        }
        return Arrays.asList(out);
    }

    /** The chunk record named {@code hash} at {@code at} of a mapping, intact; else null (no error: a guess). */
    private static Body recordAt(ByteBuffer map, long at, byte[] hash) {
        if (at < 0 || at + RECORD_OVERHEAD > map.capacity()) {
            return null;
        }
        int pos = (int) at;
        int payload = map.getInt(pos + 1);
        if (map.get(pos) != LogRecord.CHUNK || payload <= BlockStore.HASH_BYTES
                || pos + (long) LogRecord.HEADER_BYTES + payload > map.capacity()
                || map.slice(pos + LogRecord.HEADER_BYTES, BlockStore.HASH_BYTES)
                        .mismatch(ByteBuffer.wrap(hash, 0, BlockStore.HASH_BYTES)) >= 0
                || !ChunkLog.intact(map, pos, LogRecord.HEADER_BYTES + payload)) {
            return null;
        }
        return new Body(map, pos + RECORD_OVERHEAD, payload - BlockStore.HASH_BYTES);
    }

    /** As {@link #bodies}, every location looked up in the index (one multi-get). */
    private List<Body> indexed(List<byte[]> hashes) {
        for (int attempt = 0; ; attempt++) {
            try {
                return read(hashes);
            } catch (SegmentGoneException e) {
                if (attempt >= 3) {
                    throw e;
                }
                // compaction moved some of them between the lookup and the read: look again
            }
        }
    }

    private List<Body> read(List<byte[]> hashes) {
        List<byte[]> keys = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            keys.add(locationKey(h));
        }
        List<byte[]> raw = store.multiGet(store.meta(), keys);
        ChunkLocation[] at = new ChunkLocation[hashes.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < at.length; i++) {
            if (raw.get(i) != null) {
                at[i] = ChunkLocation.decode(raw.get(i));
                order.add(i);
            }
        }
        order.sort(Comparator.<Integer>comparingLong(i -> at[i].segment()).thenComparingLong(i -> at[i].offset()));
        Body[] out = new Body[at.length];
        int runStart = 0;
        while (runStart < order.size()) {
            ChunkLocation first = at[order.get(runStart)];
            int runEnd = runStart + 1;
            long end = first.end();
            while (runEnd < order.size()) {
                ChunkLocation next = at[order.get(runEnd)];
                if (next.segment() != first.segment() || next.offset() != end
                        || next.end() - first.offset() > MAX_SPAN) {
                    break;
                }
                end = next.end();
                runEnd++;
            }
            ByteBuffer span = log.span(first.segment(), first.offset(), (int) (end - first.offset()));
            for (int k = runStart; k < runEnd; k++) {
                int i = order.get(k);
                out[i] = bodyOf(span, (int) (at[i].offset() - first.offset()), at[i].length(), hashes.get(i));
            }
            runStart = runEnd;
        }
        return Arrays.asList(out);
    }

    /** Checks a chunk record inside a span (CRC32C and name) and returns where its body is. */
    private static Body bodyOf(ByteBuffer span, int at, int length, byte[] hash) {
        ChunkLog.check(span, at, length);
        int name = at + LogRecord.HEADER_BYTES;
        ByteBuffer expected = ByteBuffer.wrap(hash, 0, BlockStore.HASH_BYTES);
        if (length <= RECORD_OVERHEAD || span.slice(name, BlockStore.HASH_BYTES).mismatch(expected) >= 0) {
            throw EngineException.internal("CHUNK_LOG_CORRUPT", "the chunk log record indexed for chunk "
                    + BlockStore.hex(hash) + " holds another chunk; the array's store is damaged", null);
        }
        return new Body(span, at + RECORD_OVERHEAD, length - RECORD_OVERHEAD);
    }

    /** Adds a new chunk to the Tx: appended to the log and indexed when the Tx commits. */
    void add(Tx tx, byte[] hash, byte[] body) {
        store.stageChunk(tx.batch, hash, body);
    }

    /** Drops a chunk from the index; its log record becomes garbage for compaction. */
    void remove(Tx tx, byte[] hash, int storedLength) {
        tx.delete(locationKey(hash));
        store.chunkFreed(RECORD_OVERHEAD + storedLength + 1L);
    }

    boolean isStored(byte[] hash) {
        return store.get(store.meta(), locationKey(hash)) != null;
    }

    /** How many chunks the index holds. */
    long count() {
        long[] n = {0};
        store.scan(MetaKeys.CHUNK_LOCATION.prefix(), (k, v) -> n[0]++);
        return n[0];
    }
}
