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

    private SimulatedFlashArray open() {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("enc", "t"), dir.resolve("enc"), Clock.systemUTC());
    }
}
