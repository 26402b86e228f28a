package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ReplicationSchedule;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With background threads on (as in the service) the replication heartbeat runs by itself. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplicationHeartbeatTest {
    @TempDir
    Path dir;

    @Test
    void backgroundHeartbeatTakesAndShipsScheduledSnapshots() throws Exception {
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "ta"),
                SimulatedArrayConfig.of("c", "tc")), Clock.systemUTC(), Duration.ofSeconds(60))) {
            SimulatedFlashArray a = host.open("a", "ta");
            SimulatedFlashArray c = host.open("c", "tc");
            a.createVolume("v", 1 << 20);
            a.createProtectionGroup("pg");
            a.addProtectionGroupTargets("pg", List.of("c"));
            c.allowProtectionGroup("a:pg", true);
            a.addProtectionGroupMembers("pg", List.of("v"));
            a.setReplicationSchedule("pg", ReplicationSchedule.every(500, true));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.listProtectionGroupSnapshots("a:pg").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(c.listProtectionGroupSnapshots("a:pg")).isNotEmpty();
        }
    }
}
