package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The simulated array counts the I/O its data path serves, and only that. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedPerformanceTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private SimulatedFlashArray a;

    @BeforeEach
    void open() {
        a = new SimulatedFlashArray(SimulatedArrayConfig.of("perf", "t"), dir.resolve("perf"), clock);
    }

    @AfterEach
    void close() {
        a.close();
    }

    @Test
    void servedReadsAndWritesAreCountedFailedOnesAreNot() {
        assertThat(a).isInstanceOf(PerformanceHistory.class);
        a.createVolume("v", 1L << 30);
        for (int i = 0; i < 5; i++) {
            a.write("v", i * 32768L, new byte[32768]);
        }
        a.read("v", 0, 8192);
        a.read("v", 8192, 8192);
        try {
            a.write("missing", 0, new byte[512]);
        } catch (RuntimeException expected) {
            // not served, not counted
        }
        clock.advance(Duration.ofSeconds(1));

        List<ArrayPerformance> samples = a.performance(null, null, null);

        assertThat(samples).singleElement().satisfies(p -> {
            assertThat(p.writesPerSec()).isEqualTo(5);
            assertThat(p.writeBytesPerSec()).isEqualTo(5 * 32768);
            assertThat(p.readsPerSec()).isEqualTo(2);
            assertThat(p.readBytesPerSec()).isEqualTo(16384);
            assertThat(p.usecPerWriteOp()).isPositive();
            assertThat(p.queueUsecPerWriteOp()).isLessThanOrEqualTo(p.usecPerWriteOp());
            assertThat(p.mirroredWritesPerSec()).isZero();
        });
        clock.advance(Duration.ofSeconds(30));
        assertThat(a.performance(null, null, null)).singleElement()
                .satisfies(p -> assertThat(p.writesPerSec()).isZero());
    }

    @Test
    void writesToAStretchedPodAreMirroredWritesOnTheArrayThatServedThem() {
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir.resolve("host"), List.of(
                SimulatedArrayConfig.of("a", "ta"), SimulatedArrayConfig.of("b", "tb")), clock, Duration.ZERO, 2)) {
            SimulatedFlashArray hostA = host.open("a", "ta");
            SimulatedFlashArray hostB = host.open("b", "tb");
            hostA.createPod("p");
            hostA.createVolume("p::local-first", 1L << 20);
            hostA.write("p::local-first", 0, new byte[4096]);
            hostA.stretchPod("p", "b");
            hostA.createVolume("p::v", 1L << 20);
            hostA.write("p::v", 0, new byte[8192]);
            hostA.write("p::v", 8192, new byte[8192]);
            clock.advance(Duration.ofSeconds(1));

            ArrayPerformance onA = hostA.performance(null, null, null).get(0);
            assertThat(onA.writesPerSec()).isEqualTo(3);
            assertThat(onA.writeBytesPerSec()).isEqualTo(4096 + 16384);
            assertThat(onA.mirroredWritesPerSec()).isEqualTo(2);
            assertThat(onA.mirroredWriteBytesPerSec()).isEqualTo(16384);
            assertThat(onA.usecPerMirroredWriteOp()).isPositive();
            // The peer stored the bytes but served no front-end I/O.
            assertThat(hostB.performance(null, null, null)).singleElement()
                    .satisfies(p -> assertThat(p.writesPerSec()).isZero());
        }
    }
}
