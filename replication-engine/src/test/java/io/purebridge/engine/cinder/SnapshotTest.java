package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.snapshot;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.error.ErrorCode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotTest {
    private final CinderFixture fixture = new CinderFixture();
    private final CinderBackend backend = fixture.backend();

    @Test
    void snapshotIsNamedAfterTheArrayVolume() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        CinderSnapshot snap = snapshot(volume);
        SnapshotModelUpdate model = backend.createSnapshot(snap);
        String expected = arrayName(volume) + "." + snap.name();
        assertThat(model.providerId()).isEqualTo(expected);
        assertThat(model.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("array_snapshot_name", expected, "array_name", "pure-primary"));
        assertThat(fixture.array.findSnapshot(expected)).get().extracting(SnapshotRecord::sourceName)
                .isEqualTo(arrayName(volume));
    }

    @Test
    void snapshotOfMissingVolumeIsNotFound() {
        assertThat(failure(() -> backend.createSnapshot(snapshot(volume(1))), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
    }

    @Test
    void deleteDestroysAndEradicatesOnlyWhenConfigured() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        CinderSnapshot snap = snapshot(volume);
        String name = backend.createSnapshot(snap).providerId();
        backend.deleteSnapshot(snap);
        assertThat(fixture.array.findSnapshot(name)).get().extracting(SnapshotRecord::destroyed).isEqualTo(true);
        backend.deleteSnapshot(snap);
        var error = failure(() -> backend.createSnapshot(snap), ErrorCode.FAILED_PRECONDITION);
        assertThat(error.reason()).isEqualTo("SNAPSHOT_DESTROYED");

        var options = CinderFixture.baseOptions();
        options.put("pure_eradicate_on_delete", "True");
        CinderBackend eradicating = fixture.backend(StorageProtocol.ISCSI, options);
        eradicating.deleteSnapshot(snap);
        assertThat(fixture.array.findSnapshot(name)).isEmpty();
    }
}
