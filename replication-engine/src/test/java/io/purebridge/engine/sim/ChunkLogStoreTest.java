package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The chunk log under a store: compaction reclaims space, replay restores what RocksDB lost. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkLogStoreTest {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void compactionMovesLiveChunksAndDeletesMostlyDeadSegments() {
        Random random = new Random(7);
        byte[][] content = new byte[64][];
        try (SimStore store = new SimStore("compact", dir.resolve("compact"), 256 * 1024, Long.MAX_VALUE)) {
            BlockStore blocks = new BlockStore(store);
            write(store, blocks, random, content, 0, 64);
            write(store, blocks, random, content, 0, 56); // frees 56 of the first 64 chunks
            // 120 chunks of 32 KiB went in, 64 are live; a background pass may already have run.
            store.compactor().compact();
            assertThat(store.log().diskBytes()).isBetween(64L * BLOCK, 64L * BLOCK + 512 * 1024);
            for (int b = 0; b < 64; b++) {
                assertThat(blocks.readBlock(1, b)).as("block %d", b).isEqualTo(content[b]);
            }
            List<String> problems = blocks.check(Map.of(1L, true), Map.of(1L, 64L));
            assertThat(problems).hasSize(1).allMatch(p -> p.startsWith("space "));
        }
        try (SimStore store = new SimStore("compact", dir.resolve("compact"), 256 * 1024, Long.MAX_VALUE)) {
            BlockStore blocks = new BlockStore(store);
            for (int b = 0; b < 64; b++) {
                assertThat(blocks.readBlock(1, b)).as("block %d after reopen", b).isEqualTo(content[b]);
            }
        }
    }

    private static void write(SimStore store, BlockStore blocks, Random random, byte[][] content, int from, int to) {
        try (Tx tx = new Tx()) {
            for (int b = from; b < to; b++) {
                content[b] = new byte[BLOCK];
                random.nextBytes(content[b]);
                blocks.setBlock(tx, 1, b, BlockStore.prepare(content[b]), true);
            }
            blocks.prepareCommit(tx, 0, 0);
            store.write(tx.batch);
        }
    }

    /**
     * RocksDB applies a batch only after the log holds it, without an fsync of its own: a power
     * loss can take the batch from RocksDB but not from the log. Acted out by putting back a copy of
     * RocksDB's files from before the last writes next to the newer log.
     */
    @Test
    void commitsRocksDbLostAreReplayedFromTheLog() throws IOException {
        Path store = dir.resolve("replay");
        Path saved = dir.resolve("saved");
        byte[] first = bytes(3 * BLOCK + 100, 1);
        byte[] second = bytes(2 * BLOCK, 2);
        try (SimulatedFlashArray array = open(store)) {
            array.createVolume("v", 1 << 20);
            array.write("v", 0, first);
        }
        copyRocksDb(store, saved);
        try (SimulatedFlashArray array = open(store)) {
            array.write("v", BLOCK, second);
            array.createSnapshot("v", "s");
        }
        deleteRocksDb(store);
        copyRocksDb(saved, store);
        byte[] expected = first.clone();
        System.arraycopy(second, 0, expected, BLOCK, second.length);
        try (SimulatedFlashArray array = open(store)) {
            assertThat(array.read("v", 0, expected.length)).isEqualTo(expected);
            assertThat(array.read("v.s", 0, expected.length)).isEqualTo(expected);
            assertThat(array.checkConsistency()).isEmpty();
        }
    }

    private static SimulatedFlashArray open(Path store) {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("replay", "t"), store, Clock.systemUTC());
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void copyRocksDb(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static void deleteRocksDb(Path store) throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
