package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.server.testing.OffloadFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code purebridge-admin offload restore --backend}: the new volume goes to the array a registered
 * Cinder backend writes, here pure-dr reached only over REST (as a real FlashArray is), which
 * restores from its own connection to the bucket. The operator holds only that backend's token.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadRestoreToBackendTest {
    private static final String BACKEND = "puredriver-rest";
    private static final String SNAPSHOT = "pure-primary:vol-a.s1";

    @TempDir
    Path dir;
    private OffloadFixture service;
    private byte[] image;
    private final AdminRun admin = new AdminRun();

    @BeforeEach
    void start() throws Exception {
        service = OffloadFixture.start(dir, "[s3]\nenabled = true\n", true);
        image = service.snapshot("vol-a", "s1", 3, 5);
        service.running.engine().offloadTargets().service("offload-s3").offload(service.primary(), "vol-a.s1", 7);
        service.drBackendOverRest(BACKEND);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** Runs the CLI with a tokens file holding only {@code tokenLines}. */
    private int run(String tokenLines, String... args) throws Exception {
        return admin.run(service.endpoint(), Files.writeString(dir.resolve("tokens"), tokenLines), false, args);
    }

    private String stdout() {
        return admin.stdout();
    }

    private String stderr() {
        return admin.stderr();
    }

    @Test
    void restoresIntoTheArrayOfABackendOverRestWithThatBackendsTokenAlone() throws Exception {
        assertThat(run(BACKEND + " = " + OffloadFixture.DR_TOKEN + "\n", "offload", "restore", "--target",
                "offload-s3", "--snapshot", SNAPSHOT, "--backend", BACKEND, "--volume", "restored", "--wait",
                "--interval", "0.05")).as(stderr()).isZero();
        assertThat(stdout()).contains("restore " + SNAPSHOT + " -> pure-dr:restored").contains("completed");
        assertThat(service.dr().read("restored", 0, image.length)).as("the bytes offloaded from pure-primary")
                .isEqualTo(image);

        assertThat(run(BACKEND + " = " + OffloadFixture.DR_TOKEN + "\n", "offload", "list", "--target",
                "offload-s3")).as("the backend's token opens the other offload commands too").isZero();
        assertThat(stdout()).contains(SNAPSHOT);
    }

    @Test
    void aWrongTokenOrAnUnknownBackendIsRefusedAndNothingIsMade() throws Exception {
        String wrong = "5f0e1d2c-not-the-dr-token";
        assertThat(run(BACKEND + " = " + wrong + "\n", "offload", "restore", "--target", "offload-s3",
                "--snapshot", SNAPSHOT, "--backend", BACKEND, "--volume", "r1")).isEqualTo(1);
        assertThat(stderr()).contains("UNAUTHENTICATED (INVALID_API_TOKEN)").contains(BACKEND)
                .doesNotContain(wrong).doesNotContain(OffloadFixture.DR_TOKEN);

        assertThat(run("puredriver-nowhere = " + OffloadFixture.DR_TOKEN + "\n", "offload", "restore", "--target",
                "offload-s3", "--snapshot", SNAPSHOT, "--backend", "puredriver-nowhere", "--volume", "r2"))
                .isEqualTo(1);
        assertThat(stderr()).contains("BACKEND_NOT_REGISTERED").contains("puredriver-nowhere");

        assertThat(run(BACKEND + " = " + OffloadFixture.DR_TOKEN + "\n", "offload", "restore", "--target",
                "offload-s3", "--snapshot", SNAPSHOT, "--backend", BACKEND, "--array", "pure-dr", "--volume", "r3"))
                .as("one destination only").isNotZero();
        assertThat(stderr()).contains("--backend").contains("--array");

        assertThat(service.dr().findVolume("r1")).isEmpty();
        assertThat(service.dr().findVolume("r2")).isEmpty();
        assertThat(service.dr().findVolume("r3")).isEmpty();
    }
}
