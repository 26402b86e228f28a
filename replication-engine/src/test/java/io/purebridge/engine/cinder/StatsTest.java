package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.GIB;
import static io.purebridge.engine.cinder.CinderFixture.snapshot;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.purebridge.engine.array.ArraySpace;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatsTest {
    private final CinderFixture fixture = new CinderFixture();

    @Test
    void capacityCountsAndAutomaticRatio() {
        CinderBackend backend = fixture.backend();
        fixture.array.setSpace(new ArraySpace(50 * GIB, 20 * GIB, 70 * GIB, 15 * GIB, 5 * GIB, 3.5, 7.25));
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        backend.createVolume(volume(1));
        backend.createSnapshot(snapshot(volume));
        CinderVolume gone = volume(1);
        backend.createVolume(gone);
        backend.deleteVolume(gone);
        fixture.array.createHost("h", List.of("iqn.x:h"), List.of(), List.of());

        BackendStats stats = backend.volumeStats();

        assertThat(stats.volumeBackendName()).isEqualTo("puredriver-1");
        assertThat(stats.vendorName()).isEqualTo("Pure Storage");
        assertThat(stats.driverVersion()).isEqualTo("22.0.iscsi");
        assertThat(stats.storageProtocol()).isEqualTo("iSCSI");
        assertThat(stats.totalCapacityGb()).isCloseTo(50.0, within(1e-9));
        assertThat(stats.freeCapacityGb()).isCloseTo(30.0, within(1e-9));
        assertThat(stats.provisionedCapacityGb()).isCloseTo(70.0, within(1e-9));
        assertThat(stats.maxOverSubscriptionRatio()).isEqualTo(7.25);
        assertThat(stats.dataReductionRatio()).isEqualTo(3.5);
        assertThat(stats.reservedPercentage()).isZero();
        assertThat(stats.thinProvisioningSupport()).isTrue();
        assertThat(stats.multiattach()).isTrue();
        assertThat(stats.totalVolumes()).isEqualTo(2);
        assertThat(stats.totalSnapshots()).isEqualTo(1);
        assertThat(stats.totalHosts()).isEqualTo(1);
        assertThat(stats.replicationEnabled()).isFalse();
        assertThat(stats.replicationType()).isEmpty();
        assertThat(stats.replicationTargets()).isEmpty();
        assertThat(stats.extra()).containsKeys("writes_per_sec", "queue_usec_per_write_op")
                .containsEntry("QoS_support", "False").doesNotContainKey("replication_capability");
    }

    @Test
    void configuredRatioWhenAutomaticIsOffOrReductionHuge() {
        var options = CinderFixture.baseOptions();
        options.put("max_over_subscription_ratio", "12.5");
        options.put("reserved_percentage", "15");
        options.put("filter_function", "capabilities.total_volumes < 100");
        CinderBackend backend = fixture.backend(StorageProtocol.FC, options);
        fixture.array.setSpace(new ArraySpace(10 * GIB, GIB, 2 * GIB, GIB, 0, 1.0, 150.0));
        BackendStats stats = backend.volumeStats();
        assertThat(stats.maxOverSubscriptionRatio()).isEqualTo(12.5);
        assertThat(stats.reservedPercentage()).isEqualTo(15);
        assertThat(stats.storageProtocol()).isEqualTo("FC");
        assertThat(stats.extra()).containsEntry("filter_function", "capabilities.total_volumes < 100");

        options.put("pure_automatic_max_oversubscription_ratio", "false");
        options.put("max_over_subscription_ratio", "auto");
        backend = fixture.backend(StorageProtocol.FC, options);
        fixture.array.setSpace(new ArraySpace(10 * GIB, 2 * GIB, 6 * GIB, GIB, 0, 1.0, 3.0));
        assertThat(backend.volumeStats().maxOverSubscriptionRatio()).isEqualTo(4.0);
    }

    @Test
    void replicationTargetsAreReported() {
        fixture.connector.addArray("pure-async", "async-token");
        fixture.connector.addArray("pure-sync", "sync-token");
        var options = CinderFixture.baseOptions();
        options.put("pure_trisync_enabled", "true");
        fixture.registry.register(CinderFixture.config(StorageProtocol.ISCSI, options, List.of(
                Map.of("backend_id", "dr", "san_ip", "sim://pure-async", "api_token", "async-token"),
                Map.of("backend_id", "metro", "san_ip", "sim://pure-sync", "api_token", "sync-token",
                        "type", "sync", "uniform", "true"))));
        BackendStats stats = fixture.registry.backend("puredriver-1").volumeStats();
        assertThat(stats.replicationEnabled()).isTrue();
        assertThat(stats.replicationType()).containsExactly("async", "sync", "trisync");
        assertThat(stats.replicationCount()).isEqualTo(2);
        assertThat(stats.replicationTargets()).containsExactly("dr", "metro");
        assertThat(stats.extra()).containsEntry("replication_capability", "trisync");
    }
}
