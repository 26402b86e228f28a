package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Thin provisioning, deduplication, compression and copy-on-write, seen through space figures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedSpaceTest {
    private static final long MIB = 1L << 20;
    private static final long TIB = 1L << 40;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private SimulatedFlashArray a;

    @BeforeEach
    void open() {
        a = new SimulatedFlashArray(SimulatedArrayConfig.of("space", "t"), dir.resolve("space"), clock);
    }

    @AfterEach
    void close() {
        a.close();
    }

    private static byte[] random(long seed, long length) {
        byte[] b = new byte[(int) length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void emptyArrayUsesNothing() {
        a.createVolume("v", TIB);
        ArraySpace s = a.space();
        assertThat(s.totalPhysicalBytes()).isZero();
        assertThat(s.totalProvisionedBytes()).isEqualTo(TIB);
        assertThat(s.dataReduction()).isEqualTo(1.0);
    }

    @Test
    void thinTebibyteVolumeWithTenMebibytesWrittenUsesAboutTenMebibytes() {
        a.createVolume("big", TIB);
        for (int i = 0; i < 10; i++) {
            a.write("big", i * 100 * MIB * 1024, random(i, MIB));
        }
        ArraySpace s = a.space();
        assertThat(s.totalPhysicalBytes()).isBetween(10 * MIB, 10 * MIB + 64 * 1024);
        assertThat(s.uniqueBytes()).isEqualTo(s.totalPhysicalBytes());
        assertThat(s.snapshotsBytes()).isZero();
        assertThat(s.totalReduction()).isCloseTo((double) TIB / s.totalPhysicalBytes(), offset(1e-6));
        VolumeSpace v = a.volumeSpace("big");
        assertThat(v.virtualBytes()).isEqualTo(10 * MIB);
        assertThat(v.uniqueBytes()).isEqualTo(s.uniqueBytes());
        assertThat(v.provisionedBytes()).isEqualTo(TIB);
    }

    @Test
    void duplicateDataIsStoredOnce() {
        byte[] data = random(1, 4 * MIB);
        a.createVolume("v1", 64 * MIB);
        a.createVolume("v2", 64 * MIB);
        a.write("v1", 0, data);
        long once = a.space().totalPhysicalBytes();
        a.write("v1", 32 * MIB, data);
        a.write("v2", 8 * MIB, data);
        ArraySpace s = a.space();
        assertThat(s.totalPhysicalBytes()).isEqualTo(once);
        assertThat(s.dataReduction()).isCloseTo(3.0, offset(0.01));
        assertThat(a.volumeSpace("v1").virtualBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void compressibleDataIsCompressed() {
        a.createVolume("v", 64 * MIB);
        byte[] text = new byte[(int) (8 * MIB)];
        Random r = new Random(2);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + r.nextInt(4));
        }
        a.write("v", 0, text);
        ArraySpace s = a.space();
        // LZ4 has no entropy coding: 2 bits of entropy per byte give ~1.44:1 (Deflate gave > 2:1).
        assertThat(s.totalPhysicalBytes()).isPositive().isLessThan(6 * MIB);
        assertThat(s.dataReduction()).isGreaterThan(1.3);
        assertThat(a.read("v", 0, text.length)).isEqualTo(text);
    }

    @Test
    void writingZerosFreesBlocks() {
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(3, 2 * MIB));
        assertThat(a.space().totalPhysicalBytes()).isPositive();
        a.write("v", 0, new byte[(int) (2 * MIB)]);
        assertThat(a.space().totalPhysicalBytes()).isZero();
        assertThat(a.volumeSpace("v").virtualBytes()).isZero();
    }

    @Test
    void snapshotsShareBlocksUntilTheVolumeIsOverwritten() {
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(4, 4 * MIB));
        long base = a.space().totalPhysicalBytes();
        a.createSnapshot("v", "s1");
        a.copyVolume("v.s1", "clone", false);
        assertThat(a.space().totalPhysicalBytes()).isEqualTo(base);
        assertThat(a.space().snapshotsBytes()).isZero();

        a.write("v", 0, random(5, MIB));
        a.write("clone", 0, random(5, MIB));
        ArraySpace s = a.space();
        // the overwritten first MiB of s1 is now held by the snapshot alone; the new MiB is shared
        assertThat(s.snapshotsBytes()).isEqualTo(MIB);
        assertThat(s.totalPhysicalBytes()).isEqualTo(base + MIB);
        VolumeSpace v = a.volumeSpace("v");
        assertThat(v.snapshotsBytes()).isEqualTo(MIB);
        assertThat(v.uniqueBytes()).isZero(); // all of v's blocks are shared with the clone
    }

    @Test
    void spaceReturnsOnEradicationNotOnDestroy() {
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(6, 4 * MIB));
        a.createSnapshot("v", "s1");
        a.write("v", 0, random(7, 4 * MIB));
        long used = a.space().totalPhysicalBytes();
        assertThat(used).isEqualTo(8 * MIB);

        a.destroySnapshot("v.s1");
        assertThat(a.space().totalPhysicalBytes()).isEqualTo(used);
        a.eradicateSnapshot("v.s1");
        assertThat(a.space().totalPhysicalBytes()).isEqualTo(4 * MIB);

        a.destroyVolume("v");
        ArraySpace destroyed = a.space();
        assertThat(destroyed.totalPhysicalBytes()).isEqualTo(4 * MIB);
        assertThat(destroyed.uniqueBytes()).isZero();
        assertThat(destroyed.totalProvisionedBytes()).isZero();
        a.recoverVolume("v");
        assertThat(a.space().uniqueBytes()).isEqualTo(4 * MIB);
        a.destroyVolume("v");
        clock.advance(Duration.ofHours(25));
        a.eradicateExpired();
        assertThat(a.space().totalPhysicalBytes()).isZero();
    }

    @Test
    void overwriteAndRevertShareBlocksInsteadOfCopying() {
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(8, 4 * MIB));
        a.createSnapshot("v", "s1");
        a.write("v", 0, random(9, 4 * MIB));
        long before = a.space().totalPhysicalBytes();
        a.copyVolume("v.s1", "v", true);
        // the post-snapshot data is gone with the overwrite; s1's blocks are now shared
        assertThat(a.space().totalPhysicalBytes()).isEqualTo(before - 4 * MIB);
        assertThat(a.space().snapshotsBytes()).isZero();
    }

    @Test
    void spaceSurvivesReopen() {
        a.createVolume("v", 64 * MIB);
        byte[] data = random(10, 3 * MIB);
        a.write("v", 123, data);
        a.createSnapshot("v", "s1");
        a.write("v", 0, random(11, MIB));
        ArraySpace before = a.space();
        a.close();
        a = new SimulatedFlashArray(SimulatedArrayConfig.of("space", "t"), dir.resolve("space"), clock);
        assertThat(a.space()).isEqualTo(before);
        assertThat(a.read("v.s1", 123, data.length)).isEqualTo(data);
        assertThat(Arrays.equals(a.read("v", 123, data.length), data)).isFalse();
    }

    @Test
    void fullArrayRefusesNewDataButAcceptsMetadataAndFrees() {
        a.close();
        a = new SimulatedFlashArray(new SimulatedArrayConfig("small", "t", 2 * MIB, Duration.ofHours(24)),
                dir.resolve("small"), clock);
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(12, MIB));
        assertThatThrownBy(() -> a.write("v", 8 * MIB, random(13, 2 * MIB)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
                    assertThat(e.reason()).isEqualTo("ARRAY_FULL");
                });
        assertThat(a.space().totalPhysicalBytes()).isEqualTo(MIB);
        assertThat(a.read("v", 8 * MIB, 10)).containsOnly(0);
        a.createSnapshot("v", "s1");
        a.write("v", 0, new byte[(int) MIB]);
        assertThat(a.space().snapshotsBytes()).isEqualTo(MIB);
    }

    @Test
    void volumeSpaceCountsDataSharedWithItsOwnSnapshotsAsTheVolumes() {
        a.createVolume("v", 64 * MIB);
        a.write("v", 0, random(14, 2 * MIB));
        a.createSnapshot("v", "s1");
        VolumeSpace fresh = a.volumeSpace("v");
        assertThat(fresh.uniqueBytes()).isEqualTo(2 * MIB);
        assertThat(fresh.snapshotsBytes()).isZero();
        a.write("v", 0, random(15, MIB));
        VolumeSpace after = a.volumeSpace("v");
        assertThat(after.uniqueBytes()).isEqualTo(2 * MIB);
        assertThat(after.snapshotsBytes()).isEqualTo(MIB);
        assertThat(after.virtualBytes()).isEqualTo(2 * MIB);
        assertThat(after.dataReduction()).isCloseTo(1.0, offset(0.01));
        assertThat(a.checkConsistency()).isEmpty();
    }

    @Test
    void oversizedTransfersAreRefused() {
        a.createVolume("v", TIB);
        assertThatThrownBy(() -> a.read("v", 0, (64 << 20) + 1))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.reason()).isEqualTo("IO_TOO_LARGE"));
    }
}
