package io.purebridge.engine.offload;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One connected offload target: list, offload, restore, verify, expire. Everything it needs is in
 * the bucket, so a fresh service given only the target's configuration (a copy of the bucket and
 * its credentials) lists and restores what another service offloaded.
 */
public final class OffloadService implements AutoCloseable {
    private final S3Bucket bucket;
    private final ChunkCipher cipher;
    private final Clock clock;
    private final BucketRules.Connection connection;
    private final ExecutorService pool;
    private final Map<String, OffloadProgress> jobs = new ConcurrentHashMap<>();

    private OffloadService(S3Bucket bucket, ChunkCipher cipher, Clock clock) {
        this.bucket = bucket;
        this.cipher = cipher;
        this.clock = clock;
        this.connection = BucketRules.connect(bucket, cipher);
        int threads = bucket.target().tuning().concurrency();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "offload-" + bucket.target().name());
            t.setDaemon(true);
            return t;
        });
        // Uploads a dead process left behind (the lifecycle rule does this too where it exists).
        bucket.abortUploads("", Instant.ofEpochMilli(clock.millis() - bucket.target().tuning().leaseMillis()));
    }

    /** Connects (initialising an empty bucket, reconnecting one of ours, refusing anything else). */
    public static OffloadService connect(OffloadTarget target, Map<String, String> env, Clock clock) {
        ChunkCipher cipher = target.encryptionKey() == null ? null
                : ChunkCipher.fromBase64(target.encryptionKey().resolve("encryption_key", env));
        S3Bucket bucket = new S3Bucket(target, env);
        try {
            return new OffloadService(bucket, cipher, clock);
        } catch (RuntimeException e) {
            bucket.close();
            throw e;
        }
    }

    public OffloadTarget target() {
        return bucket.target();
    }

    public BucketRules.Connection connection() {
        return connection;
    }

    /** Complete offloaded snapshots, oldest first. */
    public List<OffloadedSnapshot> list() {
        return OffloadCatalog.list(bucket, cipher);
    }

    /** Offloads a snapshot of {@code array} kept {@code retentionDays} (0: until deleted). Idempotent. */
    public OffloadedSnapshot offload(FlashArray array, String snapshot, long retentionDays) {
        return offload(array, snapshot, retentionDays, p -> { });
    }

    /** As {@link #offload(FlashArray, String, long)}; {@code started} receives the job's progress first. */
    public OffloadedSnapshot offload(FlashArray array, String snapshot, long retentionDays,
            Consumer<OffloadProgress> started) {
        long size = array.findSnapshot(snapshot).map(s -> s.provisionedBytes()).orElse(0L);
        OffloadProgress p = start("offload " + array.arrayInfo().name() + ":" + snapshot, size);
        started.accept(p);
        try {
            OffloadedSnapshot s = new SnapshotOffloader(bucket, cipher, clock, pool).offload(array, snapshot,
                    retentionDays, p);
            p.complete();
            return s;
        } catch (RuntimeException e) {
            p.fail(e.getMessage());
            throw e;
        }
    }

    /** Restores {@code name} ({@code array:snapshot}) into {@code array} as new volume {@code volume}. */
    public VolumeRecord restore(String name, FlashArray array, String volume) {
        return restore(name, array, volume, p -> { });
    }

    /** As {@link #restore(String, FlashArray, String)}; {@code started} receives the job's progress first. */
    public VolumeRecord restore(String name, FlashArray array, String volume, Consumer<OffloadProgress> started) {
        Manifest m = OffloadCatalog.manifest(bucket, cipher, keyOf(name));
        OffloadProgress p = start("restore " + name + " -> " + array.arrayInfo().name() + ":" + volume,
                m.header().sizeBytes());
        started.accept(p);
        try {
            VolumeRecord v = new SnapshotRestorer(bucket, cipher, pool).restore(m, array, volume, p);
            p.complete();
            return v;
        } catch (RuntimeException e) {
            p.fail(e.getMessage());
            throw e;
        }
    }

    /** Reads every pack of {@code name} and checks every block against its manifest. */
    public VerifyReport verify(String name) {
        return verify(name, p -> { });
    }

    /** As {@link #verify(String)}; {@code started} receives the job's progress once the manifest is read. */
    public VerifyReport verify(String name, Consumer<OffloadProgress> started) {
        String key = keyOf(name);
        Manifest m;
        try {
            m = OffloadCatalog.manifest(bucket, cipher, key);
        } catch (EngineException e) {
            if (!"OFFLOAD_MANIFEST_CORRUPT".equals(e.reason()) && !"OFFLOAD_DATA_CORRUPT".equals(e.reason())) {
                throw e;
            }
            return new VerifyReport(name, 0, 0, List.of(e.getMessage()));
        }
        OffloadProgress p = start("verify " + name, m.header().sizeBytes());
        started.accept(p);
        PackReader reader = new PackReader(bucket, cipher);
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> packs = m.referencedPacks();
        List<Future<Integer>> jobs = new ArrayList<>();
        for (String pack : packs) {
            jobs.add(pool.submit(() -> {
                int checked = 0;
                byte[] body;
                try {
                    body = reader.fetch(pack);
                } catch (EngineException e) {
                    problems.add(e.getMessage());
                    return 0;
                }
                int pi = m.packs().indexOf(pack);
                byte[] out = new byte[io.purebridge.engine.chunk.ChunkCodec.BLOCK_SIZE];
                for (int b = 0; b < m.blocks(); b++) {
                    if (m.pack()[b] == pi) {
                        try {
                            reader.decode(m, b, body, out, 0);
                            checked++;
                        } catch (EngineException e) {
                            problems.add(e.getMessage());
                        }
                    }
                }
                p.addDone((long) checked * io.purebridge.engine.chunk.ChunkCodec.BLOCK_SIZE);
                return checked;
            }));
        }
        int blocks = 0;
        try {
            for (Future<Integer> f : jobs) {
                blocks += f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "verify of " + name + " was interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : EngineException.internal("OFFLOAD_VERIFY_FAILED", "verify of " + name + " failed", e.getCause());
        }
        if (problems.isEmpty()) {
            p.complete();
        } else {
            p.fail(problems.size() + " problems");
        }
        return new VerifyReport(name, packs.size(), blocks, List.copyOf(problems));
    }

    /**
     * Deletes one offloaded snapshot ({@code array:snapshot}) now, as its retention would: the
     * manifest goes, so it disappears whole, and the next sweep collects the packs nothing else
     * references. Deleting a snapshot the bucket does not hold is no error; returns whether it held it.
     */
    public boolean delete(String name) {
        String key = keyOf(name);
        boolean held = bucket.exists(key);
        bucket.delete(key);
        return held;
    }

    /** Deletes expired snapshots, then unreferenced packs unless an offload is running. */
    public RetentionCollector.Result expireAndCollect() {
        return new RetentionCollector(bucket, cipher, clock).run();
    }

    /** Jobs run by this service, newest last. */
    public List<OffloadProgress> jobs() {
        List<OffloadProgress> out = new ArrayList<>(jobs.values());
        out.sort(java.util.Comparator.comparingLong(OffloadProgress::sequence));
        return out;
    }

    private OffloadProgress start(String job, long bytes) {
        OffloadProgress p = new OffloadProgress(job, bytes, clock.millis());
        jobs.put(job + "#" + p.sequence(), p);
        return p;
    }

    /** {@code array:snapshot} to its manifest key (the id listings give it, before it is complete too). */
    public static String keyOf(String name) {
        int colon = name == null ? -1 : name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            throw EngineException.invalidArgument("OFFLOADED_SNAPSHOT_NAME_INVALID", "offloaded snapshot name '"
                    + name + "' must be <source array>:<snapshot>, as offload list shows it");
        }
        return BucketLayout.manifestKey(name.substring(0, colon), name.substring(colon + 1));
    }

    /** The bucket client, for tools that look inside (tests, bench). */
    public S3Bucket bucket() {
        return bucket;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        bucket.close();
    }
}
