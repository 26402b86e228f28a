package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.GIB;
import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.snapshot;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Volume from snapshot, clone, revert. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CopyAndRevertTest {
    private final CinderFixture fixture = new CinderFixture();
    private final CinderBackend backend = fixture.backend();
    private final CinderVolume source = volume(2);

    CopyAndRevertTest() {
        backend.createVolume(source);
        fixture.array.writeContent(arrayName(source), "v1");
    }

    @Test
    void fromSnapshotCopiesThenGrows() {
        CinderSnapshot snap = snapshot(source);
        backend.createSnapshot(snap);
        fixture.array.writeContent(arrayName(source), "v2");
        CinderVolume same = volume(2);
        CinderVolume bigger = volume(5);
        assertThat(backend.createVolumeFromSnapshot(same, snap).replicationStatus()).isEqualTo("disabled");
        backend.createVolumeFromSnapshot(bigger, snap);
        assertThat(fixture.array.content(arrayName(same))).isEqualTo("v1");
        assertThat(fixture.array.findVolume(arrayName(same)).orElseThrow().provisionedBytes()).isEqualTo(2 * GIB);
        assertThat(fixture.array.findVolume(arrayName(bigger)).orElseThrow().provisionedBytes()).isEqualTo(5 * GIB);
    }

    @Test
    void smallerThanTheSourceIsOutOfRange() {
        CinderSnapshot snap = snapshot(source);
        backend.createSnapshot(snap);
        failure(() -> backend.createVolumeFromSnapshot(volume(1), snap), ErrorCode.OUT_OF_RANGE);
        failure(() -> backend.createClonedVolume(volume(1), source), ErrorCode.OUT_OF_RANGE);
        assertThat(fixture.array.listVolumes()).hasSize(1);
    }

    @Test
    void missingSourcesAreNotFound() {
        assertThat(failure(() -> backend.createVolumeFromSnapshot(volume(2), snapshot(source)), ErrorCode.NOT_FOUND)
                .reason()).isEqualTo("SNAPSHOT_NOT_FOUND");
        assertThat(failure(() -> backend.createClonedVolume(volume(2), volume(2)), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
    }

    @Test
    void cloneCopiesContentAndGrows() {
        CinderVolume clone = volume(3);
        VolumeModelUpdate model = backend.createClonedVolume(clone, source);
        assertThat(model.providerId()).isEqualTo(arrayName(clone));
        VolumeRecord record = fixture.array.findVolume(arrayName(clone)).orElseThrow();
        assertThat(record.provisionedBytes()).isEqualTo(3 * GIB);
        assertThat(fixture.array.content(arrayName(clone))).isEqualTo("v1");
    }

    @Test
    void revertOverwritesTheVolumeWithTheSnapshot() {
        CinderSnapshot snap = snapshot(source);
        backend.createSnapshot(snap);
        String snapName = arrayName(source) + "." + snap.name();
        fixture.array.writeContent(arrayName(source), "v2");

        backend.revertToSnapshot(source, snap);

        assertThat(fixture.array.content(arrayName(source))).isEqualTo("v1");
        // The snapshot itself is untouched (upstream's reversed call would have overwritten it).
        assertThat(fixture.array.content(snapName)).isEqualTo("v1");
        assertThat(fixture.array.findSnapshot(snapName)).isPresent();
    }

    @Test
    void revertKeepsAnExtendedVolumesSize() {
        CinderSnapshot snap = snapshot(source);
        backend.createSnapshot(snap);
        backend.extendVolume(source, 4);
        backend.revertToSnapshot(source, snap);
        assertThat(fixture.array.findVolume(arrayName(source)).orElseThrow().provisionedBytes()).isEqualTo(4 * GIB);
    }
}
