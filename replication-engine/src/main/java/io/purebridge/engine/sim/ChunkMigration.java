package io.purebridge.engine.sim;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Upgrade of a data directory made before the chunk log: chunks stored in the {@code chunks} column
 * family move into the log. Each batch of chunks is appended, indexed and deleted from the column
 * family in one durable commit, so an interrupted migration resumes where it stopped on the next
 * open and a chunk is never in neither place. Chunks no reference count names are dropped.
 */
final class ChunkMigration {
    private static final int BATCH_BYTES = 8 << 20;

    private ChunkMigration() {
    }

    /**
     * Moves up to {@code maxChunks} chunks (a test stops early to act out an interruption).
     *
     * @return true when the column family is empty
     */
    static boolean run(SimStore store, ColumnFamilyHandle legacy, long maxChunks) {
        long seen = 0;
        List<byte[]> keys = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        long bytes = 0;
        try (RocksIterator it = store.iterator(legacy)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (seen++ == maxChunks) {
                    if (!keys.isEmpty()) {
                        store.write(batch);
                    }
                    return false;
                }
                byte[] hash = it.key();
                if (store.get(store.meta(), MetaKeys.CHUNK_REFS.key(hash)) != null
                        && store.get(store.meta(), MetaKeys.CHUNK_LOCATION.key(hash)) == null) {
                    byte[] body = it.value();
                    store.stageChunk(batch, hash, body);
                    bytes += body.length;
                }
                batch.delete(legacy, hash);
                keys.add(hash);
                if (bytes >= BATCH_BYTES || keys.size() >= 4096) {
                    store.write(batch);
                    batch.close();
                    batch = new WriteBatch();
                    keys.clear();
                    bytes = 0;
                }
            }
            it.status();
            if (!keys.isEmpty()) {
                store.write(batch);
            }
            return true;
        } catch (RocksDBException e) {
            throw store.failure("migrate chunks", e);
        } finally {
            batch.close();
        }
    }
}
