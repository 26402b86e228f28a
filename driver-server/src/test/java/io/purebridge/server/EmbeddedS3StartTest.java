package io.purebridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import io.purebridge.server.testing.OffloadFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * [s3] enabled: the service starts the embedded S3 server, defines target offload-s3 on it with a
 * bucket it creates, keeps the generated credentials 0600 under the data dir, and after a restart
 * reconnects the same bucket (what was offloaded before is listed and restorable).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedS3StartTest {
    @TempDir
    Path dir;

    @Test
    void startDefinesTheTargetAndARestartReconnectsTheSameBucket() throws Exception {
        Path s3 = dir.resolve("data/s3");
        String firstSecret;
        byte[] image;
        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\nbucket = pb-offload\n")) {
            OffloadTargets targets = service.running.engine().offloadTargets();
            assertThat(targets.names()).containsExactly("offload-s3");
            OffloadTarget t = targets.target("offload-s3");
            assertThat(t.bucket()).isEqualTo("pb-offload");
            assertThat(t.endpoint().toString()).startsWith("http://127.0.0.1:");
            OffloadTargets.TargetStatus status = targets.status("offload-s3");
            assertThat(status.connected()).as(status.error()).isTrue();
            assertThat(status.connection().initialized()).isTrue();

            for (String f : List.of("access_key_id", "secret_access_key", "credentials")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s3.resolve(f)))).as(f)
                        .isEqualTo("rw-------");
            }
            firstSecret = Files.readString(s3.resolve("secret_access_key")).strip();
            assertThat(firstSecret).hasSize(40);
            assertThat(Files.readString(s3.resolve("credentials"))).contains("aws_secret_access_key = " + firstSecret);

            List<String> lines = OffloadLines.of(service.running.engine());
            assertThat(lines).containsExactly("purebridge offload target offload-s3: s3://pb-offload at "
                    + t.endpoint() + " (credentials in " + s3.resolve("credentials") + ")");

            image = service.snapshot("vol-a", "s1", 3, 7);
            targets.service("offload-s3").offload(service.primary(), "vol-a.s1", 0);
        }

        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\nbucket = pb-offload\n")) {
            assertThat(Files.readString(s3.resolve("secret_access_key")).strip()).isEqualTo(firstSecret);
            OffloadTargets targets = service.running.engine().offloadTargets();
            OffloadTargets.TargetStatus status = targets.status("offload-s3");
            assertThat(status.connected()).as(status.error()).isTrue();
            assertThat(status.connection().initialized()).as("reconnected, not initialised").isFalse();
            OffloadService s = targets.service("offload-s3");
            assertThat(s.list()).extracting(OffloadedSnapshot::name).containsExactly("pure-primary:vol-a.s1");
            s.restore("pure-primary:vol-a.s1", service.dr(), "back");
            assertThat(service.dr().read("back", 0, image.length)).isEqualTo(image);
        }
    }

    @Test
    void configuredTargetsTakePrecedenceAndTheServerIsStillAnnounced() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, "[s3]\nenabled = true\n\n[offload.elsewhere]\n"
                + "bucket = other-bucket\nendpoint = http://127.0.0.1:9\n")) {
            assertThat(service.running.engine().offloadTargets().names()).containsExactly("elsewhere");
            List<String> lines = OffloadLines.of(service.running.engine());
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("purebridge offload target elsewhere: s3://other-bucket at"
                    + " http://127.0.0.1:9");
            assertThat(lines.get(1)).startsWith("purebridge S3 server at http://127.0.0.1:")
                    .contains("not an offload target");
        }
    }
}
