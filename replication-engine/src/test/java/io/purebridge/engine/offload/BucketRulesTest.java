package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BucketRulesTest {
    @RegisterExtension
    static final EmbeddedS3 S3 = new EmbeddedS3();

    @Test
    void emptyBucketIsInitialisedThenReconnected() {
        try (OffloadService first = OffloadService.connect(S3.target(), S3.server().env(), Clock.systemUTC())) {
            assertThat(first.connection().initialized()).isTrue();
            // S3Proxy implements neither lifecycle rules nor public access blocks.
            assertThat(first.connection().unverifiedRules()).contains("public access block",
                    "lifecycle rule (abort incomplete multipart uploads)");
        }
        try (S3Client c = S3.server().client()) {
            assertThat(c.getObjectAsBytes(r -> r.bucket(S3.bucket()).key(BucketLayout.FORMAT_KEY)).asUtf8String())
                    .contains("purebridge-offload");
            // Initialising turned on default encryption (the transient store supports it).
            assertThat(c.getBucketEncryption(r -> r.bucket(S3.bucket())).serverSideEncryptionConfiguration().rules())
                    .isNotEmpty();
        }
        try (OffloadService again = OffloadService.connect(S3.target(), S3.server().env(), Clock.systemUTC())) {
            assertThat(again.connection().initialized()).isFalse();
        }
    }

    @Test
    void unverifiableRulesAreRefusedUnlessAccepted() {
        OffloadTarget strict = S3.target().withAcceptUnverified(false);
        assertThatThrownBy(() -> OffloadService.connect(strict, S3.server().env(), Clock.systemUTC()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo("OFFLOAD_BUCKET_UNVERIFIED"))
                .hasMessageContaining("HTTP 501")
                .hasMessageContaining("accept_unverified_bucket_rules = true");
        try (S3Client c = S3.server().client()) {
            // Refused means untouched: no marker was written.
            assertThat(c.listObjectsV2(r -> r.bucket(S3.bucket())).contents()).isEmpty();
        }
    }

    @Test
    void foreignBucketIsRefusedWithTheReason() {
        try (S3Client c = S3.server().client()) {
            c.putObject(r -> r.bucket(S3.bucket()).key("photos/cat.jpg"), RequestBody.fromString("meow"));
        }
        assertThatThrownBy(() -> OffloadService.connect(S3.target(), S3.server().env(), Clock.systemUTC()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo("OFFLOAD_BUCKET_NOT_EMPTY"))
                .hasMessageContaining("photos/cat.jpg");
    }

    @Test
    void versionedBucketIsRefused() {
        try (S3Client c = S3.server().client()) {
            c.putBucketVersioning(r -> r.bucket(S3.bucket()).versioningConfiguration(v -> v.status("Enabled")));
        }
        assertThatThrownBy(() -> OffloadService.connect(S3.target(), S3.server().env(), Clock.systemUTC()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo("OFFLOAD_BUCKET_VERSIONED"));
    }

    @Test
    void missingBucketIsNamed() {
        OffloadTarget t = S3.target().withBucket("no-such-bucket");
        assertThatThrownBy(() -> OffloadService.connect(t, S3.server().env(), Clock.systemUTC()))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("bucket no-such-bucket")
                .hasMessageContaining("check that the bucket exists");
    }

    @Test
    void encryptionKeyMustMatchTheBucket(@TempDir Path dir) throws Exception {
        Path k1 = dir.resolve("k1");
        Path k2 = dir.resolve("k2");
        Files.writeString(k1, Base64.getEncoder().encodeToString(new byte[32]));
        byte[] other = new byte[32];
        other[0] = 1;
        Files.writeString(k2, Base64.getEncoder().encodeToString(other));
        OffloadTarget t = withKey(S3.target(), "file:" + k1);
        try (OffloadService s = OffloadService.connect(t, S3.server().env(), Clock.systemUTC())) {
            assertThat(s.connection().initialized()).isTrue();
        }
        assertThatThrownBy(() -> OffloadService.connect(withKey(S3.target(), "file:" + k2), S3.server().env(),
                Clock.systemUTC())).isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.reason()).isEqualTo("OFFLOAD_KEY_MISMATCH"));
        assertThatThrownBy(() -> OffloadService.connect(S3.target(), S3.server().env(), Clock.systemUTC()))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.reason()).isEqualTo("OFFLOAD_KEY_REQUIRED"));
    }

    @Test
    void configIsValidatedFieldByFieldAndNeverEchoesSecrets() {
        Map<String, String> section = new HashMap<>();
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section)).hasMessageContaining("bucket");
        section.put("bucket", "Bad_Bucket");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section)).hasMessageContaining("Bad_Bucket");
        section.put("bucket", "pb-ok");
        section.put("access_key_id", "AKIAREALLOOKINGKEY00");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section))
                .hasMessageContaining("access_key_id must be a reference")
                .hasMessageNotContaining("AKIAREALLOOKINGKEY00");
        section.put("access_key_id", "env:A");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section))
                .hasMessageContaining("secret_access_key");
        section.put("secret_access_key", "file:/etc/pb/secret");
        section.put("placement", "glacier");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section)).hasMessageContaining("placement");
        section.put("placement", "retention-based");
        section.put("concurrency", "-2");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload-s3", section)).hasMessageContaining("concurrency");
        section.remove("concurrency");
        OffloadTarget t = OffloadTarget.fromConfig("offload-s3", section);
        assertThat(t.toString()).contains("env:A").contains("file:/etc/pb/secret");
        assertThatThrownBy(() -> OffloadTarget.fromConfig("offload s3!", section)).hasMessageContaining("1-56");
        assertThat(Placement.RETENTION_BASED.storageClass(31, 30)).isEqualTo("STANDARD_IA");
        assertThat(Placement.RETENTION_BASED.storageClass(30, 30)).isEqualTo("STANDARD");
        assertThat(Placement.AWS_INTELLIGENT_TIERING.storageClass(1, 30)).isEqualTo("INTELLIGENT_TIERING");
    }

    static OffloadTarget withKey(OffloadTarget t, String ref) {
        return new OffloadTarget(t.name(), t.bucket(), t.endpoint(), t.region(), t.accessKeyId(), t.secretAccessKey(),
                SecretRef.parse("encryption_key", ref), t.placement(), t.acceptUnverified(), t.tuning());
    }
}
