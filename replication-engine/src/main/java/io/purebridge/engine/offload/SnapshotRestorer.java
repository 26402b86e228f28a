package io.purebridge.engine.offload;

import io.purebridge.engine.array.BlockAddresses;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.EncodedBlockWrite;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.OffloadedSnapshotRestore;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Restores an offloaded snapshot into any array with data access as a new volume (an array that
 * restores from the bucket itself, {@link OffloadedSnapshotRestore}, is asked to). Blocks whose
 * chunk the array already holds are written by name ({@link EncodedBlockWrite#writeHeld}) and not
 * fetched; packs of the others are read in parallel, and every block is checked against the
 * manifest before it is written. The new volume is then checked as the array holds it: block by
 * block against the manifest's names where the array stores by content address
 * ({@link BlockAddresses}), else by reading it back for the manifest's whole-volume SHA-256. Any
 * failure removes the new volume: nothing half-made stays behind.
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
            if (array instanceof OffloadedSnapshotRestore self) {
                return restoredByArray(m, self, volumeName, progress);
            }
            throw EngineException.failedPrecondition("OFFLOAD_ARRAY_HAS_NO_DATA_ACCESS", "array "
                    + array.arrayInfo().name() + " neither takes volume data from the service nor restores"
                    + " offloaded snapshots itself; restore into another array");
        }
        long size = m.header().sizeBytes();
        Optional<VolumeRecord> existing = array.findVolume(volumeName);
        if (existing.isPresent()) {
            VolumeRecord v = existing.get();
            if (!v.destroyed() && v.provisionedBytes() == size && holds(m, array, data, volumeName)) {
                progress.addDone(size);
                return v; // the same restore, already done
            }
            throw EngineException.alreadyExists("VOLUME_EXISTS", "volume " + volumeName + " already exists on array "
                    + array.arrayInfo().name() + " with other content; restore into a new volume name");
        }
        VolumeRecord created = array.createVolume(volumeName, size);
        try {
            writeAll(m, data, volumeName, progress);
            if (!holds(m, array, data, volumeName)) {
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

    /**
     * A restore the array does itself from its own connection to the bucket (a FlashArray over REST):
     * the array checks the data against the manifest; the service checks the size it reports.
     */
    private VolumeRecord restoredByArray(Manifest m, OffloadedSnapshotRestore array, String volumeName,
            OffloadProgress progress) {
        Manifest.Header h = m.header();
        // The array knows the bucket under the name its administrator gave it (array_target_name).
        VolumeRecord v = array.restoreOffloaded(bucket.target().nameOnArrays(), h.sourceArray() + ":" + h.snapshot(),
                volumeName, h.sizeBytes());
        if (v.provisionedBytes() != h.sizeBytes()) {
            throw EngineException.internal("OFFLOAD_RESTORE_MISMATCH", "the array restored " + volumeName + " with "
                    + v.provisionedBytes() + " bytes, but offloaded snapshot " + h.snapshot() + " has "
                    + h.sizeBytes() + "; check the array's offload target", null);
        }
        progress.addDone(h.sizeBytes());
        return v;
    }

    /** Whether the volume holds exactly the snapshot's content (see the class comment for how). */
    private static boolean holds(Manifest m, FlashArray array, BlockDataAccess data, String volumeName) {
        if (!(array instanceof BlockAddresses addresses)) {
            return data.checksum(volumeName, 0, m.header().sizeBytes()).equals(m.header().contentSha256());
        }
        int window = BlockDataAccess.MAX_IO_BYTES / ChunkCodec.BLOCK_SIZE;
        for (int first = 0; first < m.blocks(); first += window) {
            int count = Math.min(window, m.blocks() - first);
            byte[][] held = addresses.blockAddresses(volumeName, first, count);
            for (int i = 0; i < count; i++) {
                byte[] expected = m.isZero(first + i) ? null : m.hashes()[first + i];
                if (!Arrays.equals(held[i], expected)) {
                    return false;
                }
            }
        }
        return true;
    }

    private void writeAll(Manifest m, BlockDataAccess data, String volumeName, OffloadProgress progress) {
        BitSet needed = writeHeld(m, data, volumeName, progress);
        List<List<Integer>> byPack = new ArrayList<>();
        for (int i = 0; i < m.packs().size(); i++) {
            byPack.add(new ArrayList<>());
        }
        for (int b = needed.nextSetBit(0); b >= 0; b = needed.nextSetBit(b + 1)) {
            byPack.get(m.pack()[b]).add(b);
        }
        Semaphore inFlight = new Semaphore(bucket.target().tuning().concurrency() + 1);
        List<Future<?>> jobs = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int p = 0; p < byPack.size(); p++) {
                List<Integer> blocks = byPack.get(p);
                if (blocks.isEmpty()) {
                    continue;
                }
                String pack = m.packs().get(p);
                inFlight.acquire();
                if (stop.get()) {
                    break; // a job failed: its error is reported below
                }
                jobs.add(pool.submit(() -> {
                    try {
                        if (!stop.get()) {
                            PackReader.CheckedBlocks fetched = reader.fetchBlocks(m, pack, blocks);
                            progress.addSent(fetched.packBytes());
                            writeRuns(m, blocks, fetched.stored(), data, volumeName, progress);
                        }
                    } catch (RuntimeException e) {
                        stop.set(true);
                        throw e;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } catch (InterruptedException e) {
            stopAndAwait(jobs, stop);
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "restore of " + volumeName + " was interrupted");
        } catch (ExecutionException e) {
            stopAndAwait(jobs, stop);
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("OFFLOAD_RESTORE_FAILED", "restore of " + volumeName + " failed", e.getCause());
        }
    }

    /**
     * Stops the jobs not yet started and waits for the running ones to end, without interrupting
     * them (a cancelled future reads as done while its task still runs): the caller removes the
     * volume next, and no job may still be writing into it then.
     */
    private static void stopAndAwait(List<Future<?>> jobs, AtomicBoolean stop) {
        stop.set(true);
        boolean interrupted = false;
        for (Future<?> f : jobs) {
            boolean ended = false;
            while (!ended) {
                try {
                    f.get();
                    ended = true;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    ended = true; // the first failure is the one reported
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes by name the blocks whose chunk the array already holds (nothing fetched for them) where
     * it can; returns the blocks still to fetch. Zero blocks need nothing: a new volume reads zeros.
     */
    private static BitSet writeHeld(Manifest m, BlockDataAccess data, String volumeName, OffloadProgress progress) {
        long size = m.header().sizeBytes();
        BitSet needed = new BitSet(m.blocks());
        for (int b = 0; b < m.blocks(); b++) {
            if (!m.isZero(b)) {
                needed.set(b);
            }
        }
        long skipped = (long) (m.blocks() - needed.cardinality()) * ChunkCodec.BLOCK_SIZE;
        if (data instanceof EncodedBlockWrite byName) {
            int window = BlockDataAccess.MAX_IO_BYTES / ChunkCodec.BLOCK_SIZE;
            int wholeBlocks = (int) (size / ChunkCodec.BLOCK_SIZE); // a partial last block goes with its data
            for (int first = 0; first < wholeBlocks; first += window) {
                int count = Math.min(window, wholeBlocks - first);
                if (needed.get(first, first + count).isEmpty()) {
                    continue;
                }
                byte[][] names = new byte[count][];
                for (int i = 0; i < count; i++) {
                    names[i] = needed.get(first + i) ? m.hashes()[first + i] : null;
                }
                BitSet missing = byName.writeHeld(volumeName, (long) first * ChunkCodec.BLOCK_SIZE, names);
                for (int i = 0; i < count; i++) {
                    if (names[i] != null && !missing.get(i)) {
                        needed.clear(first + i);
                        skipped += ChunkCodec.BLOCK_SIZE;
                    }
                }
            }
        }
        progress.addDone(Math.min(skipped, size));
        return needed;
    }

    /**
     * Writes each contiguous run of the pack's blocks (in block order) with one call: in their stored
     * form where the array takes it (nothing decoded twice or re-encoded), else decoded.
     */
    private static void writeRuns(Manifest m, List<Integer> blocks, byte[][] stored, BlockDataAccess data,
                                  String volumeName, OffloadProgress progress) {
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
                for (int k = i; k < j; k++) {
                    hashes[k - i] = m.hashes()[blocks.get(k)];
                }
                encodedWrite.writeEncoded(volumeName, start, hashes, Arrays.copyOfRange(stored, i, j));
            } else {
                byte[] run = new byte[runBytes];
                for (int k = i; k < j; k++) {
                    ChunkCodec.decode(stored[k], run, (k - i) * ChunkCodec.BLOCK_SIZE);
                }
                data.write(volumeName, start, len == run.length ? run : Arrays.copyOf(run, len));
            }
            progress.addDone(len);
            i = j;
        }
    }
}
