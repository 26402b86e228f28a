package io.purebridge.engine.array;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Byte-exact data behaviour of arrays that implement {@link BlockDataAccess}: reads, writes,
 * snapshots, clones, overwrite and revert. Bind it with {@link #newArray()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BlockDataContractTest {
    protected static final long MIB = 1L << 20;

    protected FlashArray array;
    protected BlockDataAccess data;
    protected String p;

    /** An array that also implements {@link BlockDataAccess}. */
    protected abstract FlashArray newArray();

    @BeforeEach
    void setUpArray() {
        array = newArray();
        data = (BlockDataAccess) array;
        p = "d" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void fails(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    @Test
    void unwrittenRangesReadZeros() {
        array.createVolume(p, 8 * MIB);
        assertThat(data.read(p, 0, 100_000)).containsOnly(0);
        assertThat(data.read(p, 8 * MIB - 10, 10)).containsOnly(0);
        assertThat(data.read(p, 0, 0)).isEmpty();
    }

    @Test
    void unalignedWritesReadBackExactly() {
        array.createVolume(p, 8 * MIB);
        byte[] a = random(1, 100_003);
        byte[] b = random(2, 777);
        data.write(p, 12_345, a);
        data.write(p, 50_000, b);
        byte[] expected = new byte[200_000];
        System.arraycopy(a, 0, expected, 12_345, a.length);
        System.arraycopy(b, 0, expected, 50_000, b.length);
        assertThat(data.read(p, 0, expected.length)).isEqualTo(expected);
        assertThat(data.read(p, 50_000, 777)).isEqualTo(b);
        byte[] tail = random(3, 4096);
        data.write(p, 8 * MIB - 4096, tail);
        assertThat(data.read(p, 8 * MIB - 4096, 4096)).isEqualTo(tail);
    }

    @Test
    void aReadIntoTheCallersBufferFillsOnlyItsRangeAndZerosWhatWasNeverWritten() {
        array.createVolume(p, 4 * MIB);
        byte[] written = random(15, 70_001);
        data.write(p, 40_000, written);
        byte[] buffer = random(16, 300_000);
        byte[] before = buffer.clone();

        data.read(p, 0, buffer, 1_000, 200_000);

        byte[] expected = before.clone();
        Arrays.fill(expected, 1_000, 201_000, (byte) 0);
        System.arraycopy(written, 0, expected, 41_000, written.length);
        assertThat(buffer).isEqualTo(expected);
        assertThat(data.read(p, 0, 200_000)).isEqualTo(Arrays.copyOfRange(buffer, 1_000, 201_000));
        assertThatThrownBy(() -> data.read(p, 0, new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void checksumIsSha256OfTheRange() throws Exception {
        array.createVolume(p, 4 * MIB);
        data.write(p, 1000, random(4, 300_000));
        byte[] range = data.read(p, 500, 1_000_000);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(range));
        assertThat(data.checksum(p, 500, 1_000_000)).isEqualTo(expected);
    }

    @Test
    void checksumOfASparseRangeAcrossSeveralMiBMatchesItsBytes() throws Exception {
        array.createVolume(p, 24 * MIB);
        data.write(p, 9 * MIB + 4_321, random(6, 700_000));
        data.write(p, 16 * MIB - 1_000, random(7, 2_000));
        long offset = 3 * MIB + 123;
        int length = (int) (20 * MIB);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(data.read(p, offset, length)));
        assertThat(data.checksum(p, offset, length)).isEqualTo(expected);
        assertThat(data.checksum(p, 0, 0)).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(new byte[0])));
    }

    @Test
    void snapshotKeepsItsContentWhileTheVolumeChanges() {
        array.createVolume(p, 4 * MIB);
        byte[] before = random(5, (int) MIB);
        data.write(p, 0, before);
        array.createSnapshot(p, "s1");
        byte[] after = random(6, 100_000);
        data.write(p, 10_000, after);
        assertThat(data.read(p + ".s1", 0, (int) MIB)).isEqualTo(before);
        assertThat(data.read(p, 10_000, after.length)).isEqualTo(after);
        assertThat(data.checksum(p + ".s1", 0, 4 * MIB)).isNotEqualTo(data.checksum(p, 0, 4 * MIB));
    }

    @Test
    void clonesAreIndependentCopies() {
        array.createVolume(p, 4 * MIB);
        byte[] content = random(7, 3 * (int) MIB);
        data.write(p, 4096, content);
        array.createSnapshot(p, "s1");
        array.copyVolume(p + ".s1", p + "-clone", false);
        array.copyVolume(p, p + "-copy", false);
        assertThat(data.checksum(p + "-clone", 0, 4 * MIB)).isEqualTo(data.checksum(p, 0, 4 * MIB));
        assertThat(data.checksum(p + "-copy", 0, 4 * MIB)).isEqualTo(data.checksum(p, 0, 4 * MIB));
        data.write(p + "-clone", 0, random(8, 70_000));
        assertThat(data.read(p, 4096, content.length)).isEqualTo(content);
        assertThat(data.read(p + "-copy", 4096, content.length)).isEqualTo(content);
        assertThat(data.read(p + ".s1", 4096, content.length)).isEqualTo(content);
    }

    @Test
    void revertRestoresTheSnapshotAndOverwriteTakesTheSourceSize() {
        array.createVolume(p, 2 * MIB);
        byte[] original = random(9, 2 * (int) MIB);
        data.write(p, 0, original);
        array.createSnapshot(p, "s1");
        data.write(p, 0, random(10, (int) MIB));
        array.resizeVolume(p, 3 * MIB, false);
        data.write(p, 2 * MIB, random(11, (int) MIB));
        VolumeRecord reverted = array.copyVolume(p + ".s1", p, true);
        assertThat(reverted.provisionedBytes()).isEqualTo(2 * MIB);
        assertThat(data.read(p, 0, 2 * (int) MIB)).isEqualTo(original);

        array.createVolume(p + "-big", 6 * MIB);
        byte[] big = random(12, 1000);
        data.write(p + "-big", 5 * MIB, big);
        array.copyVolume(p + "-big", p, true);
        assertThat(data.read(p, 5 * MIB, 1000)).isEqualTo(big);
        assertThat(data.read(p, 0, 1000)).containsOnly(0);
    }

    @Test
    void shrinkThenGrowReadsZerosPastTheCut() {
        array.createVolume(p, 4 * MIB);
        data.write(p, 0, random(13, 4 * (int) MIB));
        byte[] kept = data.read(p, 0, 1_000_448);
        array.resizeVolume(p, 1_000_448, true);
        fails(() -> data.read(p, 1_000_448, 1), ErrorCode.OUT_OF_RANGE);
        array.resizeVolume(p, 4 * MIB, false);
        assertThat(data.read(p, 0, kept.length)).isEqualTo(kept);
        assertThat(data.read(p, 1_000_448, 3 * (int) MIB)).containsOnly(0);
    }

    @Test
    void badWritesChangeNothing() {
        array.createVolume(p, MIB);
        byte[] content = random(14, (int) MIB);
        data.write(p, 0, content);
        array.createSnapshot(p, "s1");
        String sum = data.checksum(p, 0, MIB);
        ArraySpace space = array.space();

        fails(() -> data.write(p, MIB - 10, new byte[11]), ErrorCode.OUT_OF_RANGE);
        fails(() -> data.write(p, -1, new byte[1]), ErrorCode.OUT_OF_RANGE);
        fails(() -> data.write(p + ".s1", 0, new byte[1]), ErrorCode.FAILED_PRECONDITION);
        fails(() -> data.write(p + "-none", 0, new byte[1]), ErrorCode.NOT_FOUND);
        fails(() -> data.read(p, MIB, 1), ErrorCode.OUT_OF_RANGE);
        fails(() -> data.read(p + "-none", 0, 1), ErrorCode.NOT_FOUND);
        assertThat(data.checksum(p, 0, MIB)).isEqualTo(sum);
        assertThat(array.space()).isEqualTo(space);

        array.destroyVolume(p);
        fails(() -> data.write(p, 0, new byte[1]), ErrorCode.FAILED_PRECONDITION);
        array.recoverVolume(p);
        assertThat(data.read(p, 0, (int) MIB)).isEqualTo(content);
    }

    @Test
    void snapshotWriteIsRefusedWithAHint() {
        array.createVolume(p, MIB);
        array.createSnapshot(p, "s1");
        assertThatThrownBy(() -> data.write(p + ".s1", 0, new byte[] {1}))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.getMessage()).contains("read-only").contains("revert"));
        assertThat(data.read(p + ".s1", 0, 1)).containsOnly(0);
    }
}
