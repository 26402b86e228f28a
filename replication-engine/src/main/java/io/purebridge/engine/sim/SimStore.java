package io.purebridge.engine.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One simulated array's RocksDB. Two column families:
 * <ul>
 *   <li>default (LZ4): metadata JSON (array state, volumes, snapshots, hosts, groups), block-map
 *       tables and pages, and chunk reference counts: every key kind is listed in
 *       {@link MetaKeys};</li>
 *   <li>{@code chunks} (no RocksDB compression, the values are already compressed; large values in
 *       blob files): hash -> chunk.</li>
 * </ul>
 * Every acknowledged mutation is one WriteBatch written with sync=true, so the WAL holds it before
 * the caller sees success.
 */
final class SimStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static {
        RocksDB.loadLibrary();
    }

    private final String arrayName;
    private final DBOptions dbOptions;
    private final BloomFilter metaFilter = new BloomFilter(10);
    private final ColumnFamilyOptions metaOptions;
    private final ColumnFamilyOptions chunkOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final WriteOptions syncWrite;

    SimStore(String arrayName, Path directory) {
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
        // Chunks (up to 32 KiB, already compressed) go to blob files so compaction does not rewrite
        // them; blob GC reclaims the space of eradicated chunks.
        chunkOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(16L << 20).setMaxWriteBufferNumber(2)
                .setEnableBlobFiles(true).setMinBlobSize(512).setBlobFileSize(256L << 20)
                .setEnableBlobGarbageCollection(true);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
                new ColumnFamilyDescriptor(bytes("chunks"), chunkOptions));
        try {
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            close();
            throw EngineException.internal("ARRAY_STORE_UNAVAILABLE", arrayName + ": cannot open store in "
                    + directory + " (is another service using it?): " + e.getMessage(), e);
        }
        syncWrite = new WriteOptions().setSync(true);
    }

    ColumnFamilyHandle meta() {
        return handles.get(0);
    }

    ColumnFamilyHandle chunks() {
        return handles.get(1);
    }

    byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    /** Values of {@code keys} in {@code family}, in order, null where absent; one JNI call. */
    List<byte[]> multiGet(ColumnFamilyHandle family, List<byte[]> keys) {
        try {
            return db.multiGetAsList(Collections.nCopies(keys.size(), family), keys);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    void write(WriteBatch batch) {
        try {
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** Calls {@code visitor} for every key of the meta family starting with {@code prefix}. */
    void scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        scan(meta(), prefix, visitor);
    }

    /** Calls {@code visitor} for every key of {@code family} starting with {@code prefix}. */
    void scan(ColumnFamilyHandle family, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        try (ReadOptions options = new ReadOptions().setTotalOrderSeek(true);
                RocksIterator it = db.newIterator(family, options)) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                visitor.accept(it.key(), it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
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

    private EngineException failure(String what, RocksDBException e) {
        return EngineException.internal("ARRAY_STORE_FAILED", arrayName + ": store " + what + " failed: "
                + e.getMessage() + "; check the service's data directory (disk full or read-only?)", e);
    }

    @Override
    public void close() {
        if (syncWrite != null) {
            syncWrite.close();
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
        chunkOptions.close();
    }
}
