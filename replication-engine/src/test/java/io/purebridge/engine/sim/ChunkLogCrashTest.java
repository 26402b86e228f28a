package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while the chunk log rolls segments and compacts: a child JVM with 1 MiB segments
 * overwrites regions of a volume (freeing chunks, so compaction moves and deletes segments under
 * it) and acknowledges each write; after the kill every region reads back its last acknowledged
 * write (or the one in flight at the kill), the store is consistent and the log did reclaim space.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChunkLogCrashTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedOverwritesSurviveKillNineDuringCompaction() throws Exception {
        Random random = new Random();
        for (int round = 0; round < 2; round++) {
            Path store = dir.resolve("round" + round);
            int killAfter = 60 + random.nextInt(120);
            int acked = ChildJvm.runAndKill(OverwriteCrashWriter.class, store, killAfter,
                    List.of("-Dpurebridge.sim.logSegmentBytes=" + (1 << 20)));
            assertThat(acked).as("round %d", round).isGreaterThanOrEqualTo(killAfter);
            try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), store,
                    Clock.systemUTC())) {
                for (int r = 0; r < OverwriteCrashWriter.REGIONS; r++) {
                    int last = lastWriteOf(r, acked);
                    byte[] got = array.read("data", (long) r * OverwriteCrashWriter.REGION, OverwriteCrashWriter.REGION);
                    if (OverwriteCrashWriter.region(acked) == r && !java.util.Arrays.equals(got,
                            OverwriteCrashWriter.data(last))) {
                        // the write in flight at the kill may have become durable without its ACK
                        assertThat(got).as("region %d, round %d", r, round).isEqualTo(OverwriteCrashWriter.data(acked));
                    } else {
                        assertThat(got).as("region %d (write %d acknowledged), round %d", r, last, round)
                                .isEqualTo(OverwriteCrashWriter.data(last));
                    }
                }
                assertThat(array.checkConsistency()).as("round %d", round).isEmpty();
            }
            // Live data is 2 MiB; without compaction the log would hold every overwrite.
            long logBytes;
            try (Stream<Path> files = Files.list(store.resolve("chunklog"))) {
                logBytes = files.mapToLong(p -> p.toFile().length()).sum();
            }
            assertThat(logBytes).as("chunk log bytes after %d overwrites of 256 KiB", acked)
                    .isLessThan((long) acked * OverwriteCrashWriter.REGION / 2);
        }
    }

    /** The last write before {@code acked} to region r. */
    private static int lastWriteOf(int r, int acked) {
        int n = acked - 1;
        while (OverwriteCrashWriter.region(n) != r) {
            n--;
        }
        return n;
    }
}
