package io.purebridge.engine.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.chunklog.ChunkLocation;
import io.purebridge.engine.sim.chunklog.ChunkLog;
import io.purebridge.engine.sim.chunklog.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated array's store: a RocksDB for metadata and a {@link ChunkLog} for data.
 * <ul>
 *   <li>RocksDB (default column family, LZ4): metadata JSON (array state, volumes, snapshots, hosts,
 *       groups), block-map tables and pages, chunk reference counts and chunk locations: every key
 *       kind is listed in {@link MetaKeys};</li>
 *   <li>the chunk log ({@code chunklog/} in the same directory): chunk bodies, each written once, and
 *       a commit record per acknowledged change carrying that change's RocksDB batch.</li>
 * </ul>
 * Every acknowledged mutation is one {@link #write} (or, for data writes, {@link #append} and then
 * {@link #complete}, with the array's lock released in between): its new chunks and then its batch
 * are appended to the log, the log is fsynced (one fsync for all writers waiting, group commit),
 * and only then is the batch applied to RocksDB (WAL written, not fsynced: the log is the durable
 * copy); batches are applied in log order. After
 * a crash, {@link #open} replays the log's commit records that RocksDB lost, so no index entry
 * ever names bytes that are not on disk and nothing acknowledged is lost. Stores of earlier
 * versions keep chunks in a {@code chunks} column family; {@link ChunkMigration} moves them.
 */
final class SimStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final byte[] LEGACY_CHUNKS = bytes("chunks");
    /** Segment size: compaction moves at most this much at a time; tests make it small. */
    static final long SEGMENT_BYTES = Long.getLong("purebridge.sim.logSegmentBytes", 64L << 20);

    static {
        RocksDB.loadLibrary();
    }

    private final String arrayName;
    private final DBOptions dbOptions;
    private final BloomFilter metaFilter = new BloomFilter(10);
    private final ColumnFamilyOptions metaOptions;
    private final ColumnFamilyOptions legacyChunkOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final WriteOptions applyWrite;
    private final ChunkLog log;
    private final LogCompactor compactor;
    /** Chunks a batch brings, appended to the log by {@link #write} (identity keys, dropped with the batch). */
    private final Map<WriteBatch, List<byte[][]>> staged = Collections.synchronizedMap(new WeakHashMap<>());
    /** Index changes of appended data writes RocksDB does not hold yet; every read looks here first. */
    private final PendingWrites pending = new PendingWrites();
    private final Object appendLock = new Object();
    private final Object applyLock = new Object();
    /** Guarded by appendLock: the sequence number of the last commit record appended. */
    private long appendedSeq;
    /** Guarded by applyLock: commit records up to this one are applied to RocksDB. */
    private long appliedSeq;

    SimStore(String arrayName, Path directory) {
        this(arrayName, directory, SEGMENT_BYTES, Long.MAX_VALUE);
    }

    /**
     * @param segmentBytes size of a chunk-log segment
     * @param migrateAtMost chunks of an earlier version's store to move on this open (tests stop
     *     early to act out an interrupted upgrade)
     */
    SimStore(String arrayName, Path directory, long segmentBytes, long migrateAtMost) {
        this.arrayName = arrayName;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw EngineException.internal("ARRAY_STORE_UNAVAILABLE", arrayName
                    + ": cannot create data directory " + directory + ": " + e.getMessage(), e);
        }
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxOpenFiles(256).setKeepLogFileNum(2);
        // Small memtables: a service hosts several arrays and should stay well under 512 MiB.
        // Bloom filters: every write of new data looks up reference counts of chunks that mostly
        // do not exist yet, which without a filter costs an index and data block read per SST.
        metaOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(8L << 20).setMaxWriteBufferNumber(2)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(metaFilter));
        // Only opened for stores of earlier versions, until their chunks are in the log.
        legacyChunkOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION)
                .setEnableBlobFiles(true).setMinBlobSize(512).setEnableBlobGarbageCollection(true);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions));
        RocksDB opened = null;
        try (Options listOptions = new Options()) {
            boolean legacy = Files.exists(directory.resolve("CURRENT")) && RocksDB.listColumnFamilies(listOptions,
                    directory.toString()).stream().anyMatch(name -> Arrays.equals(name, LEGACY_CHUNKS));
            if (legacy) {
                descriptors.add(new ColumnFamilyDescriptor(LEGACY_CHUNKS, legacyChunkOptions));
            }
            opened = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            db = null;
            applyWrite = null;
            log = null;
            compactor = null;
            close();
            throw EngineException.internal("ARRAY_STORE_UNAVAILABLE", arrayName + ": cannot open store in "
                    + directory + " (is another service using it?): " + e.getMessage(), e);
        }
        db = opened;
        applyWrite = new WriteOptions().setSync(false);
        ChunkLog chunkLog = null;
        try {
            chunkLog = ChunkLog.open(directory.resolve("chunklog"), segmentBytes);
        } finally {
            log = chunkLog;
            compactor = chunkLog == null ? null : new LogCompactor(this, chunkLog, segmentBytes);
            if (chunkLog == null) {
                close();
            }
        }
        try {
            recover();
            if (handles.size() > 1 && ChunkMigration.run(this, handles.get(1), migrateAtMost)) {
                dropLegacyChunks();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        compactor.start();
    }

    /** Applies the commit records RocksDB lost in a crash (if any), in log order. */
    private void recover() {
        byte[] raw = get(meta(), MetaKeys.LOG_APPLIED.key());
        long appliedBefore = raw == null ? 0 : ByteBuffer.wrap(raw).getLong();
        ChunkLocation from = raw == null ? null
                : new ChunkLocation(ByteBuffer.wrap(raw, 8, 16).getLong(), ByteBuffer.wrap(raw, 16, 8).getLong(), 0);
        long[] last = {appliedBefore};
        int[] replayed = {0};
        log.recover(from, payload -> {
            long seq = ByteBuffer.wrap(payload).getLong();
            if (seq <= last[0]) {
                return;
            }
            try (WriteBatch batch = new WriteBatch(Arrays.copyOfRange(payload, 8, payload.length))) {
                db.write(applyWrite, batch);
            } catch (RocksDBException e) {
                throw failure("replay", e);
            }
            last[0] = seq;
            replayed[0]++;
        });
        appendedSeq = last[0];
        appliedSeq = last[0];
        if (replayed[0] > 0) {
            syncIndex();
            LOG.info("{}: replayed {} committed changes from the chunk log", arrayName, replayed[0]);
        }
    }

    private void dropLegacyChunks() {
        ColumnFamilyHandle legacy = handles.remove(1);
        try {
            syncIndex();
            db.dropColumnFamily(legacy);
        } catch (RocksDBException e) {
            throw failure("drop the migrated chunks column family", e);
        } finally {
            legacy.close();
        }
        LOG.info("{}: chunks moved from RocksDB to the chunk log", arrayName);
    }

    ColumnFamilyHandle meta() {
        return handles.get(0);
    }

    /** True while chunks of an earlier version's store wait to move into the log. */
    boolean migrating() {
        return handles.size() > 1;
    }

    ChunkLog log() {
        return log;
    }

    /** The latest appended value of {@code key}: a pending data write's, else RocksDB's. */
    byte[] get(ColumnFamilyHandle family, byte[] key) {
        PendingWrites.Entry latest = family == meta() ? pending.lookup(key) : null;
        if (latest != null) {
            return latest.value();
        }
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    /** Values of {@code keys} in {@code family}, in order, null where absent; one JNI call. */
    List<byte[]> multiGet(ColumnFamilyHandle family, List<byte[]> keys) {
        // Pending entries first: one that leaves meanwhile is in RocksDB by then.
        PendingWrites.Entry[] latest = new PendingWrites.Entry[keys.size()];
        boolean anyPending = false;
        if (family == meta() && !pending.isEmpty()) {
            for (int i = 0; i < latest.length; i++) {
                latest[i] = pending.lookup(keys.get(i));
                anyPending |= latest[i] != null;
            }
        }
        List<byte[]> out;
        try {
            out = db.multiGetAsList(Collections.nCopies(keys.size(), family), keys);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        if (anyPending) {
            out = new ArrayList<>(out);
            for (int i = 0; i < latest.length; i++) {
                if (latest[i] != null) {
                    out.set(i, latest[i].value());
                }
            }
        }
        return out;
    }

    /**
     * Makes {@code batch} (and the chunks staged for it) durable, then applies it: the acknowledged
     * write path. Concurrent callers share fsyncs; RocksDB applies batches in log order.
     */
    void write(WriteBatch batch) {
        List<byte[][]> chunks = staged.remove(batch);
        long seq;
        long mark;
        synchronized (appendLock) {
            seq = appendLocked(batch, chunks, null);
            mark = log.mark();
        }
        finish(seq, mark, batch);
    }

    /**
     * A commit appended to the log whose fsync and apply are still to come ({@link #complete}); its
     * index changes are visible to every read meanwhile ({@link PendingWrites}).
     */
    record PendingCommit(long seq, long mark, WriteBatch batch, Map<ByteBuffer, byte[]> writes) {
    }

    /**
     * Appends {@code batch} (with the chunks staged for it) and makes its changes ({@code writes}:
     * key -> value, null for a delete; the batch's own content) visible to reads at once. The caller
     * may then release its array's lock, so the fsync overlaps other writers' work and they share
     * it; it must then call {@link #complete} (later commits cannot be applied before this one).
     * The store owns {@code batch} from here.
     */
    PendingCommit append(WriteBatch batch, Map<ByteBuffer, byte[]> writes) {
        List<byte[][]> chunks = staged.remove(batch);
        Map<ByteBuffer, byte[]> all = new HashMap<>(writes);
        synchronized (appendLock) {
            long seq = appendLocked(batch, chunks, all);
            pending.add(seq, all);
            return new PendingCommit(seq, log.mark(), batch, all);
        }
    }

    /** Makes an {@link #append}ed commit durable and applies it in its turn; throws what failed. */
    void complete(PendingCommit commit) {
        try {
            finish(commit.seq(), commit.mark(), commit.batch());
            pending.applied(commit.seq(), commit.writes().keySet());
        } finally {
            // A failed commit's entries stay: the log refuses every later write, and reads keep
            // seeing what the writers after it built on.
            commit.batch().close();
        }
    }

    /** Fsyncs the log up to {@code mark}, then applies commit {@code seq} in its turn. */
    private void finish(long seq, long mark, WriteBatch batch) {
        RuntimeException error = null;
        try {
            log.sync(mark);
        } catch (RuntimeException e) {
            error = e;
        }
        error = apply(seq, error == null ? batch : null, error);
        if (error != null) {
            throw error;
        }
    }

    /**
     * Appends the batch's chunks and its commit record; returns the record's sequence number. The
     * index entries it adds to the batch also go to {@code alsoInto} when given.
     */
    private long appendLocked(WriteBatch batch, List<byte[][]> chunks, Map<ByteBuffer, byte[]> alsoInto) {
        try {
            ChunkLocation start = log.position();
            Map<ByteBuffer, byte[]> added = new HashMap<>();
            if (chunks != null) {
                List<ChunkLocation> at = log.appendAll(LogRecord.CHUNK, chunks);
                for (int i = 0; i < chunks.size(); i++) {
                    added.put(ByteBuffer.wrap(MetaKeys.CHUNK_LOCATION.key(chunks.get(i)[0])), at.get(i).encode());
                }
            }
            long seq = appendedSeq + 1;
            added.put(ByteBuffer.wrap(MetaKeys.LOG_APPLIED.key()), ByteBuffer.allocate(24).putLong(seq)
                    .putLong(start.segment()).putLong(start.offset()).array());
            for (Map.Entry<ByteBuffer, byte[]> e : added.entrySet()) {
                batch.put(meta(), e.getKey().array(), e.getValue());
            }
            if (alsoInto != null) {
                alsoInto.putAll(added);
            }
            log.append(LogRecord.COMMIT, ByteBuffer.allocate(8).putLong(seq).array(), batch.data());
            appendedSeq = seq;
            return seq;
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** Applies commit {@code seq} in its turn (null batch: it failed, only pass the turn on). */
    private RuntimeException apply(long seq, WriteBatch batch, RuntimeException error) {
        boolean interrupted = false;
        synchronized (applyLock) {
            while (appliedSeq != seq - 1) {
                try {
                    applyLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            try {
                if (batch != null) {
                    db.write(applyWrite, batch);
                }
            } catch (RocksDBException e) {
                error = failure("write", e);
            } finally {
                appliedSeq = seq;
                applyLock.notifyAll();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return error;
    }

    /** Adds a new chunk to {@code batch}: {@link #write} appends it to the log and indexes it. */
    void stageChunk(WriteBatch batch, byte[] hash, byte[] body) {
        staged.computeIfAbsent(batch, b -> new ArrayList<>()).add(new byte[][] {hash, body});
    }

    /** A chunk's record became garbage; compaction reclaims it once enough has. */
    void chunkFreed(long recordBytes) {
        compactor.freed(recordBytes);
    }

    LogCompactor compactor() {
        return compactor;
    }

    /**
     * Relocates chunks for compaction: each one whose location in the index is still {@code from}
     * (not freed or moved meanwhile) is appended anew and repointed, in one durable commit.
     *
     * @param moves {hash, old location (encoded), record payload (hash + body)}
     * @return how many were moved
     */
    int relocate(List<byte[][]> moves) {
        long seq;
        long mark;
        int moved = 0;
        try (WriteBatch batch = new WriteBatch()) {
            synchronized (appendLock) {
                awaitApplied(appendedSeq);
                List<byte[][]> still = new ArrayList<>();
                for (byte[][] m : moves) {
                    if (Arrays.equals(get(meta(), MetaKeys.CHUNK_LOCATION.key(m[0])), m[1])) {
                        still.add(new byte[][] {m[0], Arrays.copyOfRange(m[2], m[0].length, m[2].length)});
                    }
                }
                if (still.isEmpty()) {
                    return 0;
                }
                moved = still.size();
                seq = appendLocked(batch, still, null);
                mark = log.mark();
            }
            RuntimeException error = null;
            try {
                log.sync(mark);
            } catch (RuntimeException e) {
                error = e;
            }
            error = apply(seq, error == null ? batch : null, error);
            if (error != null) {
                throw error;
            }
        }
        return moved;
    }

    /** Waits until every commit appended so far is applied to RocksDB. */
    void awaitApplied() {
        long target;
        synchronized (appendLock) {
            target = appendedSeq;
        }
        awaitApplied(target);
    }

    private void awaitApplied(long target) {
        boolean interrupted = false;
        synchronized (applyLock) {
            while (appliedSeq < target) {
                try {
                    applyLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Makes RocksDB's own copy of every applied batch durable (its WAL fsynced), so no replay needs
     * a log segment before now: called before compaction deletes segments.
     */
    void syncIndex() {
        synchronized (appendLock) {
            awaitApplied(appendedSeq);
            try {
                db.flushWal(true);
            } catch (RocksDBException e) {
                throw failure("sync", e);
            }
        }
    }

    /** Calls {@code visitor} for every key of the meta family starting with {@code prefix}. */
    void scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        scan(meta(), prefix, visitor);
    }

    /** Calls {@code visitor} for every key of {@code family} starting with {@code prefix}. */
    void scan(ColumnFamilyHandle family, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        // Pending entries are copied before the iterator is made: one applied in between is in both.
        NavigableMap<byte[], PendingWrites.Entry> latest = family == meta() ? pending.withPrefix(prefix)
                : new TreeMap<>();
        try (ReadOptions options = new ReadOptions().setTotalOrderSeek(true);
                RocksIterator it = db.newIterator(family, options)) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                byte[] key = it.key();
                while (!latest.isEmpty() && Arrays.compareUnsigned(latest.firstKey(), key) < 0) {
                    visitPending(latest.pollFirstEntry(), visitor);
                }
                PendingWrites.Entry replaced = latest.remove(key);
                if (replaced == null) {
                    visitor.accept(key, it.value());
                } else if (replaced.value() != null) {
                    visitor.accept(key, replaced.value());
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
        while (!latest.isEmpty()) {
            visitPending(latest.pollFirstEntry(), visitor);
        }
    }

    private static void visitPending(Map.Entry<byte[], PendingWrites.Entry> e, BiConsumer<byte[], byte[]> visitor) {
        if (e.getValue().value() != null) {
            visitor.accept(e.getKey(), e.getValue().value());
        }
    }

    /** Values of every {@code prefix}* key in the meta family, decoded as JSON. */
    <T> List<T> loadAll(String prefix, Class<T> type) {
        List<T> out = new ArrayList<>();
        scan(bytes(prefix), (k, v) -> out.add(fromJson(v, type)));
        return out;
    }

    static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw EngineException.internal("ARRAY_STORE_ENCODING", "cannot encode " + value.getClass(), e);
        }
    }

    static <T> T fromJson(byte[] value, Class<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (IOException e) {
            throw EngineException.internal("ARRAY_STORE_CORRUPT", "cannot decode a stored " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** An iterator over a column family (the migration's; the caller closes it). */
    RocksIterator iterator(ColumnFamilyHandle family) {
        return db.newIterator(family);
    }

    EngineException failure(String what, RocksDBException e) {
        return EngineException.internal("ARRAY_STORE_FAILED", arrayName + ": store " + what + " failed: "
                + e.getMessage() + "; check the service's data directory (disk full or read-only?)", e);
    }

    @Override
    public void close() {
        if (db != null && log != null) {
            // Data writes appended before the close finish their fsync and apply first.
            awaitApplied();
        }
        if (compactor != null) {
            compactor.close();
        }
        if (log != null) {
            log.close();
        }
        if (applyWrite != null) {
            applyWrite.close();
        }
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        if (db != null) {
            db.close();
        }
        dbOptions.close();
        metaOptions.close();
        metaFilter.close();
        legacyChunkOptions.close();
    }
}
