package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.GIB;
import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static io.purebridge.engine.cinder.CinderFixture.withSize;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** create / delete / extend. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VolumeLifecycleTest {
    private final CinderFixture fixture = new CinderFixture();
    private final CinderBackend backend = fixture.backend();

    @Test
    void createNamesTheVolumeAndReportsModel() {
        CinderVolume volume = volume(3);
        VolumeModelUpdate model = backend.createVolume(volume);
        assertThat(model.providerId()).isEqualTo(arrayName(volume));
        assertThat(model.replicationStatus()).isEqualTo("disabled");
        assertThat(model.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("array_volume_name", arrayName(volume), "array_name", "pure-primary"));
        assertThat(fixture.array.findVolume(arrayName(volume))).get()
                .extracting(VolumeRecord::provisionedBytes).isEqualTo(3 * GIB);
    }

    @Test
    void sizeMustBePositive() {
        for (long size : List.of(0L, -1L)) {
            var error = failure(() -> backend.createVolume(volume(size)), ErrorCode.INVALID_ARGUMENT);
            assertThat(error.reason()).isEqualTo("SIZE_NOT_POSITIVE");
            assertThat(error.getMessage()).contains("size");
        }
        assertThat(fixture.array.listVolumes()).isEmpty();
    }

    @Test
    void providerIdIsAuthoritative() {
        CinderVolume volume = volume(1);
        CinderVolume stored = new CinderVolume(volume.id(), volume.nameId(), volume.name(), "legacy-name", 1,
                Map.of(), "");
        assertThat(backend.createVolume(stored).providerId()).isEqualTo("legacy-name");
        backend.extendVolume(stored, 2);
        assertThat(fixture.array.findVolume("legacy-name")).get()
                .extracting(VolumeRecord::provisionedBytes).isEqualTo(2 * GIB);
        backend.deleteVolume(stored);
        assertThat(fixture.array.findVolume("legacy-name")).get().extracting(VolumeRecord::destroyed).isEqualTo(true);
    }

    @Test
    void longPowerVcNamesAreLeftTruncated() {
        String nameId = "0123456789abcdef0123456789abcdef0123456789abcdef-powervc";
        CinderVolume volume = new CinderVolume("id-1", nameId, "volume-" + nameId, "", 1, Map.of(), "");
        String name = backend.createVolume(volume).providerId();
        assertThat(name).isEqualTo("volume-" + nameId.substring(nameId.length() - 47) + "-cinder");
        assertThat(name).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void deleteDisconnectsDestroysAndRemovesDriverHosts() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        HostConnector connector = new HostConnector("compute-1", "iqn.2004-10.com.ubuntu:01:c1", null, null, "",
                "", "10.0.0.1", true);
        backend.initializeConnection(volume, connector);
        fixture.array.createHost("operator-host", List.of("iqn.1994-05.com.redhat:other"), List.of(), List.of());
        fixture.array.connect("operator-host", arrayName(volume));

        backend.deleteVolume(volume);

        assertThat(fixture.array.findVolume(arrayName(volume))).get().extracting(VolumeRecord::destroyed).isEqualTo(true);
        assertThat(fixture.array.listConnections(null, null)).isEmpty();
        assertThat(fixture.array.listHosts()).extracting(h -> h.name()).containsExactly("operator-host");
    }

    @Test
    void deleteOfMissingOrDestroyedVolumeSucceeds() {
        backend.deleteVolume(volume(1));
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        backend.deleteVolume(volume);
        backend.deleteVolume(volume);
        assertThat(fixture.array.findVolume(arrayName(volume))).get().extracting(VolumeRecord::destroyed).isEqualTo(true);
    }

    @Test
    void deleteEradicatesWhenConfigured() {
        var options = CinderFixture.baseOptions();
        options.put("pure_eradicate_on_delete", "true");
        CinderBackend eradicating = fixture.backend(StorageProtocol.ISCSI, options);
        CinderVolume volume = volume(1);
        eradicating.createVolume(volume);
        eradicating.deleteVolume(volume);
        assertThat(fixture.array.findVolume(arrayName(volume))).isEmpty();
    }

    @Test
    void extendGrowsRefusesShrinkAndIgnoresSameSize() {
        CinderVolume volume = volume(2);
        backend.createVolume(volume);
        backend.extendVolume(volume, 5);
        assertThat(fixture.array.findVolume(arrayName(volume)).orElseThrow().provisionedBytes()).isEqualTo(5 * GIB);
        backend.extendVolume(withSize(volume, 5), 5);
        var shrink = failure(() -> backend.extendVolume(volume, 4), ErrorCode.OUT_OF_RANGE);
        assertThat(shrink.getMessage()).contains(volume.id());
        for (long bad : List.of(0L, -3L)) {
            assertThat(failure(() -> backend.extendVolume(volume, bad), ErrorCode.INVALID_ARGUMENT).reason())
                    .isEqualTo("SIZE_NOT_POSITIVE");
        }
        assertThat(fixture.array.findVolume(arrayName(volume)).orElseThrow().provisionedBytes()).isEqualTo(5 * GIB);
        assertThat(failure(() -> backend.extendVolume(volume(1), 3), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
    }

    @Test
    void replicatedTypesAreRefusedWithoutLying() {
        CinderVolume replicated = CinderFixture.withSpecs(volume(1), Map.of("replication_enabled", "<is> True"));
        var error = failure(() -> backend.createVolume(replicated), ErrorCode.FAILED_PRECONDITION);
        assertThat(error.reason()).isEqualTo("REPLICATION_NOT_CONFIGURED");
        assertThat(error.getMessage()).contains("replication_device");
        CinderVolume typo = CinderFixture.withSpecs(volume(1),
                Map.of("replication_enabled", "<is> True", "replication_type", "<in> sycn"));
        assertThat(failure(() -> backend.createVolume(typo), ErrorCode.INVALID_ARGUMENT).reason())
                .isEqualTo("UNKNOWN_REPLICATION_TYPE");
        assertThat(fixture.array.listVolumes()).isEmpty();
    }
}
