package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks written in their stored form (a restore from offload) read back as the bytes they name. */
class EncodedBlockWriteTest {
    private static final int BLOCK = ChunkCodec.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void encodedBlocksReadBackAndSurviveReopen() {
        byte[] data = new byte[4 * BLOCK];
        for (int i = 0; i < data.length; i += 2) {
            data[i] = (byte) (i / 7);
        }
        System.arraycopy(data, 0, data, 2 * BLOCK, BLOCK); // block 2 repeats block 0
        byte[][] hashes = new byte[4][];
        byte[][] encoded = new byte[4][];
        for (int b = 0; b < 4; b++) {
            hashes[b] = ChunkCodec.hash(data, b * BLOCK);
            encoded[b] = ChunkCodec.encode(data, b * BLOCK);
        }
        hashes[3] = null; // an all-zero block: nothing stored
        Arrays.fill(data, 3 * BLOCK, 4 * BLOCK, (byte) 0);
        try (SimulatedFlashArray array = open()) {
            array.createVolume("v", 1 << 20);
            array.writeEncoded("v", 2 * BLOCK, hashes, encoded);
            assertThat(array.read("v", 2 * BLOCK, data.length)).isEqualTo(data);
            assertThat(array.read("v", 0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
            // The all-zero block is not mapped: three blocks are.
            assertThat(array.volumeSpace("v").virtualBytes()).isEqualTo(3L * BLOCK);
        }
        try (SimulatedFlashArray array = open()) {
            assertThat(array.checksum("v", 2 * BLOCK, data.length))
                    .isEqualTo(ChunkCodec.hex(ChunkCodec.sha256(data)));
        }
    }

    @Test
    void anOffsetOffTheBlockBoundaryIsRefusedAndWritesNothing() {
        byte[] block = new byte[BLOCK];
        block[5] = 1;
        try (SimulatedFlashArray array = open()) {
            array.createVolume("v", 1 << 20);
            assertThatThrownBy(() -> array.writeEncoded("v", 512, new byte[][] {ChunkCodec.hash(block, 0)},
                    new byte[][] {ChunkCodec.encode(block, 0)}))
                    .isInstanceOf(EngineException.class).hasMessageContaining("boundary");
            assertThat(array.read("v", 0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
        }
    }

    @Test
    void blocksWrittenByNameShareTheChunkTheArrayHoldsAndOutliveItsFirstOwner() {
        byte[] held = new byte[2 * BLOCK];
        for (int i = 0; i < held.length; i += 3) {
            held[i] = (byte) (i / 11 + 1);
        }
        byte[] lacking = new byte[BLOCK];
        lacking[7] = 9;
        byte[][] names = {ChunkCodec.hash(held, 0), ChunkCodec.hash(lacking, 0), null, ChunkCodec.hash(held, BLOCK)};
        try (SimulatedFlashArray array = open()) {
            array.createVolume("owner", 1 << 20);
            array.write("owner", 0, held);
            array.createVolume("v", 1 << 20);
            array.write("v", 2 * BLOCK, new byte[] {4});

            java.util.BitSet missing = array.writeHeld("v", 0, names);

            assertThat(missing.stream().toArray()).as("only the chunk the array lacks").containsExactly(1);
            assertThat(array.read("v", 0, BLOCK)).isEqualTo(Arrays.copyOf(held, BLOCK));
            assertThat(array.read("v", BLOCK, BLOCK)).as("not written").isEqualTo(new byte[BLOCK]);
            assertThat(array.read("v", 2 * BLOCK, 1)).as("a null name leaves the block").containsExactly(4);
            assertThat(array.read("v", 3 * BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(held, BLOCK, 2 * BLOCK));
            assertThat(array.checkConsistency()).isEmpty();

            array.destroyVolume("owner");
            array.eradicateVolume("owner");
            assertThat(array.checkConsistency()).isEmpty();
        }
        try (SimulatedFlashArray array = open()) {
            assertThat(array.read("v", 0, BLOCK)).as("after reopen").isEqualTo(Arrays.copyOf(held, BLOCK));
            assertThat(array.read("v", 3 * BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(held, BLOCK, 2 * BLOCK));
            assertThat(array.checkConsistency()).isEmpty();
        }
    }

    @Test
    void writeHeldRefusesWhatWriteRefuses() {
        try (SimulatedFlashArray array = open()) {
            array.createVolume("v", 1 << 20);
            array.createSnapshot("v", "s1");
            byte[][] one = {ChunkCodec.sha256(new byte[] {1})};
            assertThatThrownBy(() -> array.writeHeld("v", 512, one)).hasMessageContaining("boundary");
            assertThatThrownBy(() -> array.writeHeld("v.s1", 0, one)).hasMessageContaining("read-only");
            assertThatThrownBy(() -> array.writeHeld("v", 1 << 20, one)).isInstanceOf(EngineException.class);
            assertThatThrownBy(() -> array.writeHeld("nope", 0, one)).isInstanceOf(EngineException.class);
        }
    }

    private SimulatedFlashArray open() {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("enc", "t"), dir.resolve("enc"), Clock.systemUTC());
    }
}
