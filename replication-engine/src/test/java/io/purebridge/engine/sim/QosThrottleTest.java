package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.QosLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Token buckets on a fake clock: waits follow the limits, and the simulator's data path uses them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QosThrottleTest {
    private static final long MIB = 1L << 20;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now = 1_000 * SECOND;
    private final List<Long> sleeps = new ArrayList<>();
    /** Sleeping advances the fake clock, as a real sleep would. */
    private final QosThrottle throttle = new QosThrottle(() -> now, nanos -> {
        sleeps.add(nanos);
        now += nanos;
    });

    @Test
    void bandwidthDebtIsRepaidAtTheLimitsRate() {
        Map<String, QosLimits> owner = Map.of("v", new QosLimits(MIB, null));
        throttle.acquire(owner, MIB);
        assertThat(sleeps).isEmpty();
        throttle.acquire(owner, 2 * MIB);
        assertThat(sleeps).containsExactly(2 * SECOND);
        now += SECOND / 2;
        throttle.acquire(owner, MIB / 2);
        assertThat(sleeps).containsExactly(2 * SECOND);
    }

    @Test
    void iopsLimitSpacesIosAndTheSlowerLimitWins() {
        Map<String, QosLimits> owner = Map.of("v", new QosLimits(null, 100L));
        for (int i = 0; i < 100; i++) {
            throttle.acquire(owner, 4096);
        }
        assertThat(sleeps).isEmpty();
        throttle.acquire(owner, 4096);
        assertThat(sleeps).containsExactly(SECOND / 100);

        sleeps.clear();
        Map<String, QosLimits> both = Map.of("v2", new QosLimits(MIB, 100_000L), "g", new QosLimits(null, 100L));
        throttle.acquire(both, 3 * MIB);
        assertThat(sleeps).containsExactly(2 * SECOND);
    }

    @Test
    void unlimitedOwnersNeverWaitAndIdleTimeRefillsOnlyUpToOneSecond() {
        throttle.acquire(Map.of("u", QosLimits.UNLIMITED), 1L << 40);
        assertThat(sleeps).isEmpty();
        Map<String, QosLimits> owner = Map.of("v", new QosLimits(MIB, null));
        throttle.acquire(owner, MIB);
        now += 3600 * SECOND;
        throttle.acquire(owner, 2 * MIB);
        assertThat(sleeps).containsExactly(SECOND);
    }

    @Test
    void simulatedWritesAndReadsOfALimitedVolumeWaitForTheirQos(@TempDir Path dir) {
        try (SimulatedFlashArray sim = new SimulatedFlashArray(SimulatedArrayConfig.of("qos", "token"), dir,
                Clock.systemUTC(), throttle)) {
            sim.createVolume("free", 1L << 30);
            sim.write("free", 0, new byte[(int) (4 * MIB)]);
            assertThat(sleeps).isEmpty();

            sim.createVolumeGroup("vg", new QosLimits(null, 100L));
            sim.createVolume("vg/v", 1L << 30, new QosLimits(MIB, null));
            sim.write("vg/v", 0, new byte[(int) MIB]);
            assertThat(sleeps).isEmpty();
            sim.write("vg/v", 0, new byte[(int) MIB]);
            assertThat(sleeps).containsExactly(SECOND);
            assertThat(sim.read("vg/v", 0, (int) (MIB / 2))).hasSize((int) (MIB / 2));
            assertThat(sleeps).hasSize(2);
            assertThat(sleeps.get(1)).isEqualTo(SECOND / 2);

            // Now only the group's 100 IOPS: its bucket refilled to 100 during the sleeps.
            sim.setVolumeQos("vg/v", QosLimits.UNLIMITED);
            sleeps.clear();
            for (int i = 0; i < 100; i++) {
                sim.read("vg/v", 0, 512);
            }
            assertThat(sleeps).isEmpty();
            sim.read("vg/v", 0, 512);
            assertThat(sleeps).containsExactly(SECOND / 100);
        }
    }
}
