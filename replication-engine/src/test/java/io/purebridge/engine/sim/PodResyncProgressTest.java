package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Resync advances by a bounded number of blocks per heartbeat, so progress is visible. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PodResyncProgressTest {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void progressRisesAndWritesDuringResyncAreCaughtUp() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "ta"),
                SimulatedArrayConfig.of("b", "tb")), clock, Duration.ZERO, 2)) {
            SimulatedFlashArray a = host.open("a", "ta");
            SimulatedFlashArray b = host.open("b", "tb");
            a.createPod("p");
            a.stretchPod("p", "b");
            a.createVolume("p::v", 16L * BLOCK);
            host.replication().cutLink("a", "b");
            Random random = new Random(7);
            byte[] block = new byte[BLOCK];
            for (int i = 0; i < 5; i++) {
                random.nextBytes(block);
                a.write("p::v", (long) i * BLOCK, block);
            }
            host.replication().restoreLink("a", "b");
            host.replication().tick();
            PodArrayStatus seen = a.findPod("p").orElseThrow().arrays().get(1);
            assertThat(seen.status()).isEqualTo(PodArrayStatus.RESYNCING);
            assertThat(seen.progress()).isEqualTo(0.4);
            assertThatThrownBy(() -> b.read("p::v", 0, 1)).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.reason()).isEqualTo("POD_RESYNCING"));
            random.nextBytes(block);
            a.write("p::v", 10L * BLOCK, block);
            host.replication().tick();
            assertThat(host.replication().podStatus("p").member("b").progress()).isEqualTo(4.0 / 6);
            host.replication().tick();
            assertThat(host.replication().podStatus("p").member("b").status()).isEqualTo(PodArrayStatus.ONLINE);
            assertThat(b.checksum("p::v", 0, 16L * BLOCK)).isEqualTo(a.checksum("p::v", 0, 16L * BLOCK));
            assertThat(host.replication().podStatus("p").member("b").dirtyBlocks()).isZero();
        }
    }

    @Test
    void linkCutDuringResyncSendsTheResyncingArrayBackOffline() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "ta"),
                SimulatedArrayConfig.of("b", "tb")), clock, Duration.ZERO, 1)) {
            SimulatedFlashArray a = host.open("a", "ta");
            SimulatedFlashArray b = host.open("b", "tb");
            a.createPod("p");
            a.stretchPod("p", "b");
            a.createVolume("p::v", 16L * BLOCK);
            host.replication().cutLink("a", "b");
            a.write("p::v", 0, new byte[] {1});
            a.write("p::v", BLOCK, new byte[] {2});
            host.replication().restoreLink("a", "b");
            host.replication().tick();
            host.replication().cutLink("a", "b");
            assertThat(host.replication().podStatus("p").member("b").status()).isEqualTo(PodArrayStatus.OFFLINE);
            assertThat(host.replication().podStatus("p").member("a").status()).isEqualTo(PodArrayStatus.ONLINE);
            a.write("p::v", 2L * BLOCK, new byte[] {3});
            assertThatThrownBy(() -> b.write("p::v", 0, new byte[] {9})).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            host.replication().restoreLink("a", "b");
            for (int i = 0; i < 10; i++) {
                host.replication().tick();
            }
            assertThat(b.checksum("p::v", 0, 16L * BLOCK)).isEqualTo(a.checksum("p::v", 0, 16L * BLOCK));
        }
    }
}
