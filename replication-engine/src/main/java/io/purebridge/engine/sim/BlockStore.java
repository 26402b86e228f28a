package io.purebridge.engine.sim;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The data plane of one simulated array: thin, deduplicated, compressed block storage with
 * copy-on-write block maps.
 *
 * <p><b>Chunks.</b> Blocks are {@link #BLOCK_SIZE} bytes in {@link ChunkCodec}'s format (named by
 * SHA-256, codec byte, LZ4 or raw), stored once in the array's chunk log ({@link ChunkStore}). All-zero
 * blocks are never stored: writing zeros unmaps the block.
 *
 * <p><b>Block maps.</b> A volume's or snapshot's map is a page table ({@code t} + mapId + page index
 * -> page id). A page ({@code g} + page id) holds the chunk hashes of {@link #PAGE_SLOTS} consecutive
 * blocks (8 MiB of address space) and is shared by reference count ({@code o} + page id: how many
 * maps of live volumes and of anything else point at it). Snapshot, clone, copy, overwrite and
 * revert copy page-table entries and bump page counts: O(written pages) = O(written bytes / 8 MiB)
 * metadata and no chunk touched, so a snapshot of a volume with 100 GiB written writes ~12,800 small
 * entries. The first write to a shared page copies that one page (copy-on-write).
 *
 * <p><b>References and space.</b> {@code r} + hash counts the page slots naming a chunk, split into
 * slots in pages some live volume maps and slots in other pages (snapshots, destroyed volumes). So
 * array space knows, incrementally and exactly, which physical bytes live volumes use ("unique")
 * and which only snapshots or destroyed volumes hold ("snapshots"). A chunk is deleted when its last
 * slot goes (eradication, overwrite, truncation), never on destroy.
 *
 * <p>Mutations run under the owning array's write lock and go into a {@link Tx}; reads may run
 * concurrently and see only committed state.
 */
final class BlockStore {
    static final int BLOCK_SIZE = ChunkCodec.BLOCK_SIZE;
    /** Blocks per page: a page covers 8 MiB and is at most 8 KiB + 32 bytes stored. */
    static final int PAGE_SLOTS = 256;
    private static final int CHECKSUM_WINDOW_BYTES = 4 << 20;
    /** Aligned blocks per piece of a parallel read: a divisor of PAGE_SLOTS, so never across a page. */
    static final int READ_PIECE_BLOCKS = BlockPrepare.MIN_BLOCKS;
    static final int HASH_BYTES = ChunkCodec.HASH_BYTES;
    static final long NO_PAGE = -1;
    private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];
    private final SimStore store;
    private final ChunkStore chunks;
    private long nextPageId;

    BlockStore(SimStore store) {
        this.store = store;
        this.chunks = new ChunkStore(store);
        byte[] raw = store.get(store.meta(), MetaKeys.NEXT_PAGE_ID.key());
        nextPageId = raw == null ? 1 : ByteBuffer.wrap(raw).getLong();
    }

    /** Page-table position. */
    record TableKey(long mapId, long pageIndex) {
    }

    /** A page as a Tx sees it: its committed state and its pending one. */
    static final class Page {
        final long id;
        final boolean existed;
        final long origLive;
        final long origOther;
        final byte[][] origSlots;
        long live;
        long other;
        byte[][] slots;
        boolean contentDirty;

        Page(long id, boolean existed, long live, long other, byte[][] slots) {
            this.id = id;
            this.existed = existed;
            this.origLive = live;
            this.origOther = other;
            this.origSlots = slots;
            this.live = live;
            this.other = other;
            this.slots = slots.clone();
        }

        long owners() {
            return live + other;
        }

        void own(boolean isLive, long delta) {
            if (isLive) {
                live += delta;
            } else {
                other += delta;
            }
        }

        boolean isEmpty() {
            for (byte[] s : slots) {
                if (s != null) {
                    return false;
                }
            }
            return true;
        }
    }

    // --- keys ----------------------------------------------------------------------------------

    static byte[] tablePrefix(long mapId) {
        return MetaKeys.MAP_TABLE.key(mapId);
    }

    static byte[] tableKey(long mapId, long pageIndex) {
        return MetaKeys.MAP_TABLE.key(mapId, pageIndex);
    }

    private static byte[] pageKey(long pageId) {
        return MetaKeys.PAGE.key(pageId);
    }

    private static byte[] ownersKey(long pageId) {
        return MetaKeys.PAGE_OWNERS.key(pageId);
    }

    static byte[] refKey(byte[] hash) {
        return MetaKeys.CHUNK_REFS.key(hash);
    }

    // --- committed reads -----------------------------------------------------------------------

    /** The committed page id at a page-table position, or NO_PAGE. */
    private long committedPageId(long mapId, long pageIndex) {
        byte[] raw = store.get(store.meta(), tableKey(mapId, pageIndex));
        return raw == null ? NO_PAGE : ByteBuffer.wrap(raw).getLong();
    }

    private byte[][] committedSlots(long pageId) {
        byte[] raw = store.get(store.meta(), pageKey(pageId));
        if (raw == null) {
            throw EngineException.internal("PAGE_MISSING", "block-map page " + pageId
                    + " is referenced but not stored; the array's store is damaged", null);
        }
        return PageCodec.decode(raw);
    }

    /** The slots of the committed page at a position, or null when unmapped. */
    private byte[][] committedPage(long mapId, long pageIndex) {
        long pid = committedPageId(mapId, pageIndex);
        return pid == NO_PAGE ? null : committedSlots(pid);
    }

    /** Stored (compressed) body of a chunk, or null when this array does not hold it. */
    byte[] chunkBody(byte[] hash) {
        return chunks.body(hash);
    }

    private static EngineException chunkMissing() {
        return EngineException.internal("CHUNK_MISSING", "a block map points to a chunk that is not stored;"
                + " the array's store is damaged", null);
    }

    private byte[] chunk(byte[] hash) {
        byte[] stored = chunks.body(hash);
        if (stored == null) {
            throw chunkMissing();
        }
        byte[] out = new byte[BLOCK_SIZE];
        decode(stored, out, 0);
        return out;
    }

    /** The block's committed content, or null when it is unmapped (reads as zeros). */
    byte[] readBlock(long mapId, long block) {
        byte[][] page = committedPage(mapId, block / PAGE_SLOTS);
        byte[] hash = page == null ? null : page[(int) (block % PAGE_SLOTS)];
        return hash == null ? null : chunk(hash);
    }

    /**
     * Reads {@code length} bytes at {@code offset} of a map into {@code out} at {@code outOffset}.
     * Large reads look their pages up once, then split into pieces of {@link #READ_PIECE_BLOCKS}
     * that the caller and the shared pool take in turn (locating, checking and decoding chunks is CPU
     * work); the caller's read lock covers the pool's share too, as it waits for it.
     */
    void read(long mapId, long offset, byte[] out, int outOffset, int length) {
        long firstBlock = offset / BLOCK_SIZE;
        long lastBlock = (offset + length - 1) / BLOCK_SIZE;
        if (length <= 0 || lastBlock - firstBlock + 1 < 2L * READ_PIECE_BLOCKS || BlockPrepare.THREADS == 1) {
            readRange(mapId, offset, out, outOffset, length);
            return;
        }
        long firstPage = firstBlock / PAGE_SLOTS;
        byte[][][] pages = new byte[(int) (lastBlock / PAGE_SLOTS - firstPage + 1)][][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = committedPage(mapId, firstPage + i);
        }
        long firstPiece = firstBlock / READ_PIECE_BLOCKS;
        long pieceBytes = (long) READ_PIECE_BLOCKS * BLOCK_SIZE;
        BlockPrepare.eachInParallel((int) (lastBlock / READ_PIECE_BLOCKS - firstPiece + 1), piece -> {
            long start = Math.max(offset, (firstPiece + piece) * pieceBytes);
            long end = Math.min(offset + length, (firstPiece + piece + 1) * pieceBytes);
            byte[][] page = pages[(int) (start / BLOCK_SIZE / PAGE_SLOTS - firstPage)];
            readPage(page, start, out, outOffset + (int) (start - offset), (int) (end - start));
        });
    }

    private void readRange(long mapId, long offset, byte[] out, int outOffset, int length) {
        long done = 0;
        while (done < length) {
            long at = offset + done;
            long pageIndex = at / BLOCK_SIZE / PAGE_SLOTS;
            long pageEnd = (pageIndex + 1) * PAGE_SLOTS * BLOCK_SIZE;
            int n = (int) Math.min(pageEnd - at, length - done);
            readPage(committedPage(mapId, pageIndex), at, out, outOffset + (int) done, n);
            done += n;
        }
    }

    /**
     * One page's part of a read: every chunk it needs is located with one RocksDB multi-get and read
     * from the log in runs of adjacent records; whole blocks decode straight into the caller's buffer.
     */
    private void readPage(byte[][] page, long at, byte[] out, int outOffset, int length) {
        List<byte[]> hashes = new ArrayList<>();
        if (page != null) {
            for (long block = at / BLOCK_SIZE; block * BLOCK_SIZE < at + length; block++) {
                byte[] hash = page[(int) (block % PAGE_SLOTS)];
                if (hash != null) {
                    hashes.add(hash);
                }
            }
        }
        List<ChunkStore.Body> stored = hashes.isEmpty() ? List.of() : chunks.bodies(hashes);
        int next = 0;
        int pos = outOffset;
        long done = 0;
        while (done < length) {
            long block = (at + done) / BLOCK_SIZE;
            int inBlock = (int) ((at + done) % BLOCK_SIZE);
            int n = (int) Math.min(BLOCK_SIZE - inBlock, length - done);
            byte[] hash = page == null ? null : page[(int) (block % PAGE_SLOTS)];
            if (hash == null) {
                Arrays.fill(out, pos, pos + n, (byte) 0);
            } else {
                ChunkStore.Body body = stored.get(next++);
                if (body == null) {
                    throw chunkMissing();
                }
                if (n == BLOCK_SIZE) {
                    ChunkCodec.decode(body.span(), body.offset(), body.length(), out, pos);
                } else {
                    byte[] content = new byte[BLOCK_SIZE];
                    ChunkCodec.decode(body.span(), body.offset(), body.length(), content, 0);
                    System.arraycopy(content, inBlock, out, pos, n);
                }
            }
            pos += n;
            done += n;
        }
    }

    /**
     * SHA-256 of a range, lower-case hex. The range is read window by window (never across a page)
     * into one buffer, as a large read whose pieces decode on both cores, then digested; a window
     * of a page never written is digested as zeros without being read.
     */
    String checksum(long mapId, long offset, long length) {
        MessageDigest digest = ChunkCodec.newDigest();
        byte[] window = new byte[(int) Math.min(length, CHECKSUM_WINDOW_BYTES)];
        long pageBytes = (long) PAGE_SLOTS * BLOCK_SIZE;
        for (long done = 0; done < length; ) {
            long at = offset + done;
            int n = (int) Math.min(Math.min(window.length, length - done), pageBytes - at % pageBytes);
            if (committedPageId(mapId, at / pageBytes) == NO_PAGE) {
                for (int k = 0; k < n; k += BLOCK_SIZE) {
                    digest.update(ZERO_BLOCK, 0, Math.min(BLOCK_SIZE, n - k));
                }
            } else {
                read(mapId, at, window, 0, n);
                digest.update(window, 0, n);
            }
            done += n;
        }
        return hex(digest.digest());
    }

    // --- Tx view -------------------------------------------------------------------------------

    private long tablePageId(Tx tx, long mapId, long pageIndex) {
        Long pending = tx.table.get(new TableKey(mapId, pageIndex));
        return pending != null ? pending : committedPageId(mapId, pageIndex);
    }

    private Page page(Tx tx, long pageId) {
        return tx.pages.computeIfAbsent(pageId, id -> {
            byte[] owners = store.get(store.meta(), ownersKey(id));
            if (owners == null) {
                throw EngineException.internal("PAGE_MISSING", "block-map page " + id
                        + " has no owner count; the array's store is damaged", null);
            }
            ByteBuffer b = ByteBuffer.wrap(owners);
            return new Page(id, true, b.getLong(), b.getLong(), committedSlots(id));
        });
    }

    private Page newPage(Tx tx, byte[][] slots) {
        Page p = new Page(nextPageId++, false, 0, 0, new byte[PAGE_SLOTS][]);
        if (slots != null) {
            p.slots = slots.clone();
        }
        p.contentDirty = true;
        tx.pages.put(p.id, p);
        return p;
    }

    /** The page at a position, private to this map (copied first if shared), created if missing. */
    private Page writablePage(Tx tx, long mapId, long pageIndex, boolean live) {
        long pid = tablePageId(tx, mapId, pageIndex);
        if (pid == NO_PAGE) {
            Page created = newPage(tx, null);
            created.own(live, 1);
            tx.table.put(new TableKey(mapId, pageIndex), created.id);
            return created;
        }
        Page p = page(tx, pid);
        if (p.owners() == 1) {
            return p;
        }
        Page copy = newPage(tx, p.slots);
        p.own(live, -1);
        copy.own(live, 1);
        tx.table.put(new TableKey(mapId, pageIndex), copy.id);
        return copy;
    }

    private void dropFromTable(Tx tx, long mapId, long pageIndex, Page p, boolean live) {
        p.own(live, -1);
        tx.table.put(new TableKey(mapId, pageIndex), NO_PAGE);
    }

    // --- writes (into a Tx) --------------------------------------------------------------------

    /**
     * Sets one block to {@code content} (BLOCK_SIZE bytes; all zeros unmaps it).
     *
     * @return the change in the map's number of written blocks (-1, 0 or 1)
     */
    int setBlock(Tx tx, long mapId, long block, byte[] content, boolean live) {
        byte[] hash = isZero(content) ? null : sha256(content);
        return setBlock(tx, mapId, block, hash, () -> encode(content), live);
    }

    /** A full block hashed and compressed ahead of time, outside the array's lock. */
    record Prepared(byte[] hash, byte[] encoded) {
    }

    /** Hashes and compresses a block (any thread); the hash is null for an all-zero block. */
    static Prepared prepare(byte[] content) {
        return BlockPrepare.prepare(content, 0);
    }

    /** {@link #prepare(byte[])} of the block at {@code from} in {@code data}, without copying it. */
    static Prepared prepare(byte[] data, int from) {
        return BlockPrepare.prepare(data, from);
    }

    /** Prepares {@code count} consecutive blocks of {@code data} from {@code from}, in parallel. */
    static Prepared[] prepareAll(byte[] data, int from, int count) {
        return BlockPrepare.prepareAll(data, from, count);
    }

    /** Whether the store holds a chunk named {@code hash} (call under the array's write lock to rely on it). */
    boolean holdsChunk(byte[] hash) {
        return store.get(store.meta(), refKey(hash)) != null;
    }

    int setBlock(Tx tx, long mapId, long block, Prepared prepared, boolean live) {
        return setBlock(tx, mapId, block, prepared.hash(), prepared::encoded, live);
    }

    private int setBlock(Tx tx, long mapId, long block, byte[] hash, Supplier<byte[]> encoded,
            boolean live) {
        long pageIndex = block / PAGE_SLOTS;
        int slot = (int) (block % PAGE_SLOTS);
        long pid = tablePageId(tx, mapId, pageIndex);
        byte[] old = pid == NO_PAGE ? null : page(tx, pid).slots[slot];
        if (Arrays.equals(old, hash)) {
            return 0;
        }
        Page p = writablePage(tx, mapId, pageIndex, live);
        p.slots[slot] = hash;
        p.contentDirty = true;
        if (hash == null) {
            if (p.isEmpty()) {
                dropFromTable(tx, mapId, pageIndex, p, live);
            }
            return -1;
        }
        ByteBuffer id = ByteBuffer.wrap(hash);
        if (!tx.newChunks.containsKey(id) && store.get(store.meta(), refKey(hash)) == null) {
            tx.newChunks.put(id, encoded.get());
        }
        return old == null ? 1 : 0;
    }

    /** Shares every page of {@code source} with the empty (or just emptied) map {@code target}. */
    void copyMap(Tx tx, long source, long target, boolean targetLive) {
        List<long[]> entries = committedTable(source);
        for (long[] e : entries) {
            page(tx, e[1]).own(targetLive, 1);
            tx.table.put(new TableKey(target, e[0]), e[1]);
        }
    }

    /** Drops every page of a map (unreferenced pages and chunks are freed at commit). */
    void releaseMap(Tx tx, long mapId, boolean live) {
        for (long[] e : committedTable(mapId)) {
            dropFromTable(tx, mapId, e[0], page(tx, e[1]), live);
        }
    }

    /** Moves a map's page ownership between "live volume" and "other" (destroy and recover). */
    void moveRefs(Tx tx, long mapId, boolean toLive) {
        for (long[] e : committedTable(mapId)) {
            Page p = page(tx, e[1]);
            p.own(toLive, 1);
            p.own(!toLive, -1);
        }
    }

    /**
     * Cuts a map to {@code newSize} bytes: blocks past the end go, the tail of a partial last block
     * is zeroed (so growing again reads zeros).
     *
     * @return the change in written blocks
     */
    long truncate(Tx tx, long mapId, long newSize, boolean live) {
        long keepBlocks = (newSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long delta = 0;
        for (long[] e : committedTable(mapId)) {
            long firstBlock = e[0] * PAGE_SLOTS;
            if (firstBlock + PAGE_SLOTS <= keepBlocks) {
                continue;
            }
            for (int slot = (int) Math.max(0, keepBlocks - firstBlock); slot < PAGE_SLOTS; slot++) {
                long pid = tablePageId(tx, mapId, e[0]);
                if (pid != NO_PAGE && page(tx, pid).slots[slot] != null) {
                    delta += setBlock(tx, mapId, firstBlock + slot, ZERO_BLOCK, live);
                }
            }
        }
        int tail = (int) (newSize % BLOCK_SIZE);
        if (tail != 0) {
            byte[] last = readBlock(mapId, keepBlocks - 1);
            if (last != null) {
                Arrays.fill(last, tail, BLOCK_SIZE, (byte) 0);
                delta += setBlock(tx, mapId, keepBlocks - 1, last, live);
            }
        }
        return delta;
    }

    /**
     * Committed chunk hashes of a map, block -> hash: every mapped block, or only {@code onlyBlocks}
     * (then unmapped ones map to null). Replication compares these instead of data.
     */
    java.util.NavigableMap<Long, byte[]> hashes(long mapId, java.util.Collection<Long> onlyBlocks) {
        java.util.NavigableMap<Long, byte[]> out = new java.util.TreeMap<>();
        if (onlyBlocks == null) {
            for (long[] e : committedTable(mapId)) {
                byte[][] slots = committedSlots(e[1]);
                for (int i = 0; i < PAGE_SLOTS; i++) {
                    if (slots[i] != null) {
                        out.put(e[0] * PAGE_SLOTS + i, slots[i]);
                    }
                }
            }
            return out;
        }
        Map<Long, byte[][]> pages = new HashMap<>();
        for (long block : onlyBlocks) {
            byte[][] slots = pages.computeIfAbsent(block / PAGE_SLOTS, i -> {
                byte[][] page = committedPage(mapId, i);
                return page == null ? new byte[PAGE_SLOTS][] : page;
            });
            out.put(block, slots[(int) (block % PAGE_SLOTS)]);
        }
        return out;
    }

    /**
     * Points one block at a chunk by hash (null unmaps it); {@code encoded} supplies the stored body
     * when this array does not hold the chunk yet (a replica arriving from another array).
     */
    int setHash(Tx tx, long mapId, long block, byte[] hash, Supplier<byte[]> encoded, boolean live) {
        return setBlock(tx, mapId, block, hash, encoded, live);
    }

    /** Committed page-table entries of a map as {pageIndex, pageId}. */
    private List<long[]> committedTable(long mapId) {
        List<long[]> out = new ArrayList<>();
        store.scan(tablePrefix(mapId), (key, value) ->
                out.add(new long[] {ByteBuffer.wrap(key, 9, 8).getLong(), ByteBuffer.wrap(value).getLong()}));
        return out;
    }

    // --- commit --------------------------------------------------------------------------------

    /**
     * Puts the Tx's page and page-table changes into its batch and turns them into chunk reference
     * and chunk puts/deletes.
     *
     * @return the new {uniqueBytes, snapshotBytes} given the current ones
     */
    long[] prepareCommit(Tx tx, long uniqueBytes, long snapshotBytes) {
        for (Map.Entry<TableKey, Long> e : tx.table.entrySet()) {
            byte[] key = tableKey(e.getKey().mapId(), e.getKey().pageIndex());
            if (e.getValue() == NO_PAGE) {
                tx.delete(key);
            } else {
                tx.put(key, ByteBuffer.allocate(8).putLong(e.getValue()).array());
            }
        }
        boolean allocated = false;
        for (Page p : tx.pages.values()) {
            allocated |= !p.existed;
            if (p.live < 0 || p.other < 0) {
                throw new IllegalStateException("negative owner count of page " + p.id);
            }
            boolean liveBefore = p.origLive > 0;
            boolean liveAfter = p.live > 0;
            boolean existsAfter = p.owners() > 0;
            boolean changed = p.contentDirty || liveBefore != liveAfter || !existsAfter;
            if (p.existed && changed) {
                countSlots(tx, p.origSlots, liveBefore, -1);
            }
            if (existsAfter && (changed || !p.existed)) {
                countSlots(tx, p.slots, liveAfter, 1);
            }
            if (!existsAfter) {
                if (p.existed) {
                    tx.delete(pageKey(p.id));
                    tx.delete(ownersKey(p.id));
                }
                continue;
            }
            if (p.live != p.origLive || p.other != p.origOther || !p.existed) {
                tx.put(ownersKey(p.id), ByteBuffer.allocate(16).putLong(p.live).putLong(p.other).array());
            }
            if (p.contentDirty) {
                tx.put(pageKey(p.id), PageCodec.encode(p.slots));
            }
        }
        if (allocated) {
            tx.put(MetaKeys.NEXT_PAGE_ID.key(), ByteBuffer.allocate(8).putLong(nextPageId).array());
        }
        return commitChunkRefs(tx, uniqueBytes, snapshotBytes);
    }

    private static void countSlots(Tx tx, byte[][] slots, boolean live, long sign) {
        for (byte[] hash : slots) {
            if (hash != null) {
                tx.ref(hash, live ? sign : 0, live ? 0 : sign);
            }
        }
    }

    private long[] commitChunkRefs(Tx tx, long uniqueBytes, long snapshotBytes) {
        long unique = uniqueBytes;
        long snapshots = snapshotBytes;
        for (Map.Entry<ByteBuffer, long[]> e : tx.refDeltas.entrySet()) {
            long[] d = e.getValue();
            if (d[0] == 0 && d[1] == 0) {
                continue;
            }
            byte[] hash = e.getKey().array();
            byte[] refKey = refKey(hash);
            // A chunk this Tx found unstored is still unstored: the array's lock is held until commit.
            byte[] old = tx.newChunks.containsKey(e.getKey()) ? null : store.get(store.meta(), refKey);
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
                    chunks.remove(tx, hash, storedLen);
                }
            } else {
                tx.put(refKey, ByteBuffer.allocate(20).putLong(newLive).putLong(newOther).putInt(storedLen).array());
                if (old == null) {
                    chunks.add(tx, hash, tx.newChunks.get(e.getKey()));
                }
            }
        }
        return new long[] {unique, snapshots};
    }

    // --- space ---------------------------------------------------------------------------------

    /** Physical bytes of the chunks that only the given maps reference. */
    long exclusiveBytes(List<Long> mapIds) {
        Map<Long, long[]> pageUses = new HashMap<>();
        for (long mapId : mapIds) {
            for (long[] e : committedTable(mapId)) {
                pageUses.computeIfAbsent(e[1], id -> new long[1])[0]++;
            }
        }
        // Only chunks with several references need counting; memory stays proportional to them.
        Map<ByteBuffer, long[]> slotUses = new HashMap<>();
        long total = 0;
        for (Map.Entry<Long, long[]> e : pageUses.entrySet()) {
            ByteBuffer owners = ByteBuffer.wrap(store.get(store.meta(), ownersKey(e.getKey())));
            if (owners.getLong() + owners.getLong() != e.getValue()[0]) {
                continue; // some other map shares this page, so its chunks are not exclusive
            }
            for (byte[] hash : committedSlots(e.getKey())) {
                if (hash == null) {
                    continue;
                }
                ByteBuffer ref = ByteBuffer.wrap(store.get(store.meta(), refKey(hash)));
                if (ref.getLong() + ref.getLong() == 1) {
                    total += ref.getInt();
                } else {
                    slotUses.computeIfAbsent(ByteBuffer.wrap(hash), h -> new long[1])[0]++;
                }
            }
        }
        for (Map.Entry<ByteBuffer, long[]> e : slotUses.entrySet()) {
            byte[] ref = store.get(store.meta(), refKey(e.getKey().array()));
            if (ref != null) {
                ByteBuffer b = ByteBuffer.wrap(ref);
                if (b.getLong() + b.getLong() == e.getValue()[0]) {
                    total += b.getInt();
                }
            }
        }
        return total;
    }

    /** Physical bytes of the distinct chunks a map references. */
    long mappedPhysicalBytes(long mapId) {
        Map<ByteBuffer, Boolean> seen = new HashMap<>();
        long total = 0;
        for (long[] e : committedTable(mapId)) {
            for (byte[] hash : committedSlots(e[1])) {
                if (hash == null) {
                    continue;
                }
                ByteBuffer ref = ByteBuffer.wrap(store.get(store.meta(), refKey(hash)));
                boolean single = ref.getLong() + ref.getLong() == 1;
                if (single || seen.put(ByteBuffer.wrap(hash), Boolean.TRUE) == null) {
                    total += ref.getInt();
                }
            }
        }
        return total;
    }

    // --- consistency check ---------------------------------------------------------------------

    /**
     * Recomputes every page owner count, chunk reference count and the space split from the page
     * tables alone and compares them with what is stored (a test oracle and an operator's fsck).
     *
     * @param maps every map id of a live or destroyed object -> whether it is a live volume's
     * @param writtenBlocks map id -> the written-block count its object records
     * @return problems found (empty when consistent) and, last, "space unique=U snapshots=S"
     */
    List<String> check(Map<Long, Boolean> maps, Map<Long, Long> writtenBlocks) {
        List<String> problems = new ArrayList<>();
        Map<Long, long[]> owners = new HashMap<>();
        Map<Long, long[]> slotsPerMap = new HashMap<>();
        store.scan(MetaKeys.MAP_TABLE.prefix(), (key, value) -> {
            long mapId = ByteBuffer.wrap(key, 1, 8).getLong();
            long pageId = ByteBuffer.wrap(value).getLong();
            Boolean live = maps.get(mapId);
            if (live == null) {
                problems.add("page table of unknown map " + mapId);
                return;
            }
            owners.computeIfAbsent(pageId, id -> new long[2])[live ? 0 : 1]++;
            long used = 0;
            for (byte[] hash : committedSlots(pageId)) {
                used += hash == null ? 0 : 1;
            }
            slotsPerMap.computeIfAbsent(mapId, id -> new long[1])[0] += used;
        });
        writtenBlocks.forEach((mapId, count) -> {
            long actual = slotsPerMap.getOrDefault(mapId, new long[1])[0];
            if (actual != count) {
                problems.add("map " + mapId + " maps " + actual + " blocks but its object records " + count);
            }
        });
        Map<ByteBuffer, long[]> refs = new HashMap<>();
        long[] storedPages = {0};
        store.scan(MetaKeys.PAGE_OWNERS.prefix(), (key, value) -> {
            storedPages[0]++;
            long pageId = ByteBuffer.wrap(key, 1, 8).getLong();
            ByteBuffer b = ByteBuffer.wrap(value);
            long live = b.getLong();
            long other = b.getLong();
            long[] expected = owners.get(pageId);
            if (expected == null || expected[0] != live || expected[1] != other) {
                problems.add("page " + pageId + " owners " + live + "/" + other + " but page tables say "
                        + (expected == null ? "none" : expected[0] + "/" + expected[1]));
            }
            for (byte[] hash : committedSlots(pageId)) {
                if (hash != null) {
                    refs.computeIfAbsent(ByteBuffer.wrap(hash), h -> new long[2])[live > 0 ? 0 : 1]++;
                }
            }
        });
        if (storedPages[0] != owners.size()) {
            problems.add(storedPages[0] + " pages stored but " + owners.size() + " referenced");
        }
        long[] space = {0, 0};
        long[] storedRefs = {0};
        store.scan(MetaKeys.CHUNK_REFS.prefix(), (key, value) -> {
            storedRefs[0]++;
            byte[] hash = Arrays.copyOfRange(key, 1, key.length);
            ByteBuffer b = ByteBuffer.wrap(value);
            long live = b.getLong();
            long other = b.getLong();
            int len = b.getInt();
            long[] expected = refs.get(ByteBuffer.wrap(hash));
            if (expected == null || expected[0] != live || expected[1] != other) {
                problems.add("chunk " + hex(hash) + " refs " + live + "/" + other + " but pages say "
                        + (expected == null ? "none" : expected[0] + "/" + expected[1]));
            }
            if (!chunks.isStored(hash)) {
                problems.add("chunk " + hex(hash) + " is counted but not stored");
            }
            space[live > 0 ? 0 : 1] += len;
        });
        long[] storedChunks = {chunks.count()};
        if (storedChunks[0] != refs.size() || storedRefs[0] != refs.size()) {
            problems.add(storedChunks[0] + " chunks and " + storedRefs[0] + " ref counts stored but "
                    + refs.size() + " referenced");
        }
        problems.add("space unique=" + space[0] + " snapshots=" + space[1]);
        return problems;
    }

    private static byte[] encode(byte[] content) {
        return ChunkCodec.encode(content, 0);
    }

    private static void decode(byte[] stored, byte[] out, int at) {
        ChunkCodec.decode(stored, out, at);
    }

    static boolean isZero(byte[] content) {
        return ChunkCodec.isZero(content, 0);
    }

    static byte[] sha256(byte[] content) {
        return ChunkCodec.sha256(content);
    }

    static String hex(byte[] bytes) {
        return ChunkCodec.hex(bytes);
    }

    void close() {
        // nothing native to free: the codec's per-thread Inflaters are released by their Cleaner
    }
}
