package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Chunk codecs: LZ4 for new chunks, Deflate chunks of earlier versions still readable, parallel paths. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockStoreCodecTest {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;
    private static final long MAP = 7;

    @TempDir
    Path dir;
    private SimStore store;
    private BlockStore blocks;

    @BeforeEach
    void open() {
        store = new SimStore("codec", dir.resolve("codec"));
        blocks = new BlockStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void deflateChunksStoredByEarlierVersionsStayReadable() {
        byte[] content = compressible(BLOCK, 1);
        byte[] hash = BlockStore.sha256(content);
        byte[] deflated = deflateBody(content);
        assertThat(deflated[0]).isEqualTo((byte) 1);
        try (Tx tx = new Tx()) {
            blocks.setHash(tx, MAP, 3, hash, () -> deflated, true);
            blocks.prepareCommit(tx, 0, 0);
            store.write(tx.batch);
        }
        assertThat(blocks.readBlock(MAP, 3)).isEqualTo(content);
        byte[] out = new byte[2 * BLOCK];
        blocks.read(MAP, 3L * BLOCK + 100, out, 0, out.length);
        assertThat(Arrays.copyOfRange(out, 0, BLOCK - 100)).isEqualTo(Arrays.copyOfRange(content, 100, BLOCK));
        assertThat(Arrays.copyOfRange(out, BLOCK - 100, out.length)).containsOnly(0);
    }

    @Test
    void newChunksAreLz4AndSmallerThanTheBlockUnlessIncompressible() {
        byte[] text = compressible(BLOCK, 2);
        byte[] noise = new byte[BLOCK];
        new Random(3).nextBytes(noise);
        BlockStore.Prepared packed = BlockStore.prepare(text);
        BlockStore.Prepared raw = BlockStore.prepare(noise);
        assertThat(packed.encoded()[0]).isEqualTo((byte) 2);
        assertThat(packed.encoded().length).isLessThan(BLOCK * 3 / 4);
        assertThat(raw.encoded()[0]).isEqualTo((byte) 0);
        assertThat(raw.encoded()).hasSize(BLOCK + 1);
        assertThat(BlockStore.prepare(new byte[BLOCK]).hash()).isNull();
    }

    @Test
    void parallelPrepareAndReadMatchTheSequentialOnes() {
        int blockCount = 40;
        byte[] data = new byte[blockCount * BLOCK + 123];
        Random random = new Random(4);
        for (int b = 0; b < blockCount; b++) {
            if (b % 5 != 0) { // every fifth block stays zero
                byte[] one = b % 3 == 0 ? compressible(BLOCK, b) : new byte[BLOCK];
                if (b % 3 != 0) {
                    random.nextBytes(one);
                }
                System.arraycopy(one, 0, data, 123 + b * BLOCK, BLOCK);
            }
        }
        BlockStore.Prepared[] all = BlockStore.prepareAll(data, 123, blockCount);
        try (Tx tx = new Tx()) {
            for (int b = 0; b < blockCount; b++) {
                BlockStore.Prepared one = BlockStore.prepare(Arrays.copyOfRange(data, 123 + b * BLOCK, 123 + (b + 1) * BLOCK));
                assertThat(all[b].hash()).isEqualTo(one.hash());
                assertThat(all[b].encoded()).isEqualTo(one.encoded());
                blocks.setBlock(tx, MAP, b, all[b], true);
            }
            blocks.prepareCommit(tx, 0, 0);
            store.write(tx.batch);
        }
        // Unaligned, spanning zero and stored blocks, long enough to be split across threads.
        int offset = 5 * BLOCK + 777;
        byte[] out = new byte[30 * BLOCK + 999];
        blocks.read(MAP, offset, out, 0, out.length);
        assertThat(out).isEqualTo(Arrays.copyOfRange(data, 123 + offset, 123 + offset + out.length));
    }

    @Test
    void aChunkWithAnUnknownCodecIsReportedCorrupt() {
        byte[] content = compressible(BLOCK, 5);
        byte[] body = BlockStore.prepare(content).encoded().clone();
        body[0] = 9;
        try (Tx tx = new Tx()) {
            blocks.setHash(tx, MAP, 0, BlockStore.sha256(content), () -> body, true);
            blocks.prepareCommit(tx, 0, 0);
            store.write(tx.batch);
        }
        assertThatThrownBy(() -> blocks.readBlock(MAP, 0))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason()).isEqualTo("CHUNK_CORRUPT"));
    }

    /** A stored body as versions before LZ4 wrote it: codec 1, then raw Deflate level 1. */
    private static byte[] deflateBody(byte[] content) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(content);
            deflater.finish();
            byte[] out = new byte[BLOCK + 64];
            int n = deflater.deflate(out, 1, out.length - 1);
            out[0] = 1;
            return Arrays.copyOf(out, n + 1);
        } finally {
            deflater.end();
        }
    }

    private static byte[] compressible(int length, long seed) {
        Random random = new Random(seed);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ('a' + random.nextInt(4));
        }
        return out;
    }
}
