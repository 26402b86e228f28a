package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.sim.chunklog.RandomInterrupts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many callers at once, as gRPC threads do: every operation lands, nothing is mixed up. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentCallersEachSeeTheirOwnResults() throws Exception {
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("conc", "t"), dir.resolve("conc"),
                Clock.systemUTC())) {
            a.createHost("h", List.of("iqn.2020-01.org.test:h"), List.of(), List.of());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        byte[] data = new byte[100_000];
                        new Random(id).nextBytes(data);
                        for (int i = 0; i < 5; i++) {
                            String v = "v" + id + "-" + i;
                            a.createVolume(v, 1 << 20);
                            a.write(v, 1000, data);
                            a.createSnapshot(v, "s");
                            a.connect("h", v);
                            assertThat(a.read(v + ".s", 1000, data.length)).isEqualTo(data);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.listVolumes()).hasSize(40);
            assertThat(a.listSnapshots(null)).hasSize(40);
            assertThat(a.listConnections("h", null)).extracting(ConnectionRecord::lun).doesNotHaveDuplicates()
                    .hasSize(40).allSatisfy(lun -> assertThat(lun).isBetween(1, 40));
        }
    }

    /**
     * Data writers release the array's lock before their fsync: they share fsyncs and build on each
     * other's changes before RocksDB holds them. Writers overlap on the same block-map pages of one
     * volume and write the same chunks into several volumes (shared reference counts); reads during
     * the run, a snapshot taken mid-run, the consistency check and a reopen all see every write.
     */
    @Test
    void concurrentDataWritersShareFsyncsAndEveryWriteLands() throws Exception {
        int writers = 6;
        int writesEach = 24;
        int block = 32 * 1024;
        int ioBytes = 4 * block;
        Path store = dir.resolve("writers");
        byte[][][] expected = new byte[writers][writesEach][];
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("writers", "t"), store,
                Clock.systemUTC())) {
            a.createVolume("shared", (long) writers * writesEach * ioBytes);
            for (int w = 0; w < writers; w++) {
                a.createVolume("own-" + w, (long) writesEach * ioBytes);
            }
            long syncsBefore = a.logSyncCount();
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    int w = t;
                    futures.add(pool.submit(() -> {
                        Random random = new Random(w);
                        for (int i = 0; i < writesEach; i++) {
                            byte[] data = new byte[ioBytes];
                            // Half the writes repeat another writer's bytes: chunks shared across writers.
                            new Random(i % 2 == 0 ? i : random.nextLong()).nextBytes(data);
                            expected[w][i] = data;
                            // Interleaved offsets: neighbouring writers share block-map pages.
                            long at = ((long) i * writers + w) * ioBytes;
                            a.write("shared", at, data);
                            a.write("own-" + w, (long) i * ioBytes, data);
                            assertThat(a.read("shared", at, ioBytes)).isEqualTo(data);
                        }
                        return null;
                    }));
                }
                futures.add(pool.submit(() -> {
                    a.createSnapshot("shared", "mid-run");
                    return null;
                }));
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long syncs = a.logSyncCount() - syncsBefore;
            assertThat(syncs).as("fsyncs for %d acknowledged writes", 2 * writers * writesEach)
                    .isLessThan(2L * writers * writesEach);
            assertThat(a.checkConsistency()).isEmpty();
            assertWritten(a, expected, writers, writesEach, ioBytes);
        }
        try (SimulatedFlashArray reopened = new SimulatedFlashArray(SimulatedArrayConfig.of("writers", "t"), store,
                Clock.systemUTC())) {
            assertThat(reopened.checkConsistency()).isEmpty();
            assertWritten(reopened, expected, writers, writesEach, ioBytes);
        }
    }

    /**
     * The JDK closes a file channel under a thread interrupted in it. Writers interrupted at random
     * (a cancelled task, an executor shut down) lose nothing: every write returns, reads back, and
     * survives a reopen, and the array goes on working for every caller.
     */
    @Test
    void writersInterruptedAtRandomLoseNothingAndLeaveTheArrayWorking() throws Exception {
        int writers = 4;
        int slots = 8;
        int ioBytes = 128 * 1024;
        Path store = dir.resolve("interrupted");
        byte[][][] last = new byte[writers][slots][];
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("intr", "t"), store,
                Clock.systemUTC())) {
            for (int w = 0; w < writers; w++) {
                a.createVolume("v-" + w, (long) slots * ioBytes);
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    int w = t;
                    futures.add(pool.submit(() -> {
                        threads.add(Thread.currentThread());
                        Random random = new Random(w);
                        int writes = 0;
                        for (; !stop.get(); writes++) {
                            Thread.interrupted();
                            int slot = writes % slots;
                            byte[] data = new byte[ioBytes];
                            random.nextBytes(data);
                            a.write("v-" + w, (long) slot * ioBytes, data);
                            last[w][slot] = data;
                            assertThat(a.read("v-" + w, (long) slot * ioBytes, ioBytes)).isEqualTo(data);
                        }
                        return writes;
                    }));
                }
                RandomInterrupts.during(threads, 1500, 3);
                stop.set(true);
                for (Future<Integer> f : futures) {
                    assertThat(f.get()).isGreaterThan(slots);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(a.checkConsistency()).isEmpty();
            assertHolds(a, last, ioBytes);
            a.createSnapshot("v-0", "after");
            a.destroyVolume("v-1");
            a.eradicateVolume("v-1");
            assertThat(a.findVolume("v-1")).isEmpty();
        }
        try (SimulatedFlashArray reopened = new SimulatedFlashArray(SimulatedArrayConfig.of("intr", "t"), store,
                Clock.systemUTC())) {
            assertThat(reopened.checkConsistency()).isEmpty();
            last[1] = null;
            assertHolds(reopened, last, ioBytes);
            assertThat(reopened.read("v-0.after", 0, ioBytes)).isEqualTo(last[0][0]);
        }
    }

    private static void assertHolds(SimulatedFlashArray a, byte[][][] last, int ioBytes) {
        for (int w = 0; w < last.length; w++) {
            for (int slot = 0; last[w] != null && slot < last[w].length; slot++) {
                assertThat(a.read("v-" + w, (long) slot * ioBytes, ioBytes)).as("v-%d slot %d", w, slot)
                        .isEqualTo(last[w][slot]);
            }
        }
    }

    private static void assertWritten(SimulatedFlashArray a, byte[][][] expected, int writers, int writesEach,
            int ioBytes) {
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < writesEach; i++) {
                long at = ((long) i * writers + w) * ioBytes;
                assertThat(a.read("shared", at, ioBytes)).as("shared, writer %d write %d", w, i)
                        .isEqualTo(expected[w][i]);
                assertThat(a.read("own-" + w, (long) i * ioBytes, ioBytes)).as("own-%d write %d", w, i)
                        .isEqualTo(expected[w][i]);
            }
        }
    }

    @Test
    void hostEradicatesExpiredObjectsInTheBackground() throws Exception {
        SimulatedArrayConfig config = new SimulatedArrayConfig("bg", "t", 1L << 40, Duration.ZERO);
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(config), Clock.systemUTC(),
                Duration.ofMillis(20))) {
            SimulatedFlashArray a = host.open("bg", "t");
            a.createVolume("v", 1 << 20);
            a.destroyVolume("v");
            while (a.findVolume("v").isPresent()) {
                Thread.sleep(10);
            }
            assertThat(a.createVolume("v", 1 << 20).destroyed()).isFalse();
        }
    }
}
