package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Volume QoS, groups and tags survive a reopen, and destroyed groups age out like volumes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedVolumeGroupsQosTagsPersistenceTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimulatedArrayConfig config = new SimulatedArrayConfig("persist", "token",
            SimulatedArrayConfig.DEFAULT_CAPACITY_BYTES, Duration.ofHours(1));

    @Test
    void qosGroupsAndTagsSurviveAReopen() {
        try (SimulatedFlashArray sim = new SimulatedFlashArray(config, dir, clock)) {
            sim.createVolumeGroup("vg1", new QosLimits(1L << 30, 2000L));
            sim.createVolume("vg1/v1", GIB);
            sim.createVolume("plain", GIB, new QosLimits(null, 700L));
            sim.putVolumeTags(List.of(new VolumeTag("vg1/v1", "ns", "k", "v", false)));
            sim.createVolumeGroup("gone", QosLimits.UNLIMITED);
            sim.destroyVolumeGroup("gone");
        }
        try (SimulatedFlashArray sim = new SimulatedFlashArray(config, dir, clock)) {
            assertThat(sim.findVolumeGroup("vg1")).hasValueSatisfying(g -> {
                assertThat(g.qos()).isEqualTo(new QosLimits(1L << 30, 2000L));
                assertThat(g.volumeCount()).isEqualTo(1);
            });
            assertThat(sim.findVolumeGroup("gone")).hasValueSatisfying(g -> assertThat(g.destroyed()).isTrue());
            assertThat(sim.volumeQos("plain")).isEqualTo(new QosLimits(null, 700L));
            assertThat(sim.listVolumeTags(List.of("vg1/v1"))).containsExactly(new VolumeTag("vg1/v1", "ns", "k", "v", false));
        }
    }

    @Test
    void destroyedGroupIsEradicatedAfterItsVolumesOnceTheDelayPasses() {
        try (SimulatedFlashArray sim = new SimulatedFlashArray(config, dir, clock)) {
            sim.createVolumeGroup("vg", QosLimits.UNLIMITED);
            sim.createVolume("vg/v", GIB, new QosLimits(null, 500L));
            sim.putVolumeTags(List.of(new VolumeTag("vg/v", "ns", "k", "v", false)));
            sim.destroyVolume("vg/v");
            sim.destroyVolumeGroup("vg");
            assertThat(sim.eradicateExpired()).isZero();

            clock.advance(Duration.ofHours(2));
            assertThat(sim.eradicateExpired()).isEqualTo(2);
            assertThat(sim.findVolumeGroup("vg")).isEmpty();
            assertThat(sim.listVolumeQos()).isEmpty();
            assertThat(sim.listVolumeTags(List.of())).isEmpty();
        }
        try (SimulatedFlashArray sim = new SimulatedFlashArray(config, dir, clock)) {
            assertThat(sim.findVolumeGroup("vg")).isEmpty();
            assertThat(sim.listVolumeTags(List.of())).isEmpty();
        }
    }
}
