package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The offload scenarios, run against every S3 server a subclass brings (in-process S3Proxy, and
 * MinIO where Docker exists): simulated arrays hold real bytes, so every restore is checked
 * byte for byte through the array SPI.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class OffloadSuite {
    static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    SimulatedFlashArray primary;
    SimulatedFlashArray dr;
    ManualClock clock;

    /** A target on a fresh, empty bucket. */
    abstract OffloadTarget newTarget();

    abstract Map<String, String> env();

    abstract S3Client rawClient();

    @BeforeEach
    void arrays() {
        primary = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-primary", "t1"), dir.resolve("p"),
                Clock.systemUTC());
        dr = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-dr", "t2"), dir.resolve("d"), Clock.systemUTC());
        clock = new ManualClock(Instant.now());
    }

    @AfterEach
    void close() throws Exception {
        primary.close();
        dr.close();
    }

    /** 8 MiB: random data, a zero MiB, a repeated MiB (dedup inside one snapshot), compressible text. */
    static byte[] volumeImage(long seed) {
        byte[] img = new byte[8 * MIB];
        Random r = new Random(seed);
        byte[] rnd = new byte[4 * MIB];
        r.nextBytes(rnd);
        System.arraycopy(rnd, 0, img, 0, rnd.length);
        System.arraycopy(rnd, 0, img, 5 * MIB, MIB);
        byte[] text = "purebridge offload line of text that compresses well\n".repeat(40_000).getBytes();
        System.arraycopy(text, 0, img, 6 * MIB, Math.min(text.length, 2 * MIB));
        return img;
    }

    String snapshotOf(byte[] image, String suffix) {
        if (primary.findVolume("vol-a").isEmpty()) {
            primary.createVolume("vol-a", image.length);
        }
        primary.write("vol-a", 0, image);
        return primary.createSnapshot("vol-a", suffix).name();
    }

    @Test
    void offloadListRestoreVerifyRoundTrip() {
        byte[] image = volumeImage(1);
        String snap = snapshotOf(image, "s1");
        try (OffloadService s = OffloadService.connect(newTarget(), env(), clock)) {
            OffloadedSnapshot o = s.offload(primary, snap, 7);
            assertThat(o.name()).isEqualTo("pure-primary:" + snap);
            assertThat(o.storageClass()).isEqualTo("STANDARD");
            assertThat(s.list()).extracting(OffloadedSnapshot::name).containsExactly("pure-primary:" + snap);
            // Offloading the same snapshot again is a no-op that returns it.
            assertThat(s.offload(primary, snap, 7).key()).isEqualTo(o.key());

            s.restore(o.name(), dr, "restored");
            assertThat(dr.read("restored", 0, image.length)).isEqualTo(image);
            // The same restore again returns the volume; another name's content is refused.
            s.restore(o.name(), dr, "restored");
            VerifyReport v = s.verify(o.name());
            assertThat(v.ok()).isTrue();
            assertThat(v.blocks()).isEqualTo(image.length / ChunkCodec.BLOCK_SIZE - MIB / ChunkCodec.BLOCK_SIZE);
            assertThat(s.jobs()).allMatch(j -> j.state() == OffloadProgress.State.COMPLETED);
        }
    }

    /**
     * The simulated array gives its blocks' names and stored chunks, so the offload neither hashes
     * nor compresses them again; what lands in the bucket must be what an array that only reads
     * would produce, block for block.
     */
    @Test
    void namedStoredChunksOffloadExactlyAsReadBlocks() {
        byte[] image = volumeImage(11);
        String snap = snapshotOf(image, "s1");
        FlashArray onlyReads = (FlashArray) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FlashArray.class, BlockDataAccess.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(primary, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (OffloadService byName = OffloadService.connect(newTarget(), env(), clock);
             OffloadService byRead = OffloadService.connect(newTarget(), env(), clock)) {
            Manifest named = OffloadCatalog.manifest(byName.bucket(), null, byName.offload(primary, snap, 7).key());
            Manifest read = OffloadCatalog.manifest(byRead.bucket(), null, byRead.offload(onlyReads, snap, 7).key());
            assertThat(named.hashes()).isDeepEqualTo(read.hashes());
            assertThat(named.header().root()).isEqualTo(read.header().root());
            assertThat(named.header().contentSha256()).isEqualTo(read.header().contentSha256());
            assertThat(named.packs()).isEqualTo(read.packs());
            assertThat(named.pack()).isEqualTo(read.pack());
            assertThat(named.length()).isEqualTo(read.length());
            assertThat(named.isZero(4 * MIB / ChunkCodec.BLOCK_SIZE)).isTrue();
            byName.restore("pure-primary:" + snap, dr, "from-named");
            assertThat(dr.read("from-named", 0, image.length)).isEqualTo(image);
        }
    }

    @Test
    void restoreFetchesOnlyTheBlocksTheArrayLacks() {
        byte[] image = volumeImage(7);
        String snap = snapshotOf(image, "s1");
        try (OffloadService s = OffloadService.connect(newTarget(), env(), clock)) {
            OffloadedSnapshot o = s.offload(primary, snap, 0);
            long offloaded = s.jobs().get(0).sentBytes();

            // Back into the array it came from: every chunk is there, nothing is fetched.
            s.restore(o.name(), primary, "back-home");
            assertThat(last(s).sentBytes()).isZero();
            assertThat(primary.read("back-home", 0, image.length)).isEqualTo(image);

            // An array holding the first 3 MiB (another volume's data): only the rest is fetched.
            dr.createVolume("neighbour", 3 * MIB);
            dr.write("neighbour", 0, java.util.Arrays.copyOf(image, 3 * MIB));
            s.restore(o.name(), dr, "partly-held");
            assertThat(last(s).sentBytes()).isPositive().isLessThan(offloaded);
            assertThat(dr.read("partly-held", 0, image.length)).isEqualTo(image);

            // What is restored by name stays when the volume it came with goes.
            dr.destroyVolume("neighbour");
            dr.eradicateVolume("neighbour");
            assertThat(dr.read("partly-held", 0, image.length)).isEqualTo(image);
        }
    }

    private static OffloadProgress last(OffloadService s) {
        List<OffloadProgress> jobs = s.jobs();
        return jobs.get(jobs.size() - 1);
    }

    @Test
    void incrementalOffloadSendsOnlyWhatChanged() {
        byte[] image = volumeImage(2);
        String s1 = snapshotOf(image, "s1");
        byte[] changed = new byte[MIB];
        new Random(3).nextBytes(changed);
        System.arraycopy(changed, 0, image, 2 * MIB, MIB);
        String s2 = snapshotOf(image, "s2");
        try (OffloadService s = OffloadService.connect(newTarget(), env(), clock)) {
            s.offload(primary, s1, 0);
            s.offload(primary, s2, 0);
            List<OffloadProgress> jobs = s.jobs();
            long sentSecond = jobs.get(1).sentBytes();
            assertThat(sentSecond).isBetween((long) MIB, (long) (MIB * 1.1));
            s.restore("pure-primary:" + s2, dr, "v2");
            assertThat(dr.read("v2", 0, image.length)).isEqualTo(image);
        }
    }

    @Test
    void retentionExpiresSnapshotsAndCollectsOnlyUnreferencedPacks() {
        byte[] image = volumeImage(4);
        String s1 = snapshotOf(image, "s1");
        byte[] changed = new byte[2 * MIB];
        new Random(5).nextBytes(changed);
        // 2-4 MiB holds blocks found nowhere else, so the packs only s1 used become garbage.
        System.arraycopy(changed, 0, image, 2 * MIB, changed.length);
        String s2 = snapshotOf(image, "s2");
        OffloadTarget t = newTarget();
        t = t.withTuning(t.tuning().withTimes(60_000, 3_600_000));
        try (OffloadService s = OffloadService.connect(t, env(), clock)) {
            s.offload(primary, s1, 1);
            s.offload(primary, s2, 40);
            assertThat(s.list()).extracting(OffloadedSnapshot::storageClass).containsExactly("STANDARD", "STANDARD_IA");
            int packsBefore = s.bucket().list(BucketLayout.PACKS).size();

            // A live lease (an offload running elsewhere) defers the sweep: nothing is deleted.
            clock.advance(Duration.ofDays(2));
            new BucketLocks(s.bucket(), clock).writeMarker(BucketLayout.leaseKey("other", "snap"), "test");
            RetentionCollector.Result deferred = s.expireAndCollect();
            assertThat(deferred.expired()).containsExactly("pure-primary:" + s1);
            assertThat(deferred.deferred()).isTrue();
            assertThat(s.bucket().list(BucketLayout.PACKS)).hasSize(packsBefore);

            // The lease dies (not renewed): the sweep runs and frees the packs only s1 used.
            clock.advance(Duration.ofMinutes(5));
            RetentionCollector.Result r = s.expireAndCollect();
            assertThat(r.deferred()).isFalse();
            assertThat(r.packsDeleted()).isPositive();
            assertThat(s.list()).extracting(OffloadedSnapshot::name).containsExactly("pure-primary:" + s2);
            assertThat(s.verify("pure-primary:" + s2).ok()).isTrue();
            s.restore("pure-primary:" + s2, dr, "after-gc");
            assertThat(dr.read("after-gc", 0, image.length)).isEqualTo(image);
        }
    }

    @Test
    void flippedByteIsFoundByVerifyAndRefusedByRestore() {
        byte[] image = volumeImage(6);
        String snap = snapshotOf(image, "s1");
        OffloadTarget t = newTarget();
        try (OffloadService s = OffloadService.connect(t, env(), clock)) {
            OffloadedSnapshot o = s.offload(primary, snap, 0);
            S3Object pack = s.bucket().list(BucketLayout.PACKS).get(0);
            byte[] body = s.bucket().get(pack.key()).orElseThrow();
            body[body.length / 2] ^= 0x40;
            try (S3Client c = rawClient()) {
                c.putObject(r -> r.bucket(t.bucket()).key(pack.key()), RequestBody.fromBytes(body));
            }
            VerifyReport v = s.verify(o.name());
            assertThat(v.ok()).isFalse();
            assertThat(v.problems()).anyMatch(p -> p.contains(pack.key()));
            assertThatThrownBy(() -> s.restore(o.name(), dr, "bad"))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo("OFFLOAD_DATA_CORRUPT"));
            assertThat(dr.findVolume("bad")).isEmpty();
        }
    }

    @Test
    void unknownSnapshotAndBadNamesAreClearErrors() {
        try (OffloadService s = OffloadService.connect(newTarget(), env(), clock)) {
            assertThatThrownBy(() -> s.offload(primary, "vol-x.nope", 0))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo("SNAPSHOT_NOT_FOUND"));
            assertThatThrownBy(() -> s.restore("no-colon", dr, "v"))
                    .hasMessageContaining("<source array>:<snapshot>");
            assertThatThrownBy(() -> s.restore("pure-primary:missing.snap", dr, "v"))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo("OFFLOADED_SNAPSHOT_NOT_FOUND"));
        }
    }
}
