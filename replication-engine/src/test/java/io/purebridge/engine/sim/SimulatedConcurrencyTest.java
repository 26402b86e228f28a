package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ConnectionRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
