package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.server.testing.OffloadFixture;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code purebridge-admin offload ...} against a real running service whose [s3] section starts the
 * embedded S3 server (target offload-s3): offload a snapshot of one simulated array, list it,
 * follow the job, restore it to the other array byte for byte, verify it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadCommandsTest {
    private static final Pattern JOB = Pattern.compile("job ([0-9a-f-]{36}): ");

    @TempDir
    Path dir;
    private OffloadFixture service;
    private final AdminRun admin = new AdminRun();

    @BeforeEach
    void start() throws Exception {
        service = OffloadFixture.start(dir, "[s3]\nenabled = true\n");
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private int run(boolean terminal, String... args) {
        return admin.run(service.endpoint(), service.config, terminal, args);
    }

    private String stdout() {
        return admin.stdout();
    }

    private String stderr() {
        return admin.stderr();
    }

    @Test
    void offloadListStatusRestoreVerify() {
        byte[] image = service.snapshot("vol-a", "s1", 6, 1);

        assertThat(run(false, "offload", "list")).isZero();
        assertThat(stdout()).contains("offload-s3").contains("purebridge-offload").contains("connected (format 1");

        assertThat(run(true, "offload", "start", "--target", "offload-s3", "--array", "pure-primary",
                "--snapshot", "vol-a.s1", "--retention-days", "7", "--wait", "--interval", "0.05")).as(stderr())
                .isZero();
        assertThat(stdout()).contains("offload pure-primary:vol-a.s1 on offload-s3: completed")
                .contains("-> pure-primary:vol-a.s1");
        assertThat(stderr()).as("the progress bar").contains("100%").contains("MiB/s");
        Matcher m = JOB.matcher(stdout());
        assertThat(m.find()).isTrue();
        String job = m.group(1);

        assertThat(run(false, "offload", "list", "--target", "offload-s3")).isZero();
        assertThat(stdout()).contains("pure-primary:vol-a.s1").contains(String.valueOf(image.length));

        assertThat(run(false, "offload", "status", job)).isZero();
        assertThat(stdout()).contains("completed").contains(image.length + "/" + image.length + " bytes (100%)");
        assertThat(run(false, "offload", "status", job, "--json")).isZero();
        assertThat(stdout()).contains("\"state\":\"completed\"").contains("\"total_bytes\":" + image.length)
                .contains("\"done_bytes\":" + image.length);
        assertThat(run(false, "offload", "status")).isZero();
        assertThat(stdout()).contains(job);

        assertThat(run(false, "offload", "restore", "--target", "offload-s3", "--snapshot", "pure-primary:vol-a.s1",
                "--array", "pure-dr", "--volume", "restored", "--wait", "--interval", "0.05")).as(stderr()).isZero();
        assertThat(stdout()).contains("restore pure-primary:vol-a.s1 -> pure-dr:restored").contains("completed");
        assertThat(service.dr().read("restored", 0, image.length)).isEqualTo(image);

        assertThat(run(false, "offload", "verify", "--target", "offload-s3", "--snapshot", "pure-primary:vol-a.s1",
                "--wait", "--json")).isZero();
        assertThat(stdout()).contains("\"kind\":\"verify\"").contains("\"result\":\"intact\"")
                .contains("\"problems\":[]");
    }

    @Test
    void startReturnsAJobAtOnceAndStatusWatchFollowsIt() {
        service.snapshot("vol-b", "s1", 4, 2);
        assertThat(run(false, "offload", "start", "--target", "offload-s3", "--array", "pure-primary",
                "--snapshot", "vol-b.s1")).isZero();
        Matcher m = JOB.matcher(stdout());
        assertThat(m.find()).as(stdout()).isTrue();
        assertThat(run(true, "offload", "status", m.group(1), "--watch", "--interval", "0.05")).isZero();
        assertThat(stdout()).contains("completed");
    }

    @Test
    void errorsAreOneLineWithTheReason() {
        assertThat(run(false, "offload", "start", "--target", "nowhere", "--array", "pure-primary",
                "--snapshot", "x")).isEqualTo(1);
        assertThat(stderr()).contains("NOT_FOUND (OFFLOAD_TARGET_NOT_FOUND)").contains("offload-s3");
        assertThat(run(false, "offload", "start", "--target", "offload-s3", "--array", "pure-primary",
                "--snapshot", "missing.s1")).isEqualTo(1);
        assertThat(stderr()).contains("NOT_FOUND (SNAPSHOT_NOT_FOUND)");
        assertThat(run(false, "offload", "restore", "--target", "offload-s3", "--snapshot", "no-colon",
                "--array", "pure-dr", "--volume", "v")).isEqualTo(1);
        assertThat(stderr()).contains("INVALID_ARGUMENT (OFFLOADED_SNAPSHOT_NAME_INVALID)");
        assertThat(run(false, "offload", "status", "00000000-0000-0000-0000-000000000000")).isEqualTo(1);
        assertThat(stderr()).contains("OFFLOAD_JOB_NOT_FOUND");
        assertThat(stderr().lines()).hasSize(1);
    }
}
