package io.purebridge.engine.offload;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.EncodedBlockWrite;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Restores an offloaded snapshot into any array with data access as a new volume. Packs are read
 * in parallel; every block is checked against the manifest before it is written, and the whole
 * volume's SHA-256 (read back through the array) must equal the manifest's. Any failure removes
 * the new volume: nothing half-made stays behind.
 */
final class SnapshotRestorer {
    private final S3Bucket bucket;
    private final PackReader reader;
    private final ExecutorService pool;

    SnapshotRestorer(S3Bucket bucket, ChunkCipher cipher, ExecutorService pool) {
        this.bucket = bucket;
        this.reader = new PackReader(bucket, cipher);
        this.pool = pool;
    }

    VolumeRecord restore(Manifest m, FlashArray array, String volumeName, OffloadProgress progress) {
        if (!(array instanceof BlockDataAccess data)) {
            throw EngineException.failedPrecondition("OFFLOAD_ARRAY_HAS_NO_DATA_ACCESS", "array "
                    + array.arrayInfo().name() + " does not take volume data from the service");
        }
        long size = m.header().sizeBytes();
        Optional<VolumeRecord> existing = array.findVolume(volumeName);
        if (existing.isPresent()) {
            VolumeRecord v = existing.get();
            if (!v.destroyed() && v.provisionedBytes() == size
                    && data.checksum(volumeName, 0, size).equals(m.header().contentSha256())) {
                progress.addDone(size);
                return v; // the same restore, already done
            }
            throw EngineException.alreadyExists("VOLUME_EXISTS", "volume " + volumeName + " already exists on array "
                    + array.arrayInfo().name() + " with other content; restore into a new volume name");
        }
        VolumeRecord created = array.createVolume(volumeName, size);
        try {
            writeAll(m, data, volumeName, progress);
            String sum = data.checksum(volumeName, 0, size);
            if (!sum.equals(m.header().contentSha256())) {
                throw EngineException.internal("OFFLOAD_RESTORE_MISMATCH", "restored volume " + volumeName
                        + " does not match offloaded snapshot " + m.header().snapshot() + "; it was removed", null);
            }
            return created;
        } catch (RuntimeException e) {
            try {
                array.destroyVolume(volumeName);
                array.eradicateVolume(volumeName);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void writeAll(Manifest m, BlockDataAccess data, String volumeName, OffloadProgress progress) {
        List<List<Integer>> byPack = new ArrayList<>();
        for (int i = 0; i < m.packs().size(); i++) {
            byPack.add(new ArrayList<>());
        }
        long zeroBytes = 0;
        for (int b = 0; b < m.blocks(); b++) {
            if (m.isZero(b)) {
                zeroBytes += ChunkCodec.BLOCK_SIZE;
            } else {
                byPack.get(m.pack()[b]).add(b);
            }
        }
        progress.addDone(Math.min(zeroBytes, m.header().sizeBytes()));
        Semaphore inFlight = new Semaphore(bucket.target().tuning().concurrency() + 1);
        List<Future<?>> jobs = new ArrayList<>();
        try {
            for (int p = 0; p < byPack.size(); p++) {
                List<Integer> blocks = byPack.get(p);
                if (blocks.isEmpty()) {
                    continue;
                }
                String pack = m.packs().get(p);
                inFlight.acquire();
                jobs.add(pool.submit(() -> {
                    try {
                        byte[] body = reader.fetch(pack);
                        progress.addSent(body.length);
                        writeRuns(m, blocks, body, data, volumeName, progress);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "restore of " + volumeName + " was interrupted");
        } catch (ExecutionException e) {
            jobs.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("OFFLOAD_RESTORE_FAILED", "restore of " + volumeName + " failed", e.getCause());
        }
    }

    /**
     * Writes each contiguous run of the pack's blocks (in block order) with one call: in their stored
     * form where the array takes it (nothing decoded twice or re-encoded), else decoded.
     */
    private void writeRuns(Manifest m, List<Integer> blocks, byte[] body, BlockDataAccess data, String volumeName,
                           OffloadProgress progress) {
        long size = m.header().sizeBytes();
        int maxRun = BlockDataAccess.MAX_IO_BYTES / ChunkCodec.BLOCK_SIZE;
        int i = 0;
        while (i < blocks.size()) {
            int j = i + 1;
            while (j < blocks.size() && blocks.get(j) == blocks.get(j - 1) + 1 && j - i < maxRun) {
                j++;
            }
            long start = (long) blocks.get(i) * ChunkCodec.BLOCK_SIZE;
            int runBytes = (j - i) * ChunkCodec.BLOCK_SIZE;
            int len = (int) Math.min(runBytes, size - start);
            if (data instanceof EncodedBlockWrite encodedWrite && len == runBytes) {
                byte[][] hashes = new byte[j - i][];
                byte[][] stored = new byte[j - i][];
                byte[] scratch = new byte[ChunkCodec.BLOCK_SIZE];
                for (int k = i; k < j; k++) {
                    hashes[k - i] = m.hashes()[blocks.get(k)];
                    stored[k - i] = reader.verifiedStored(m, blocks.get(k), body, scratch);
                }
                encodedWrite.writeEncoded(volumeName, start, hashes, stored);
            } else {
                byte[] run = new byte[runBytes];
                for (int k = i; k < j; k++) {
                    reader.decode(m, blocks.get(k), body, run, (k - i) * ChunkCodec.BLOCK_SIZE);
                }
                data.write(volumeName, start, len == run.length ? run : java.util.Arrays.copyOf(run, len));
            }
            progress.addDone(len);
            i = j;
        }
    }
}
