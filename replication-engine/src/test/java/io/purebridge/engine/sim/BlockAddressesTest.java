package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block map's names, which a restore compares with the offloaded manifest instead of reading data back. */
class BlockAddressesTest {
    private static final int BLOCK = ChunkCodec.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void namesAreTheHashesOfWhatEachBlockReadsAsAndZerosHaveNone() {
        byte[] data = new byte[3 * BLOCK];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 / BLOCK + i);
        }
        try (SimulatedFlashArray array = open()) {
            // 100 blocks and a half: the last block is partial and reads zero-padded.
            array.createVolume("v", 100L * BLOCK + BLOCK / 2);
            array.write("v", BLOCK, data);
            array.write("v", 2 * BLOCK, new byte[BLOCK]); // zeroed again: unmapped
            array.write("v", 100L * BLOCK, new byte[] {7});
            String snap = array.createSnapshot("v", "s").name();
            array.write("v", BLOCK, new byte[BLOCK]);

            byte[][] live = array.blockAddresses("v", 0, 101);
            byte[][] frozen = array.blockAddresses(snap, 0, 101);
            assertThat(live[0]).isNull();
            assertThat(live[1]).isNull();
            assertThat(frozen[1]).isEqualTo(ChunkCodec.hash(data, 0));
            assertThat(frozen[2]).isNull();
            assertThat(frozen[3]).isEqualTo(ChunkCodec.hash(data, 2 * BLOCK)).isEqualTo(live[3]);
            byte[] last = new byte[BLOCK];
            last[0] = 7;
            assertThat(frozen[100]).isEqualTo(ChunkCodec.hash(last, 0));
            assertThat(array.blockAddresses("v", 99, 2)[1]).isEqualTo(frozen[100]);
        }
    }

    /** The stored form an offload packs as it is: it decodes to the block its name hashes. */
    @Test
    void storedChunksDecodeToTheirBlocksAndUnknownNamesHaveNone() {
        byte[] data = new byte[2 * BLOCK];
        new Random(3).nextBytes(data);
        System.arraycopy("text that compresses well ".repeat(2000).getBytes(), 0, data, BLOCK, BLOCK);
        try (SimulatedFlashArray array = open()) {
            array.createVolume("v", 4L * BLOCK);
            array.write("v", 0, data);
            byte[][] names = array.blockAddresses("v", 0, 3);
            byte[] unknown = ChunkCodec.hash(new byte[BLOCK], 0);
            byte[][] stored = array.storedChunks(new byte[][] {names[0], names[1], null, unknown});
            for (int i = 0; i < 2; i++) {
                byte[] block = new byte[BLOCK];
                ChunkCodec.decode(stored[i], block, 0);
                assertThat(ChunkCodec.hash(block, 0)).isEqualTo(names[i]);
            }
            assertThat(stored[1].length).as("compressible block stored compressed").isLessThan(BLOCK / 4);
            assertThat(stored[2]).isNull();
            assertThat(stored[3]).isNull();
            assertThatThrownBy(() -> array.storedChunks(new byte[BlockDataAccess.MAX_IO_BYTES / BLOCK + 1][]))
                    .isInstanceOf(EngineException.class).hasMessageContaining("split the transfer");
        }
    }

    @Test
    void blocksPastTheEndOrAnUnknownNameAreRefused() {
        try (SimulatedFlashArray array = open()) {
            array.createVolume("v", 4L * BLOCK);
            assertThatThrownBy(() -> array.blockAddresses("v", 3, 2)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("outside v").hasMessageContaining("4 blocks");
            assertThatThrownBy(() -> array.blockAddresses("v", -1, 1)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("outside v");
            assertThatThrownBy(() -> array.blockAddresses("nope", 0, 1)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("nope");
            assertThat(array.blockAddresses("v", 4, 0)).isEmpty();
        }
    }

    private SimulatedFlashArray open() {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("addr", "t"), dir.resolve("addr"), Clock.systemUTC());
    }
}
