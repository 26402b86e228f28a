package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.snapshot;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static io.purebridge.engine.cinder.CinderFixture.withSize;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every create is idempotent by name; deletes of missing objects succeed. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IdempotencyTest {
    private final CinderFixture fixture = new CinderFixture();
    private final CinderBackend backend = fixture.backend();

    @Test
    void sameCreateTwiceReturnsTheSameVolume() {
        CinderVolume volume = volume(2);
        VolumeModelUpdate first = backend.createVolume(volume);
        VolumeModelUpdate second = backend.createVolume(volume);
        assertThat(second).isEqualTo(first);
        assertThat(fixture.array.listVolumes()).hasSize(1);
    }

    @Test
    void differentSizeUnderTheSameNameIsAlreadyExists() {
        CinderVolume volume = volume(2);
        backend.createVolume(volume);
        var error = failure(() -> backend.createVolume(withSize(volume, 3)), ErrorCode.ALREADY_EXISTS);
        assertThat(error.getMessage()).contains(arrayName(volume));
    }

    @Test
    void destroyedVolumeUnderTheNameAsksTheOperatorToEradicate() {
        CinderVolume volume = volume(2);
        backend.createVolume(volume);
        backend.deleteVolume(volume);
        var error = failure(() -> backend.createVolume(volume), ErrorCode.FAILED_PRECONDITION);
        assertThat(error.reason()).isEqualTo("VOLUME_DESTROYED");
        assertThat(error.getMessage()).contains("eradicate");
    }

    @Test
    void raceOnCreateIsAnsweredWithTheExistingVolume() {
        CinderVolume volume = volume(2);
        // Another replica created it between our lookup and our create.
        fixture.array.beforeNext("createVolume",
                () -> fixture.array.createVolume(arrayName(volume), 2 * CinderFixture.GIB));
        assertThat(backend.createVolume(volume).providerId()).isEqualTo(arrayName(volume));
    }

    @Test
    void snapshotCloneAndFromSnapshotAreIdempotent() {
        CinderVolume source = volume(1);
        backend.createVolume(source);
        CinderSnapshot snap = snapshot(source);
        assertThat(backend.createSnapshot(snap)).isEqualTo(backend.createSnapshot(snap));
        CinderVolume fromSnap = volume(2);
        assertThat(backend.createVolumeFromSnapshot(fromSnap, snap))
                .isEqualTo(backend.createVolumeFromSnapshot(fromSnap, snap));
        CinderVolume clone = volume(1);
        assertThat(backend.createClonedVolume(clone, source)).isEqualTo(backend.createClonedVolume(clone, source));
        // The same name asked to hold a copy of something else is another request.
        failure(() -> backend.createClonedVolume(fromSnap, source), ErrorCode.ALREADY_EXISTS);
        failure(() -> backend.createVolume(clone), ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void halfDoneCopyIsFinishedByTheRetry() {
        CinderVolume source = volume(1);
        backend.createVolume(source);
        CinderVolume clone = volume(4);
        fixture.array.failNext("resizeVolume", EngineException.unavailable("ARRAY_UNAVAILABLE", "down"));
        failure(() -> backend.createClonedVolume(clone, source), ErrorCode.UNAVAILABLE);
        backend.createClonedVolume(clone, source);
        assertThat(fixture.array.findVolume(arrayName(clone)).orElseThrow().provisionedBytes())
                .isEqualTo(4 * CinderFixture.GIB);
    }

    @Test
    void deletesOfMissingObjectsSucceed() {
        CinderVolume volume = volume(1);
        backend.deleteVolume(volume);
        backend.deleteSnapshot(snapshot(volume));
        assertThat(fixture.array.listVolumes()).isEmpty();
        assertThat(fixture.array.listSnapshots(null)).isEmpty();
    }
}
