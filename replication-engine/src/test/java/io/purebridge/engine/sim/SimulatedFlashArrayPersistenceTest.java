package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.replication.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedFlashArrayPersistenceTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private SimulatedFlashArray open(Duration eradicationDelay) {
        return new SimulatedFlashArray(new SimulatedArrayConfig("p", "t", 1L << 40, eradicationDelay),
                dir.resolve("p"), clock);
    }

    @Test
    void closeAndReopenRestoresEveryObject() {
        List<VolumeRecord> volumes;
        List<SnapshotRecord> snapshots;
        List<HostRecord> hosts;
        List<ConnectionRecord> connections;
        String id;
        try (SimulatedFlashArray a = open(Duration.ofHours(24))) {
            id = a.arrayInfo().id();
            a.createVolume("v1", GIB);
            a.createVolume("pod1::v2", 2 * GIB);
            a.copyVolume("v1", "v3", false);
            a.createSnapshot("v1", "s1");
            a.createSnapshot("v1", null);
            a.createSnapshot("v3", "gone");
            a.destroySnapshot("v3.gone");
            a.createVolume("dead", GIB);
            a.destroyVolume("dead");
            a.createHost("h1", List.of("iqn.2020-01.org.test:h1"), List.of("21:00:00:24:ff:4c:aa:01"), List.of());
            a.updateHost("h1", "esxi", "user", "secret-secret-1");
            a.connect("h1", "v1");
            a.connect("h1", "pod1::v2");
            a.createHost("h2", List.of(), List.of(), List.of("nqn.2014-08.org.nvmexpress:uuid:1"));
            volumes = a.listVolumes();
            snapshots = a.listSnapshots(null);
            hosts = a.listHosts();
            connections = a.listConnections(null, null);
        }
        try (SimulatedFlashArray a = open(Duration.ofHours(24))) {
            assertThat(a.arrayInfo().id()).isEqualTo(id);
            assertThat(a.listVolumes()).containsExactlyElementsOf(volumes);
            assertThat(a.listSnapshots(null)).containsExactlyElementsOf(snapshots);
            assertThat(a.listHosts()).containsExactlyElementsOf(hosts);
            assertThat(a.listConnections(null, null)).containsExactlyElementsOf(connections);
            assertThat(a.checkConsistency()).isEmpty();
            // counters continue: no serial or auto suffix is handed out twice
            VolumeRecord fresh = a.createVolume("v4", GIB);
            assertThat(volumes).extracting(VolumeRecord::serial).doesNotContain(fresh.serial());
            SnapshotRecord auto = a.createSnapshot("v1", null);
            assertThat(snapshots).extracting(SnapshotRecord::name).doesNotContain(auto.name());
        }
    }

    @Test
    void destroyedObjectsAreEradicatedAfterTheDelayAndTheirNamesFreed() {
        try (SimulatedFlashArray a = open(Duration.ofHours(2))) {
            a.createVolume("v1", GIB);
            a.createVolume("v2", GIB);
            a.createSnapshot("v2", "s1");
            a.destroyVolume("v1");
            clock.advance(Duration.ofHours(1));
            a.destroySnapshot("v2.s1");
            assertThat(a.eradicateExpired()).isZero();
            clock.advance(Duration.ofMinutes(61));
            assertThat(a.eradicateExpired()).isEqualTo(1);
            assertThat(a.findVolume("v1")).isEmpty();
            assertThat(a.findSnapshot("v2.s1")).isPresent();
            clock.advance(Duration.ofHours(1));
        }
        try (SimulatedFlashArray a = open(Duration.ofHours(2))) {
            assertThat(a.findVolume("v1")).isEmpty();
            assertThat(a.eradicateExpired()).isEqualTo(1);
            assertThat(a.findSnapshot("v2.s1")).isEmpty();
            assertThat(a.createVolume("v1", GIB).destroyed()).isFalse();
            assertThat(a.createSnapshot("v2", "s1").destroyed()).isFalse();
        }
    }

    @Test
    void zeroDelayEradicatesOnTheNextCheck() {
        try (SimulatedFlashArray a = open(Duration.ZERO)) {
            a.createVolume("v1", GIB);
            a.createSnapshot("v1", "s1");
            a.destroyVolume("v1");
            assertThat(a.eradicateExpired()).isEqualTo(2);
            assertThat(a.listVolumes()).isEmpty();
            assertThat(a.listSnapshots(null)).isEmpty();
        }
    }

    @Test
    void automaticSnapshotSuffixesSkipNumbersTakenExplicitly() {
        try (SimulatedFlashArray a = open(Duration.ofHours(24))) {
            a.createVolume("v1", GIB);
            SnapshotRecord first = a.createSnapshot("v1", null);
            String next = Long.toString(Long.parseLong(first.suffix()) + 1);
            a.createSnapshot("v1", next);
            SnapshotRecord auto = a.createSnapshot("v1", null);
            assertThat(auto.suffix()).matches("\\d+").isNotEqualTo(next).isNotEqualTo(first.suffix());
        }
    }
}
