package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.S3ProxyServer;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.testing.OffloadFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore of an offloaded snapshot into an array the service reaches only over REST (the path a
 * real FlashArray takes): the service sends no data; the array, connected to the same offload
 * target, restores from the bucket itself and checks every block against the manifest. Here the
 * array is pure-dr behind the service's REST front end, with the embedded S3 server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadRestoreOverRestTest {
    private static final String SNAPSHOT = "pure-primary:vol-a.s1";

    @TempDir
    Path dir;

    @Test
    void anArrayOverRestRestoresAnOffloadedSnapshotFromTheBucketItself() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\n", true)) {
            byte[] image = service.snapshot("vol-a", "s1", 3, 7);
            OffloadService offload = service.running.engine().offloadTargets().service("offload-s3");
            offload.offload(service.primary(), "vol-a.s1", 7);

            try (RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
                VolumeRecord restored = offload.restore(SNAPSHOT, dr, "restored");
                assertThat(restored.name()).isEqualTo("restored");
                assertThat(restored.provisionedBytes()).isEqualTo(image.length);
                SimulatedFlashArray behindRest = service.dr();
                assertThat(behindRest.read("restored", 0, image.length)).as("the bytes offloaded from pure-primary")
                        .isEqualTo(image);

                VolumeRecord again = offload.restore(SNAPSHOT, dr, "restored");
                assertThat(again.provisionedBytes()).as("the same restore again finds its volume")
                        .isEqualTo(image.length);
                assertThat(behindRest.listVolumes()).filteredOn(v -> v.name().equals("restored")).hasSize(1);
            }
        }
    }

    @Test
    void cinderCreatesAVolumeFromAnOffloadedSnapshotOnABackendOverRest() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\n", true)) {
            byte[] image = service.snapshot("vol-a", "s1", 2, 11);
            service.running.engine().offloadTargets().service("offload-s3").offload(service.primary(), "vol-a.s1", 7);
            CinderBackend backend = service.drBackendOverRest("puredriver-rest");
            String id = UUID.randomUUID().toString();
            CinderVolume volume = new CinderVolume(id, id, "volume-" + id, "", 1, Map.of(), "", null, null,
                    Map.of("purebridge:restore_from", SNAPSHOT, "purebridge:restore_target", "offload-s3"));

            backend.createVolume(volume);

            SimulatedFlashArray behindRest = service.dr();
            VolumeRecord made = behindRest.listVolumes().stream().filter(v -> v.name().contains(id)).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume for " + id + " on pure-dr"));
            assertThat(made.provisionedBytes()).as("grown to the volume's 1 GiB").isEqualTo(1L << 30);
            assertThat(behindRest.read(made.name(), 0, image.length)).isEqualTo(image);
            assertThat(behindRest.read(made.name(), image.length, 4096)).as("zeros past the snapshot")
                    .containsOnly(0);
        }
    }

    @Test
    void refusalsNameWhatIsMissingAndLeaveNothingBehind() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\n", true)) {
            service.snapshot("vol-a", "s1", 1, 9);
            OffloadService offload = service.running.engine().offloadTargets().service("offload-s3");
            offload.offload(service.primary(), "vol-a.s1", 7);
            SimulatedFlashArray behindRest = service.dr();
            behindRest.createVolume("taken", OffloadFixture.MIB);
            behindRest.write("taken", 0, new byte[] {42});

            try (RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
                assertThatThrownBy(() -> dr.restoreOffloaded("offload-elsewhere", SNAPSHOT, "r1", OffloadFixture.MIB))
                        .isInstanceOfSatisfying(EngineException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                            assertThat(e.reason()).isEqualTo("OFFLOAD_TARGET_NOT_CONNECTED");
                            assertThat(e.getMessage()).contains("offload-elsewhere");
                        });
                assertThatThrownBy(() -> dr.restoreOffloaded("offload-s3", "pure-primary:vol-a.s9", "r2",
                        OffloadFixture.MIB)).isInstanceOfSatisfying(EngineException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                            assertThat(e.getMessage()).contains("pure-primary:vol-a.s9", "offload-s3");
                        });
                assertThatThrownBy(() -> offload.restore(SNAPSHOT, dr, "taken"))
                        .isInstanceOfSatisfying(EngineException.class, e ->
                                assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
                assertThat(behindRest.read("taken", 0, 1)).as("the volume under the name is untouched")
                        .containsExactly(42);
                assertThatThrownBy(() -> dr.copyVolume(SNAPSHOT, "taken", true))
                        .as("overwrite cannot restore").isInstanceOfSatisfying(EngineException.class, e ->
                                assertThat(e.getMessage()).contains("overwrite", SNAPSHOT));
            }
            assertThat(behindRest.findVolume("r1")).isEmpty();
            assertThat(behindRest.findVolume("r2")).isEmpty();
        }
    }

    /**
     * The array's administrator connected it to the bucket under another name than the service's
     * section ({@code array_target_name}): the service asks the array by the array's name, and both
     * the array's listings and Cinder's restore work under it.
     */
    @Test
    void anArrayThatKnowsTheBucketUnderAnotherNameRestoresFromIt() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.transientStore(true)) {
            s3.createBucket("pb-renamed");
            try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"),
                    OffloadFixture.targetSection(dir, s3, "pb-renamed", "cloud-1"), true)) {
                byte[] image = service.snapshot("vol-a", "s1", 2, 5);
                OffloadService offload = service.running.engine().offloadTargets().service("offload-s3");
                offload.offload(service.primary(), "vol-a.s1", 7);

                try (RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
                    assertThatThrownBy(() -> dr.restoreOffloaded("offload-s3", SNAPSHOT, "r1", OffloadFixture.MIB))
                            .as("the array does not know the service's name for the bucket")
                            .isInstanceOfSatisfying(EngineException.class, e ->
                                    assertThat(e.getMessage()).contains("array_target_name"));
                    VolumeRecord restored = offload.restore(SNAPSHOT, dr, "restored");
                    assertThat(restored.provisionedBytes()).isEqualTo(image.length);
                }
                assertThat(service.dr().read("restored", 0, image.length)).isEqualTo(image);
                assertThat(service.dr().findVolume("r1")).isEmpty();
            }
        }
    }
}
