package io.purebridge.engine.offload;

import io.purebridge.engine.array.BlockAddresses;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Sends one snapshot to the bucket: reads it through the array SPI, names every 32 KiB block by
 * its SHA-256 (an array that stores by content address gives the names and the encoded chunks,
 * {@link BlockAddresses}), and stores only blocks the bucket lacks, encoded by {@link ChunkCodec}
 * (and sealed when the target encrypts), packed into objects of about {@code pack_mib} that are uploaded in
 * parallel while the next pack fills. The manifest goes last.
 *
 * <p>Packs are content-addressed and built deterministically, so an offload killed half-way and
 * started again finds its packs already there (one LIST) and sends only the rest.
 */
final class SnapshotOffloader {
    private static final int READ_BYTES = 4 << 20;
    private static final byte[] ZERO_BLOCK_NAME = ChunkCodec.hash(new byte[ChunkCodec.BLOCK_SIZE], 0);

    private final S3Bucket bucket;
    private final ChunkCipher cipher;
    private final Clock clock;
    private final ExecutorService pool;

    SnapshotOffloader(S3Bucket bucket, ChunkCipher cipher, Clock clock, ExecutorService pool) {
        this.bucket = bucket;
        this.cipher = cipher;
        this.clock = clock;
        this.pool = pool;
    }

