package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.chunklog.ChunkLocation;
import io.purebridge.engine.sim.chunklog.LogRecord;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads find a chunk next to the one before it in the log when they were written together, and in
 * the index otherwise: every layout a volume's history leaves reads back exactly, and a damaged
 * record is refused, never read as the chunk that should be there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkStoreReadTest {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;
    private static final int BLOCKS = 64;
    /** Small segments: the volume spans sealed segments and the active one. */
    private static final long SEGMENT = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void overwritesDuplicatesZerosAndCompactionAllReadBackExactly() {
        Random random = new Random(11);
        byte[][] content = new byte[BLOCKS][];
        try (SimStore store = new SimStore("reads", dir, SEGMENT, Long.MAX_VALUE)) {
            BlockStore blocks = new BlockStore(store);
            write(store, blocks, content, 0, BLOCKS, b -> randomBlock(random));
            write(store, blocks, content, 10, 21, b -> randomBlock(random)); // appended later, out of place
            write(store, blocks, content, 30, 33, b -> content[3 + b - 30].clone()); // stored once already
            write(store, blocks, content, 40, 44, b -> new byte[BLOCK]); // zeros: no chunk at all
            write(store, blocks, content, 50, 52, b -> content[51].clone()); // the same chunk twice in a row
            assertReadsBack(blocks, content);

            store.compactor().compact(); // live chunks move, in the index's order
            assertReadsBack(blocks, content);
        }
        try (SimStore store = new SimStore("reads", dir, SEGMENT, Long.MAX_VALUE)) {
            assertReadsBack(new BlockStore(store), content);
        }
    }

    @Test
    void aDamagedRecordNextToTheLastOneFoundIsRefusedNotReadAsItsChunk() throws Exception {
        Random random = new Random(12);
        byte[][] content = new byte[BLOCKS][];
        try (SimStore store = new SimStore("damaged", dir, SEGMENT, Long.MAX_VALUE)) {
            BlockStore blocks = new BlockStore(store);
            write(store, blocks, content, 0, BLOCKS, b -> randomBlock(random));
            ChunkLocation damaged = ChunkLocation.decode(store.get(store.meta(),
                    ChunkStore.locationKey(BlockStore.prepare(content[5]).hash())));
            // Damaged under the open store (reopening would refuse it in the recovery scan): the
            // segment's mapping sees the file's pages.
            Path segment = dir.resolve("chunklog").resolve(String.format("%016x.seg", damaged.segment()));
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                long at = damaged.offset() + LogRecord.HEADER_BYTES + BlockStore.HASH_BYTES + 100;
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x40);
            }
            byte[] out = new byte[BLOCKS * BLOCK];
            assertThatThrownBy(() -> blocks.read(1, 0, out, 0, out.length)).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.reason()).isEqualTo("CHUNK_LOG_CORRUPT"));
            byte[] before = new byte[5 * BLOCK];
            blocks.read(1, 0, before, 0, before.length);
            for (int b = 0; b < 5; b++) {
                assertThat(Arrays.copyOfRange(before, b * BLOCK, (b + 1) * BLOCK)).isEqualTo(content[b]);
            }
        }
    }

    private interface BlockContent {
        byte[] of(int block);
    }

    private static byte[] randomBlock(Random random) {
        byte[] b = new byte[BLOCK];
        random.nextBytes(b);
        return b;
    }

    /** Blocks {@code [from, to)} of map 1 in one write, as one Tx (its chunks, then its commit record). */
    private static void write(SimStore store, BlockStore blocks, byte[][] content, int from, int to, BlockContent next) {
        try (Tx tx = new Tx()) {
            for (int b = from; b < to; b++) {
                content[b] = next.of(b);
                blocks.setBlock(tx, 1, b, BlockStore.prepare(content[b]), true);
            }
            blocks.prepareCommit(tx, 0, 0);
            store.write(tx.batch);
        }
    }

    /** The whole range at once, an unaligned range, and block by block. */
    private static void assertReadsBack(BlockStore blocks, byte[][] content) {
        byte[] image = new byte[BLOCKS * BLOCK];
        for (int b = 0; b < BLOCKS; b++) {
            System.arraycopy(content[b], 0, image, b * BLOCK, BLOCK);
        }
        byte[] whole = new byte[image.length];
        blocks.read(1, 0, whole, 0, whole.length);
        assertThat(whole).isEqualTo(image);
        byte[] part = new byte[20 * BLOCK + 123];
        blocks.read(1, 7 * BLOCK + 1000, part, 0, part.length);
        assertThat(part).isEqualTo(Arrays.copyOfRange(image, 7 * BLOCK + 1000, 7 * BLOCK + 1000 + part.length));
        for (int b = 0; b < BLOCKS; b++) {
            byte[] one = blocks.readBlock(1, b);
            assertThat(one == null ? new byte[BLOCK] : one).as("block %d", b).isEqualTo(content[b]);
        }
    }
}
