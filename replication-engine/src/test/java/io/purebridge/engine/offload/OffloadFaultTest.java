package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Offload and restore through a network that fails 10% of requests, and through one that dies. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OffloadFaultTest {
    @TempDir
    Path dir;
    S3ProxyServer s3;
    SimulatedFlashArray primary;
    SimulatedFlashArray dr;

    @BeforeEach
    void setUp() throws Exception {
        s3 = S3ProxyServer.transientStore(false);
        s3.createBucket("pb-faults");
        primary = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-primary", "t"), dir.resolve("p"),
                Clock.systemUTC());
        dr = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-dr", "t"), dir.resolve("d"), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        primary.close();
        dr.close();
        s3.close();
    }

    /** Packs of 6 MiB in 5 MiB parts: every pack is a multipart upload, so faults hit parts too. */
    OffloadTarget through(FaultyS3Proxy proxy) {
        OffloadTarget t = s3.target("pb-faults").withEndpoint(proxy.endpoint());
        return t.withTuning(t.tuning().withPack(6 << 20, 5 << 20).withTimes(60_000, 3_600_000));
    }

    /** One part in flight and at most {@code attempts} tries per request. */
    static OffloadTarget withAttempts(OffloadTarget t, int attempts) {
        return t.withTuning(new OffloadTuning(t.tuning().packBytes(), t.tuning().partBytes(), 1,
                t.tuning().iaThresholdDays(), t.tuning().leaseMillis(), t.tuning().graceMillis(), attempts));
    }

    String snapshot(byte[] image) {
        primary.createVolume("vol-a", image.length);
        primary.write("vol-a", 0, image);
        return primary.createSnapshot("vol-a", "s1").name();
    }

    static byte[] bigImage() {
        byte[] img = new byte[24 << 20];
        new java.util.Random(9).nextBytes(img);
        return img;
    }

    @Test
    void offloadAndRestoreCompleteThroughTenPercentFaults() throws Exception {
        byte[] image = bigImage();
        String snap = snapshot(image);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint(), 0.10);
             OffloadService s = OffloadService.connect(through(proxy), Map.of(), Clock.systemUTC())) {
            String name = s.offload(primary, snap, 0).name();
            s.restore(name, dr, "restored");
            assertThat(dr.read("restored", 0, image.length)).isEqualTo(image);
            assertThat(s.verify(name).ok()).isTrue();
            assertThat(proxy.faults.get()).as("faults injected").isGreaterThan(2);
        }
        try (S3Client c = s3.client()) {
            assertThat(c.listMultipartUploads(r -> r.bucket("pb-faults")).uploads()).isEmpty();
        }
    }

    /**
     * The store acted but its answer was cut short, which the SDK reports as a parse failure:
     * starting an upload is retried; an upload whose every COMPLETE answer was lost is checked
     * against the object the store now holds.
     */
    @Test
    void answersCutShortAfterTheStoreActedDoNotFailAnUpload() throws Exception {
        byte[] data = new byte[12 << 20];
        new java.util.Random(3).nextBytes(data);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint(), 0.0);
             S3Bucket bucket = new S3Bucket(withAttempts(through(proxy), 3), Map.of())) {
            proxy.cutAnswers("POST", "uploads", 1);
            bucket.upload("cut/create", new java.io.ByteArrayInputStream(data), data.length, "STANDARD");
            assertThat(proxy.faults.get()).as("answers cut").isEqualTo(1);
            proxy.cutAnswers("POST", "uploadId=", Integer.MAX_VALUE);
            bucket.upload("cut/complete", new java.io.ByteArrayInputStream(data), data.length, "STANDARD");
            assertThat(proxy.faults.get()).as("answers cut").isGreaterThan(2);
            assertThat(bucket.get("cut/create")).hasValueSatisfying(v -> assertThat(v).isEqualTo(data));
            assertThat(bucket.get("cut/complete")).hasValueSatisfying(v -> assertThat(v).isEqualTo(data));
        }
    }

    @Test
    void offloadKilledByADeadNetworkIsNeverListedAndResumesWithoutResending() throws Exception {
        byte[] image = bigImage();
        String snap = snapshot(image);
        ManualClock clock = new ManualClock(Instant.now());
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint(), 0.0)) {
            OffloadTarget t = through(proxy);
            t = withAttempts(t, 2);
            OffloadService first = OffloadService.connect(t, Map.of(), clock);
            // The network dies once two packs are in: the service is as good as killed.
            Thread killer = new Thread(() -> {
                while (first.bucket().list(BucketLayout.PACKS).size() < 2) {
                    Thread.onSpinWait();
                }
                proxy.down(true);
            });
            killer.start();
            assertThatThrownBy(() -> first.offload(primary, snap, 0)).isInstanceOf(EngineException.class);
            killer.join();
            first.close();
            proxy.down(false);

            int sentBefore = proxy.bytesUp.get();
            // A new service (a restarted process) sees no snapshot: the manifest was never written.
            clock.advance(Duration.ofMinutes(2)); // the dead process's lease and uploads are stale now
            try (OffloadService second = OffloadService.connect(t, Map.of(), clock)) {
                assertThat(second.list()).isEmpty();
                int packsLeft = second.bucket().list(BucketLayout.PACKS).size();
                assertThat(packsLeft).isGreaterThanOrEqualTo(2);
                try (S3Client c = s3.client()) {
                    assertThat(c.listMultipartUploads(r -> r.bucket("pb-faults")).uploads()).isEmpty();
                }
                String name = second.offload(primary, snap, 0).name();
                long resent = proxy.bytesUp.get() - sentBefore;
                // Only what was missing crossed the network again.
                assertThat(resent).isLessThan(image.length - (long) packsLeft * (5 << 20));
                second.restore(name, dr, "resumed");
                assertThat(dr.read("resumed", 0, image.length)).isEqualTo(image);
            }
            try (S3Client c = s3.client()) {
                assertThat(c.listMultipartUploads(r -> r.bucket("pb-faults")).uploads()).isEmpty();
            }
        }
    }
}
