package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code copyVolumes}: many overwriting copies in one batch, bad ones reported, all durable. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BulkVolumeCopyTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private SimulatedFlashArray open() {
        return new SimulatedFlashArray(new SimulatedArrayConfig("p", "t", 1L << 40, Duration.ofHours(1)),
                dir.resolve("p"), Clock.systemUTC());
    }

    @Test
    void copiesCreateAndOverwriteTogetherReportTheBadOnesAndSurviveAReopen() {
        Random random = new Random(3);
        Map<String, String> expected = new LinkedHashMap<>();
        try (SimulatedFlashArray a = open()) {
            for (int i = 0; i < 3; i++) {
                a.createVolume("src-" + i, GIB);
                byte[] data = new byte[50_000];
                random.nextBytes(data);
                a.write("src-" + i, i * 4096L, data);
                a.createSnapshot("src-" + i, "s");
                a.write("src-" + i, 0, new byte[] {9, 9, 9});
            }
            a.createVolume("old-1", 2 * GIB);
            a.write("old-1", 0, new byte[] {1, 2, 3});
            Map<String, String> copies = new LinkedHashMap<>();
            copies.put("new-0", "src-0.s");
            copies.put("old-1", "src-1.s");
            copies.put("new-2", "src-2");
            copies.put("missing", "nope.s");
            copies.put("cinder-pod::v", "src-0.s");
            Map<String, EngineException> failures = a.copyVolumes(copies);
            assertThat(failures).containsOnlyKeys("missing", "cinder-pod::v");
            assertThat(failures.get("missing").reason()).isEqualTo("SOURCE_NOT_FOUND");
            assertThat(a.findVolume("missing")).isEmpty();
            assertThat(a.checksum("new-0", 0, GIB)).isEqualTo(a.checksum("src-0.s", 0, GIB));
            assertThat(a.checksum("old-1", 0, GIB)).isEqualTo(a.checksum("src-1.s", 0, GIB));
            assertThat(a.findVolume("old-1").orElseThrow().provisionedBytes()).isEqualTo(GIB);
            assertThat(a.checksum("new-2", 0, GIB)).isEqualTo(a.checksum("src-2", 0, GIB));
            assertThat(a.findVolume("new-0").orElseThrow().serial())
                    .isNotEqualTo(a.findVolume("new-2").orElseThrow().serial());
            for (String v : new String[] {"new-0", "old-1", "new-2"}) {
                expected.put(v, a.checksum(v, 0, GIB));
            }
            assertThat(a.checkConsistency()).isEmpty();
        }
        try (SimulatedFlashArray a = open()) {
            expected.forEach((v, sum) -> assertThat(a.checksum(v, 0, GIB)).isEqualTo(sum));
            assertThat(a.checkConsistency()).isEmpty();
        }
    }
}
