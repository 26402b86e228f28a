package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Upstream's performance stats keys, from the array's latest 30-second sample. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PerformanceStatsTest {
    @TempDir
    Path dir;

    @Test
    void latestSampleOfASimulatedArrayFillsUpstreamsKeys() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (SimulatedFlashArray sim = new SimulatedFlashArray(SimulatedArrayConfig.of("perf", "t"), dir, clock)) {
            sim.createVolume("v", 1L << 30);
            clock.advance(Duration.ofSeconds(40));
            for (int i = 0; i < 10; i++) {
                sim.write("v", i * 8192L, new byte[8192]);
            }
            sim.read("v", 0, 65536);
            clock.advance(Duration.ofSeconds(5));
            Map<String, String> extra = new LinkedHashMap<>();

            PerformanceStats.addTo(extra, sim, "puredriver-1");

            // The interval [30 s, 60 s) has 15 complete seconds so far.
            assertThat(extra).containsOnlyKeys(PerformanceStats.KEYS)
                    .containsEntry("writes_per_sec", "1")
                    .containsEntry("input_per_sec", Long.toString(Math.round(10 * 8192 / 15.0)))
                    .containsEntry("reads_per_sec", "0")
                    .containsEntry("output_per_sec", Long.toString(Math.round(65536 / 15.0)))
                    .containsEntry("queue_usec_per_mirrored_write_op", "0");
            assertThat(Long.parseLong(extra.get("usec_per_write_op"))).isPositive();
            assertThat(Long.parseLong(extra.get("usec_per_read_op"))).isPositive();
        }
    }

    @Test
    void arraysWithoutHistoryReportZerosAsUpstreamDoesForAnEmptySample() {
        CinderFixture fixture = new CinderFixture();
        Map<String, String> extra = new LinkedHashMap<>();

        PerformanceStats.addTo(extra, fixture.array, "puredriver-1");

        assertThat(extra).containsOnlyKeys(PerformanceStats.KEYS).allSatisfy((k, v) -> assertThat(v).isEqualTo("0"));
    }
}
