package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A service process killed with kill -9 in the middle of an offload: the snapshot is never listed,
 * a restarted service aborts the dead process's multipart uploads, resumes without sending again
 * what the bucket already holds, and the restore is byte for byte.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OffloadKillTest {
    private static final String BUCKET = "pb-kill";

    @TempDir
    Path dir;

    @Test
    void offloadOfAKilledProcessIsNeverListedAndResumesWithoutResending() throws Exception {
        byte[] image = new byte[48 << 20];
        new Random(21).nextBytes(image);
        Path arrayDir = dir.resolve("primary");
        String snapshot;
        try (SimulatedFlashArray primary = open(arrayDir)) {
            primary.createVolume("vol-a", image.length);
            primary.write("vol-a", 0, image);
            snapshot = primary.createSnapshot("vol-a", "s1").name();
        }
        try (S3ProxyServer s3 = S3ProxyServer.transientStore(false);
             FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint(), 0.0);
             S3Client raw = s3.client()) {
            s3.createBucket(BUCKET);
            killMidOffload(arrayDir, proxy, raw, snapshot);

            int sentBefore = proxy.bytesUp.get();
            List<String> packsLeft = packs(raw);
            // The restarted service's clock is past the dead process's lease.
            ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
            OffloadTarget target = OffloadKillChild.target(proxy.endpoint(), BUCKET);
            try (SimulatedFlashArray primary = open(arrayDir);
                 OffloadService restarted = OffloadService.connect(target, Map.of(), clock)) {
                assertThat(restarted.list()).as("never listed until complete").isEmpty();
                assertThat(raw.listMultipartUploads(r -> r.bucket(BUCKET)).uploads()).as("uploads left behind")
                        .isEmpty();
                String name = restarted.offload(primary, snapshot, 0).name();
                long resent = proxy.bytesUp.get() - sentBefore;
                assertThat(packs(raw)).containsAll(packsLeft);
                assertThat(resent).as("bytes sent again").isLessThan(image.length - (long) packsLeft.size() * (5 << 20));
                restarted.restore(name, primary, "restored");
                assertThat(primary.read("restored", 0, image.length)).isEqualTo(image);
                assertThat(restarted.verify(name).ok()).isTrue();
            }
        }
    }

    /** Starts the child, kills it (SIGKILL) once two packs are in the bucket, and checks it had not finished. */
    private static void killMidOffload(Path arrayDir, FaultyS3Proxy proxy, S3Client raw, String snapshot)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                OffloadKillChild.class.getName(), arrayDir.toString(), proxy.endpoint().toString(), BUCKET, snapshot)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("STARTED");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (packs(raw).size() < 2 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(child.isAlive()).as("the child was still offloading when killed").isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(rest(out)).as("the child never finished").doesNotContain("DONE");
        } finally {
            child.destroyForcibly();
        }
    }

    /** What the child printed before it died (a killed child's stream may be closed already). */
    private static List<String> rest(BufferedReader out) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        } catch (IOException closedByTheKill) {
            // nothing more was printed
        }
        return lines;
    }

    /**
     * The complete packs in the bucket, named by their hash. S3Proxy's store also lists the parts
     * of a multipart upload in flight ({@code <pack>-<upload id>}); those of the killed process
     * are rightly aborted by the restarted one, so they are not counted.
     */
    private static List<String> packs(S3Client raw) {
        return raw.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(BucketLayout.PACKS)).contents().stream()
                .map(o -> o.key()).filter(k -> k.matches(".*/[0-9a-f]{64}")).toList();
    }

    private static SimulatedFlashArray open(Path arrayDir) {
        return new SimulatedFlashArray(SimulatedArrayConfig.of("pure-primary", "t"), arrayDir, Clock.systemUTC());
    }
}
