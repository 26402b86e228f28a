package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class S3BucketTest {
    @RegisterExtension
    static final EmbeddedS3 S3 = new EmbeddedS3();

    @Test
    void putGetListDeleteRoundTrip() {
        try (S3Bucket b = new S3Bucket(S3.target(), S3.server().env())) {
            b.put("a/one", new byte[] {1, 2, 3}, "STANDARD");
            assertThat(b.get("a/one")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
            assertThat(b.get("a/missing")).isEmpty();
            assertThat(b.exists("a/one")).isTrue();
            assertThat(b.exists("a/missing")).isFalse();
            assertThat(b.list("a/")).extracting(o -> o.key()).containsExactly("a/one");
            b.delete(java.util.List.of("a/one"));
            assertThat(b.list("a/")).isEmpty();
        }
    }

    @Test
    void largeObjectGoesMultipartWithPartsOfAtLeastSizeOverTenThousand() {
        byte[] data = new byte[12 << 20];
        new Random(7).nextBytes(data);
        try (S3Bucket b = new S3Bucket(S3.target(), S3.server().env())) {
            b.upload("big", new ByteArrayInputStream(data), data.length, "STANDARD");
            assertThat(b.get("big")).hasValueSatisfying(v -> assertThat(v).isEqualTo(data));
            try (S3Client c = S3.server().client()) {
                // A multipart object's ETag ends in -<parts>: 12 MiB in 5 MiB parts is 3 parts.
                String etag = c.headObject(r -> r.bucket(S3.bucket()).key("big")).eTag();
                assertThat(etag).contains("-3");
            }
        }
        OffloadTuning t = OffloadTuning.defaults();
        assertThat(t.partSizeFor(1L << 40)).isGreaterThanOrEqualTo((1L << 40) / 10_000);
        assertThat(t.partSizeFor(1L << 20)).isEqualTo(t.partBytes());
    }

    @Test
    void failedStreamAbortsTheUploadSoNothingIsLeftBehind() {
        byte[] part = new byte[6 << 20];
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(part), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("source vanished");
            }
        });
        try (S3Bucket b = new S3Bucket(S3.target(), S3.server().env())) {
            assertThatThrownBy(() -> b.upload("broken", failing, 20 << 20, "STANDARD"))
                    .isInstanceOf(EngineException.class);
            try (S3Client c = S3.server().client()) {
                assertThat(c.listMultipartUploads(r -> r.bucket(S3.bucket())).uploads()).isEmpty();
            }
            assertThat(b.exists("broken")).isFalse();
        }
    }

    @Test
    void staleUploadsAreAborted() {
        try (S3Client c = S3.server().client(); S3Bucket b = new S3Bucket(S3.target(), S3.server().env())) {
            c.createMultipartUpload(r -> r.bucket(S3.bucket()).key("chunks/left/over"));
            assertThat(b.abortUploads("", Instant.now().plusSeconds(60))).isEqualTo(1);
            assertThat(c.listMultipartUploads(r -> r.bucket(S3.bucket())).uploads()).isEmpty();
        }
    }

    @Test
    void wrongCredentialsAreNamedWithoutTheSecret() {
        var env = java.util.Map.of("PB_TEST_ACCESS", S3ProxyServer.ACCESS, "PB_TEST_SECRET", "wrong-secret-value-42");
        try (S3Bucket b = new S3Bucket(S3.target(), env)) {
            assertThatThrownBy(() -> b.put("x", new byte[1], "STANDARD"))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("offload target offload-s3")
                    .hasMessageContaining("HTTP 403")
                    .hasMessageNotContaining("wrong-secret-value-42");
        }
    }
}