    OffloadedSnapshot offload(FlashArray array, String snapshotName, long retentionDays, OffloadProgress progress) {
        String arrayName = array.arrayInfo().name();
        SnapshotRecord snap = array.findSnapshot(snapshotName).filter(s -> !s.destroyed()).orElseThrow(() ->
                EngineException.notFound("SNAPSHOT_NOT_FOUND", "snapshot " + snapshotName + " does not exist on array "
                        + arrayName));
        if (!(array instanceof BlockDataAccess data)) {
            throw EngineException.failedPrecondition("OFFLOAD_ARRAY_HAS_NO_DATA_ACCESS", "array " + arrayName
                    + " does not expose snapshot data to the service; offload from it runs on the array itself");
        }
        String manifestKey = BucketLayout.manifestKey(arrayName, snapshotName);
        String leaseKey = BucketLayout.leaseKey(arrayName, snapshotName);
        BucketLocks locks = new BucketLocks(bucket, clock);
        locks.acquireLease(leaseKey, manifestKey);
        ChunkIndex index = new ChunkIndex();
        for (OffloadedSnapshot s : OffloadCatalog.list(bucket, cipher)) {
            if (s.key().equals(manifestKey)) {
                bucket.delete(leaseKey);
                progress.addDone(snap.provisionedBytes());
                return s;
            }
            index.add(OffloadCatalog.manifest(bucket, cipher, s.key()));
        }
        Set<String> present = new HashSet<>();
        bucket.list(BucketLayout.PACKS).forEach(o -> present.add(BucketLayout.packName(o.key())));
        OffloadTuning tuning = bucket.target().tuning();
        String storageClass = bucket.target().placement().storageClass(retentionDays, tuning.iaThresholdDays());

        long size = snap.provisionedBytes();
        int blocks = (int) ((size + ChunkCodec.BLOCK_SIZE - 1) / ChunkCodec.BLOCK_SIZE);
        int[] packOf = new int[blocks];
        int[] offset = new int[blocks];
        int[] length = new int[blocks];
        byte[][] hashes = new byte[blocks][];
        List<String> packs = new ArrayList<>();
        Map<String, Integer> packIndex = new HashMap<>();
        List<Integer> pendingBlocks = new ArrayList<>();
        // Blocks repeated inside the open pack point at its first copy once the pack is sealed.
        Map<java.nio.ByteBuffer, Integer> openPack = new HashMap<>();
        List<int[]> duplicates = new ArrayList<>();
        Semaphore inFlight = new Semaphore(tuning.concurrency() + 1);
        List<Future<?>> uploads = new ArrayList<>();
        MessageDigest whole = ChunkCodec.newDigest();
        ByteArrayOutputStream pack = new ByteArrayOutputStream(tuning.packBytes() + ChunkCodec.BLOCK_SIZE * 2);
        long lastRenew = clock.millis();
        // An array that names its blocks by content gives their names and stored form: a block is
        // neither hashed nor compressed again (the read still feeds the whole-snapshot SHA-256).
        BlockAddresses named = array instanceof BlockAddresses a ? a : null;
        try {
            // One buffer for every read (READ_BYTES is whole blocks); a short last block is zero-padded.
            byte[] buf = new byte[READ_BYTES];
            for (long pos = 0; pos < size; pos += READ_BYTES) {
                int n = (int) Math.min(READ_BYTES, size - pos);
                int padded = (n + ChunkCodec.BLOCK_SIZE - 1) / ChunkCodec.BLOCK_SIZE * ChunkCodec.BLOCK_SIZE;
                data.read(snapshotName, pos, buf, 0, n);
                Arrays.fill(buf, n, padded, (byte) 0);
                whole.update(buf, 0, n);
                int firstBlock = (int) (pos / ChunkCodec.BLOCK_SIZE);
                byte[][] names = named == null || n < ChunkCodec.BLOCK_SIZE ? null
                        : named.blockAddresses(snapshotName, firstBlock, n / ChunkCodec.BLOCK_SIZE);
                byte[][] held = names == null ? null : named.storedChunks(unknownTo(index, names));
                for (int at = 0; at < padded; at += ChunkCodec.BLOCK_SIZE) {
                    int i = at / ChunkCodec.BLOCK_SIZE;
                    int b = firstBlock + i;
                    boolean byName = names != null && i < names.length;
                    boolean zero = byName ? names[i] == null || Arrays.equals(names[i], ZERO_BLOCK_NAME)
                            : ChunkCodec.isZero(buf, at);
                    byte[] h = zero ? ZERO_BLOCK_NAME : byName ? names[i] : ChunkCodec.hash(buf, at);
                    hashes[b] = h;
                    if (zero) {
                        packOf[b] = -1;
                        continue;
                    }
                    ChunkIndex.Location loc = index.find(h);
                    if (loc != null) {
                        packOf[b] = packIndex.computeIfAbsent(loc.pack(), p -> {
                            packs.add(p);
                            return packs.size() - 1;
                        });
                        offset[b] = loc.offset();
                        length[b] = loc.length();
                        continue;
                    }
                    Integer first = openPack.get(java.nio.ByteBuffer.wrap(h));
                    if (first != null) {
                        duplicates.add(new int[] {b, first});
                        continue;
                    }
                    byte[] stored = byName && held[i] != null ? held[i] : ChunkCodec.encode(buf, at);
                    if (cipher != null) {
                        stored = cipher.sealChunk(stored, h);
                    }
                    openPack.put(java.nio.ByteBuffer.wrap(h), b);
                    offset[b] = pack.size();
                    length[b] = stored.length;
                    pack.write(stored, 0, stored.length);
                    pendingBlocks.add(b);
                    if (pack.size() + ChunkCodec.BLOCK_SIZE + 64 > tuning.packBytes()) {
                        seal(pack, pendingBlocks, openPack, duplicates, hashes, packOf, packs, packIndex, index, offset, length, present,
                                storageClass, inFlight, uploads, progress);
                    }
                }
                progress.addDone(n);
                if (clock.millis() - lastRenew > tuning.leaseMillis() / 3) {
                    locks.writeMarker(leaseKey, manifestKey);
                    lastRenew = clock.millis();
                }
            }
            if (pack.size() > 0) {
                seal(pack, pendingBlocks, openPack, duplicates, hashes, packOf, packs, packIndex, index, offset, length, present,
                        storageClass, inFlight, uploads, progress);
            }
            for (Future<?> f : uploads) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "offload of " + snapshotName + " was interrupted");
        } catch (ExecutionException e) {
            uploads.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("OFFLOAD_FAILED", "offload of " + snapshotName + " failed", e.getCause());
        } catch (RuntimeException e) {
            uploads.forEach(f -> f.cancel(true));
            throw e;
        }
        long now = clock.millis();
        Manifest.Header header = new Manifest.Header(snapshotName, arrayName, snap.sourceName(), size,
                snap.createdEpochMillis(), now, retentionDays <= 0 ? 0 : now + retentionDays * 86_400_000L,
                ChunkCodec.BLOCK_SIZE, ChunkCodec.hex(HashTree.root(Arrays.asList(hashes))),
                ChunkCodec.hex(whole.digest()), storageClass);
        Manifest m = new Manifest(header, List.copyOf(packs), packOf, offset, length, hashes);
        byte[] encoded = m.encode(cipher);
        bucket.upload(manifestKey, new ByteArrayInputStream(encoded), encoded.length, "STANDARD");
        progress.addSent(encoded.length);
        bucket.delete(leaseKey);
        return OffloadedSnapshot.of(manifestKey, header);
    }

    private void seal(ByteArrayOutputStream pack, List<Integer> pendingBlocks, Map<java.nio.ByteBuffer, Integer> openPack,
                      List<int[]> duplicates, byte[][] hashes, int[] packOf,
                      List<String> packs, Map<String, Integer> packIndex, ChunkIndex index, int[] offset, int[] length,
                      Set<String> present, String storageClass, Semaphore inFlight, List<Future<?>> uploads,
                      OffloadProgress progress) throws InterruptedException {
        byte[] body = pack.toByteArray();
        pack.reset();
        String name = ChunkCodec.hex(ChunkCodec.sha256(body));
        int pi = packIndex.computeIfAbsent(name, p -> {
            packs.add(p);
            return packs.size() - 1;
        });
        for (int b : pendingBlocks) {
            packOf[b] = pi;
            index.put(hashes[b], new ChunkIndex.Location(name, offset[b], length[b]));
        }
        for (int[] d : duplicates) {
            packOf[d[0]] = packOf[d[1]];
            offset[d[0]] = offset[d[1]];
            length[d[0]] = length[d[1]];
        }
        duplicates.clear();
        openPack.clear();
        pendingBlocks.clear();
        if (!present.add(name)) {
            return; // already uploaded by an earlier, interrupted attempt
        }
        inFlight.acquire();
        uploads.add(pool.submit(() -> {
            try {
                bucket.upload(BucketLayout.packKey(name), new ByteArrayInputStream(body), body.length, storageClass);
                progress.addSent(body.length);
            } finally {
                inFlight.release();
            }
        }));
    }

    /** The names the bucket does not hold yet (null where it does): the chunks worth fetching in stored form. */
    private static byte[][] unknownTo(ChunkIndex index, byte[][] names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && index.find(names[i]) == null) {
                out[i] = names[i];
            }
        }
        return out;
    }
}
