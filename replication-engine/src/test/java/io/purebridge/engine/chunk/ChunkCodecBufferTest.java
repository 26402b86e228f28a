package io.purebridge.engine.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Decoding a stored chunk where it lies in a direct buffer (a chunk-log segment's mapping) gives
 * the same block as decoding it from an array, for every codec, and refuses damage the same way.
 */
class ChunkCodecBufferTest {
    private static final int BLOCK = ChunkCodec.BLOCK_SIZE;

    @Test
    void everyCodecDecodesFromADirectBufferAsFromAnArray() {
        byte[] compressible = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i += 16) {
            compressible[i] = (byte) (i >> 4);
        }
        byte[] random = new byte[BLOCK];
        new Random(3).nextBytes(random);
        byte[] lz4 = ChunkCodec.encode(compressible, 0);
        byte[] raw = ChunkCodec.encode(random, 0);
        assertThat(lz4[0]).isEqualTo(ChunkCodec.CODEC_LZ4);
        assertThat(raw[0]).isEqualTo(ChunkCodec.CODEC_RAW);

        assertThat(decodedFromDirect(lz4)).isEqualTo(compressible);
        assertThat(decodedFromDirect(raw)).isEqualTo(random);
        assertThat(decodedFromDirect(deflated(compressible))).as("chunks of earlier versions").isEqualTo(compressible);
    }

    @Test
    void aDamagedChunkInADirectBufferIsReportedCorrupt() {
        byte[] block = new byte[BLOCK];
        Arrays.fill(block, 0, BLOCK / 2, (byte) 7);
        byte[] lz4 = ChunkCodec.encode(block, 0);
        byte[] truncated = Arrays.copyOf(lz4, lz4.length - 3);
        byte[] shortRaw = new byte[100];
        shortRaw[0] = ChunkCodec.CODEC_RAW;
        byte[] unknown = {9, 1, 2, 3};
        for (byte[] damaged : new byte[][] {truncated, shortRaw, unknown}) {
            assertThatThrownBy(() -> decodedFromDirect(damaged)).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.reason()).isEqualTo("CHUNK_CORRUPT"));
        }
    }

    /** Puts {@code stored} at an offset of a direct buffer and decodes it from there, into an offset of out. */
    private static byte[] decodedFromDirect(byte[] stored) {
        ByteBuffer direct = ByteBuffer.allocateDirect(stored.length + 41);
        direct.put(41, stored);
        byte[] out = new byte[BLOCK + 13];
        ChunkCodec.decode(direct, 41, stored.length, out, 13);
        return Arrays.copyOfRange(out, 13, 13 + BLOCK);
    }

    private static byte[] deflated(byte[] block) {
        Deflater deflater = new Deflater(1);
        deflater.setInput(block);
        deflater.finish();
        byte[] out = new byte[BLOCK * 2];
        out[0] = ChunkCodec.CODEC_DEFLATE;
        int n = deflater.deflate(out, 1, out.length - 1);
        deflater.end();
        return Arrays.copyOf(out, n + 1);
    }
}
