package io.purebridge.engine.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The third-copy case: snapshots offloaded (client-side encrypted) by one service to one S3
 * server, the bucket replicated to a second server, and a fresh service that knows only the
 * replica's name and credentials lists and restores them into a fresh array. Along the way it
 * searches everything the product wrote (logs, errors, job status, every byte in the bucket) for
 * the credentials and the encryption key.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DisasterRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void freshServiceRestoresFromAReplicaKnowingOnlyTheBucketAndItsCredentials() throws Exception {
        byte[] rawKey = new byte[32];
        new Random(11).nextBytes(rawKey);
        String keyText = Base64.getEncoder().encodeToString(rawKey);
        Path keyFile = dir.resolve("offload.key");
        Files.writeString(keyFile, keyText);
        byte[] image = OffloadSuite.volumeImage(21);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        List<String> messages = new ArrayList<>();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (S3ProxyServer site = S3ProxyServer.transientStore(true);
             S3ProxyServer replica = S3ProxyServer.filesystemStore(dir.resolve("replica-store"), true)) {
            site.createBucket("pb-site");
            replica.createBucket("pb-replica");
            Map<String, String> env = new HashMap<>(site.env());
            OffloadTarget siteTarget = BucketRulesTest.withKey(site.target("pb-site"), "file:" + keyFile);
            String name;
            try (SimulatedFlashArray primary = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-primary", "t"),
                    dir.resolve("p"), Clock.systemUTC());
                 OffloadService s = OffloadService.connect(siteTarget, env, Clock.systemUTC())) {
                primary.createVolume("vol-a", image.length);
                primary.write("vol-a", 0, image);
                String snap = primary.createSnapshot("vol-a", "dr1").name();
                name = s.offload(primary, snap, 0).name();
                // Errors on the way are part of what must stay clean.
                try {
                    s.restore("pure-primary:nope", primary, "x");
                } catch (RuntimeException e) {
                    messages.add(e.getMessage());
                }
                s.jobs().forEach(j -> messages.add(j.job() + " " + j.error()));
            }
            // Wrong secret: the 403 must not echo either secret.
            Map<String, String> badEnv = Map.of("PB_TEST_ACCESS", S3ProxyServer.ACCESS, "PB_TEST_SECRET",
                    "not-the-secret-but-secret-looking-000000");
            try {
                OffloadService.connect(siteTarget, badEnv, Clock.systemUTC()).close();
            } catch (RuntimeException e) {
                messages.add(e.getMessage());
            }
            replicate(site, "pb-site", replica, "pb-replica");

            OffloadTarget drTarget = BucketRulesTest.withKey(replica.target("pb-replica"), "file:" + keyFile);
            try (SimulatedFlashArray fresh = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-cloud", "t"),
                    dir.resolve("fresh"), Clock.systemUTC());
                 OffloadService s = OffloadService.connect(drTarget, replica.env(), Clock.systemUTC())) {
                assertThat(s.connection().initialized()).isFalse();
                assertThat(s.list()).extracting(OffloadedSnapshot::name).containsExactly(name);
                s.restore(name, fresh, "recovered");
                assertThat(fresh.read("recovered", 0, image.length)).isEqualTo(image);
                assertThat(s.verify(name).ok()).isTrue();
            }
            // Without the key the replica is refused with the reason, not misread.
            assertThatThrownBy(() -> OffloadService.connect(replica.target("pb-replica"), replica.env(),
                    Clock.systemUTC())).hasMessageContaining("encryption_key");

            List<byte[]> objects = new ArrayList<>();
            try (S3Client c = replica.client()) {
                for (S3Object o : c.listObjectsV2Paginator(r -> r.bucket("pb-replica")).contents()) {
                    objects.add(c.getObjectAsBytes(r -> r.bucket("pb-replica").key(o.key())).asByteArray());
                }
            }
            assertThat(objects).isNotEmpty();
            String logText = log.toString(StandardCharsets.UTF_8);
            assertThat(logText).contains("HTTP 501"); // the unverified rules were reported
            for (String secret : List.of(S3ProxyServer.ACCESS, S3ProxyServer.SECRET, keyText,
                    "not-the-secret-but-secret-looking-000000")) {
                assertThat(logText).doesNotContain(secret);
                assertThat(messages).noneMatch(m -> m != null && m.contains(secret));
                byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
                assertThat(objects).noneMatch(o -> indexOf(o, needle) >= 0);
            }
            assertThat(objects).noneMatch(o -> indexOf(o, rawKey) >= 0);
            // The plaintext is not in the bucket either (client-side encryption).
            byte[] sample = java.util.Arrays.copyOfRange(image, 6 << 20, (6 << 20) + 64);
            assertThat(objects).noneMatch(o -> indexOf(o, sample) >= 0);
        } finally {
            System.setErr(err);
        }
    }

    private static void replicate(S3ProxyServer from, String fromBucket, S3ProxyServer to, String toBucket) {
        try (S3Client a = from.client(); S3Client b = to.client()) {
            for (S3Object o : a.listObjectsV2Paginator(r -> r.bucket(fromBucket)).contents()) {
                byte[] data = a.getObjectAsBytes(r -> r.bucket(fromBucket).key(o.key())).asByteArray();
                b.putObject(r -> r.bucket(toBucket).key(o.key()), RequestBody.fromBytes(data));
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
