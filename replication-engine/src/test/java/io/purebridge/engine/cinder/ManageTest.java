package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.GIB;
import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.snapshot;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** manage / unmanage of volumes and snapshots, update_provider_info. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ManageTest {
    private final CinderFixture fixture = new CinderFixture();
    private final CinderBackend backend = fixture.backend();

    @Test
    void manageRenamesToTheGeneratedName() {
        // One sector over 5 GiB: a FlashArray size is a multiple of 512 bytes; Cinder rounds up to 6 GiB.
        fixture.array.createVolume("legacy-db", 5 * GIB + 512);
        assertThat(backend.manageExistingGetSize("legacy-db")).isEqualTo(6);
        CinderVolume volume = volume(6);
        VolumeModelUpdate model = backend.manageExisting(volume, "legacy-db");
        assertThat(model.providerId()).isEqualTo(arrayName(volume));
        assertThat(model.replicationStatus()).isEqualTo("disabled");
        assertThat(model.metadata()).containsEntry("array_volume_name", arrayName(volume));
        assertThat(fixture.array.findVolume("legacy-db")).isEmpty();
        // A retry after the rename answers the same.
        assertThat(backend.manageExisting(volume, "legacy-db")).isEqualTo(model);
    }

    @Test
    void manageRefusesConnectedMissingRealmAndEmptyReferences() {
        fixture.array.createVolume("busy", GIB);
        fixture.array.createHost("h", List.of("iqn.x:h"), List.of(), List.of());
        fixture.array.connect("h", "busy");
        assertThat(failure(() -> backend.manageExisting(volume(1), "busy"), ErrorCode.FAILED_PRECONDITION).reason())
                .isEqualTo("VOLUME_CONNECTED");
        failure(() -> backend.manageExisting(volume(1), "nope"), ErrorCode.NOT_FOUND);
        failure(() -> backend.manageExistingGetSize("nope"), ErrorCode.NOT_FOUND);
        failure(() -> backend.manageExisting(volume(1), "realm::pod::vol"), ErrorCode.INVALID_ARGUMENT);
        assertThat(failure(() -> backend.manageExisting(volume(1), " "), ErrorCode.INVALID_ARGUMENT).getMessage())
                .contains("source-name");
        assertThat(fixture.array.findVolume("busy")).isPresent();
    }

    @Test
    void unmanageRenamesWithinTheLengthLimit() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        backend.unmanage(volume);
        assertThat(fixture.array.findVolume(arrayName(volume) + "-unmanaged")).isPresent();
        backend.unmanage(volume);

        String nameId = "0123456789abcdef0123456789abcdef0123456789abcdef";
        CinderVolume longVolume = new CinderVolume("id", nameId, "volume-" + nameId, "", 1, Map.of(), "");
        String longName = backend.createVolume(longVolume).providerId();
        backend.unmanage(longVolume);
        String expected = longName.substring(0, 63 - "-unmanaged".length()) + "-unmanaged";
        assertThat(expected).hasSize(63);
        assertThat(fixture.array.findVolume(expected)).isPresent();
    }

    @Test
    void manageAndUnmanageSnapshots() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        fixture.array.createSnapshot(arrayName(volume), "nightly");
        String ref = arrayName(volume) + ".nightly";
        assertThat(backend.manageExistingSnapshotGetSize(ref)).isEqualTo(1);
        CinderSnapshot snap = snapshot(volume);
        SnapshotModelUpdate model = backend.manageExistingSnapshot(snap, ref);
        assertThat(model.providerId()).isEqualTo(arrayName(volume) + "." + snap.name());
        assertThat(fixture.array.findSnapshot(model.providerId())).isPresent();

        CinderSnapshot managed = new CinderSnapshot(snap.id(), snap.name(), model.providerId(), volume, 1);
        backend.unmanageSnapshot(managed);
        // volume-<uuid>-cinder.snapshot-<uuid> is 96 characters already: the tail makes room.
        assertThat(model.providerId()).hasSize(96);
        String unmanaged = model.providerId().substring(0, 86) + "-unmanaged";
        assertThat(fixture.array.findSnapshot(unmanaged)).isPresent();
        assertThat(fixture.array.findSnapshot(model.providerId())).isEmpty();
        backend.unmanageSnapshot(managed);
    }

    @Test
    void snapshotOfAnotherVolumeCannotBeManagedHere() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        fixture.array.createVolume("other", GIB);
        fixture.array.createSnapshot("other", "s");
        assertThat(failure(() -> backend.manageExistingSnapshot(snapshot(volume), "other.s"),
                ErrorCode.INVALID_ARGUMENT).reason()).isEqualTo("MANAGE_REF_WRONG_VOLUME");
    }

    @Test
    void updateProviderInfoFillsOnlyMissingIds() {
        CinderVolume missing = volume(1);
        CinderVolume known = new CinderVolume("id-2", "id-2", "volume-id-2", "volume-id-2-cinder", 1, Map.of(), "");
        ProviderUpdates updates = backend.updateProviderInfo(List.of(missing, known), List.of());
        assertThat(updates.volumeUpdates()).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(missing.id());
            assertThat(u.providerId()).isEqualTo(arrayName(missing));
            assertThat(u.metadata()).containsEntry("array_name", "pure-primary");
        });
        assertThat(updates.snapshotUpdates()).isEmpty();
    }
}
