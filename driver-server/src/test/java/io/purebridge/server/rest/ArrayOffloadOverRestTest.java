package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.OffloadPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.OffloadProgress;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadedSnapshot;
import io.purebridge.engine.offload.S3ProxyServer;
import io.purebridge.engine.rest.RestApiVersion;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.testing.OffloadFixture;
import io.purebridge.server.testing.RestSession;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offload from a backend whose array the service reaches only over REST (a FlashArray): the volume
 * type's group gets the offload target as one of its targets on the array, and the array sends
 * the group's snapshots to the bucket itself (CloudSnap); the service reads no data. Here the array
 * is pure-dr behind the service's REST front end, with the embedded S3 server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArrayOffloadOverRestTest {
    private static final Map<String, String> OFFLOAD = Map.of(OffloadPolicy.TARGET, "offload-s3",
            OffloadPolicy.FREQUENCY, "3600", OffloadPolicy.RETENTION, "2");
    private static final String GROUP = "cinder-offload-offload-s3-3600s-2d";
    /** The service's embedded S3 server on: the offload target offload-s3. */
    private static final String S3_ON = "[s3]\nenabled = true\n";

    @TempDir
    Path dir;

    private static CinderBackend overRest(OffloadFixture service) {
        return service.drBackendOverRest("puredriver-rest");
    }

    /** Creates {@code v} through the backend; returns its name on pure-dr, the only volume there. */
    private static String createdOnDr(CinderBackend backend, SimulatedFlashArray dr, CinderVolume v) {
        backend.createVolume(v);
        return dr.listVolumes().get(0).name();
    }

    private static CinderSnapshot snapshot(String id, CinderVolume v, Map<String, String> metadata) {
        return new CinderSnapshot(id, "snapshot-" + id, "", v, 1, metadata);
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static CinderVolume volume(Map<String, String> extraSpecs) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", 1, extraSpecs, "", null, null, Map.of());
    }

    @Test
    void aVolumeTypeWithAnOffloadTargetMakesTheArrayOffloadItsGroup() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            CinderBackend backend = overRest(service);
            assertThat(backend.volumeStats().extra()).containsEntry("offload_enabled", "True")
                    .containsEntry("offload_targets", "offload-s3");
            CinderVolume v = volume(OFFLOAD);
            backend.createVolume(v);
            backend.createVolume(v); // idempotent by name: the group and its target are not added twice

            SimulatedFlashArray array = service.dr();
            ProtectionGroupRecord group = array.findProtectionGroup(GROUP).orElseThrow();
            String onArray = array.listVolumes().stream().filter(x -> x.name().contains(v.id())).findFirst()
                    .orElseThrow().name();
            assertThat(group.members()).containsExactly(onArray);
            assertThat(group.replicationSchedule().frequencyMs()).isEqualTo(3_600_000L);
            RestFrontEnd frontEnd = service.running.rest().orElseThrow();

            byte[] data = random(3 * OffloadFixture.MIB, 5);
            array.write(onArray, 0, data);
            String pgSnapshot = array.createProtectionGroupSnapshot(GROUP, "s1", false, false).name();

            List<String> shipped = frontEnd.offloadGroupsNow();
            String offloaded = OffloadFixture.DR + ":" + pgSnapshot + "." + onArray;
            assertThat(shipped).containsExactly(offloaded);
            assertThat(frontEnd.offloadGroupsNow()).as("a second run sends nothing again").isEmpty();
            OffloadService bucket = service.running.engine().offloadTargets().service("offload-s3");
            OffloadedSnapshot copy = bucket.list().stream().filter(s -> s.name().equals(offloaded)).findFirst()
                    .orElseThrow();
            assertThat(copy.expiresMillis() - copy.offloadedMillis()).as("the group's 2-day target retention")
                    .isEqualTo(TimeUnit.DAYS.toMillis(2));

            bucket.restore(offloaded, service.primary(), "restored");
            assertThat(service.primary().read("restored", 0, data.length)).isEqualTo(data);

            // Snapshots of the type's volumes are not offloaded one by one: the array sends the group's.
            String snapId = UUID.randomUUID().toString();
            Map<String, String> kept = backend.createSnapshot(snapshot(snapId, v, Map.of())).metadata();
            assertThat(kept).doesNotContainKey("offloaded_snapshot");
        }
    }

    /**
     * A Cinder snapshot asked to be offloaded on a backend over REST: the array sends it itself, as
     * taken, even when the volume changed since; the copy outlives the snapshot, and a volume made
     * from the snapshot once it is gone comes back from the copy.
     */
    @Test
    void theArraySendsACinderSnapshotAskedForExactlyAsTaken() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            CinderBackend backend = overRest(service);
            CinderVolume v = volume(Map.of());
            SimulatedFlashArray array = service.dr();
            String onArray = createdOnDr(backend, array, v);
            byte[] taken = random(2 * OffloadFixture.MIB, 7);
            array.write(onArray, 0, taken);
            String snapId = UUID.randomUUID().toString();
            backend.createSnapshot(snapshot(snapId, v, Map.of()));
            String suffix = array.listSnapshots(onArray).get(0).suffix();
            byte[] later = random(taken.length, 8);
            array.write(onArray, 0, later);

            // Asked again with an offload (a retried create): its array snapshot is what is sent.
            CinderSnapshot asked = snapshot(snapId, v, Map.of("purebridge:offload", "offload-s3"));
            Map<String, String> metadata = backend.createSnapshot(asked).metadata();
            String offloaded = metadata.get("offloaded_snapshot");
            assertThat(offloaded).startsWith(OffloadFixture.DR + ":" + onArray + "-").endsWith("." + suffix);
            assertThat(metadata).containsEntry("offload_target", "offload-s3").doesNotContainKey("offload_expires");
            assertThat(backend.createSnapshot(asked).metadata()).as("asked again: the same copy")
                    .containsEntry("offloaded_snapshot", offloaded);
            OffloadService bucket = service.running.engine().offloadTargets().service("offload-s3");
            assertThat(bucket.list()).extracting(OffloadedSnapshot::name).containsExactly(offloaded);
            assertThat(array.listVolumes()).as("the volume the send went through is eradicated")
                    .extracting(VolumeRecord::name).containsExactly(onArray);
            bucket.restore(offloaded, service.primary(), "restored");
            assertThat(service.primary().read("restored", 0, taken.length)).isEqualTo(taken);

            CinderSnapshot recorded = snapshot(snapId, v, metadata);
            backend.deleteSnapshot(recorded);
            array.eradicateSnapshot(onArray + "." + suffix); // as the array's eradication timer would
            assertThat(bucket.list()).extracting(OffloadedSnapshot::name).containsExactly(offloaded);
            CinderVolume fromCopy = volume(Map.of());
            backend.createVolumeFromSnapshot(fromCopy, recorded);
            String made = array.listVolumes().stream().map(VolumeRecord::name).filter(n -> n.contains(fromCopy.id()))
                    .findFirst().orElseThrow();
            assertThat(array.read(made, 0, taken.length)).isEqualTo(taken);
        }
    }

    /**
     * Two snapshots of one volume offloaded at once, each by its own caller: each send goes through
     * its own transient volume, so each copy holds its own snapshot's bytes.
     */
    @Test
    void twoSnapshotsOfOneVolumeOffloadedAtOnceKeepTheirOwnBytes() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            CinderBackend backend = overRest(service);
            CinderVolume v = volume(Map.of());
            SimulatedFlashArray array = service.dr();
            String onArray = createdOnDr(backend, array, v);
            List<byte[]> contents = new ArrayList<>();
            List<CinderSnapshot> snapshots = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] data = random(OffloadFixture.MIB, 20 + i);
                array.write(onArray, 0, data);
                String id = UUID.randomUUID().toString();
                CinderSnapshot plain = snapshot(id, v, Map.of());
                backend.createSnapshot(plain);
                contents.add(data);
                snapshots.add(snapshot(id, v, Map.of("purebridge:offload", "offload-s3")));
            }
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                List<Future<Map<String, String>>> sent = new ArrayList<>();
                for (CinderSnapshot s : snapshots) {
                    sent.add(callers.submit(() -> backend.createSnapshot(s).metadata()));
                }
                OffloadService bucket = service.running.engine().offloadTargets().service("offload-s3");
                for (int i = 0; i < 2; i++) {
                    String offloaded = sent.get(i).get(60, TimeUnit.SECONDS).get("offloaded_snapshot");
                    bucket.restore(offloaded, service.primary(), "restored-" + i);
                    assertThat(service.primary().read("restored-" + i, 0, OffloadFixture.MIB)).as(offloaded)
                            .isEqualTo(contents.get(i));
                }
                assertThat(bucket.list()).hasSize(2);
            } finally {
                callers.shutdownNow();
            }
            assertThat(array.listVolumes()).extracting(VolumeRecord::name).containsExactly(onArray);
        }
    }

    /**
     * A second request for a send that is still running (as a FlashArray answers before its send
     * completes) waits for that send instead of starting another, and gets the same copy.
     */
    @Test
    void aRequestForASendStillRunningWaitsForItToComplete() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true);
             RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
            CinderBackend backend = overRest(service);
            CinderVolume v = volume(Map.of());
            SimulatedFlashArray array = service.dr();
            String onArray = createdOnDr(backend, array, v);
            byte[] data = random(64 * OffloadFixture.MIB, 9);
            array.write(onArray, 0, data);
            String id = UUID.randomUUID().toString();
            CinderSnapshot asked = snapshot(id, v, Map.of("purebridge:offload", "offload-s3"));
            OffloadService bucket = service.running.engine().offloadTargets().service("offload-s3");

            CompletableFuture<Map<String, String>> first = CompletableFuture.supplyAsync(
                    () -> backend.createSnapshot(asked).metadata());
            while (!first.isDone() && bucket.jobs().stream()
                    .noneMatch(j -> j.state() == OffloadProgress.State.RUNNING)) {
                Thread.onSpinWait();
            }
            String snapshot = array.listSnapshots(onArray).get(0).name();
            String second = dr.offloadSnapshot("offload-s3", snapshot);
            assertThat(bucket.list()).as("complete when the second request returns")
                    .extracting(OffloadedSnapshot::name).containsExactly(second);
            assertThat(first.get(60, TimeUnit.SECONDS)).containsEntry("offloaded_snapshot", second);
            assertThat(bucket.jobs().stream().filter(j -> j.job().startsWith("offload "))).hasSize(1);
            assertThat(array.listVolumes()).extracting(VolumeRecord::name).containsExactly(onArray);
        }
    }

    /**
     * A send that outlasted the call that asked for it leaves the volume it reads from (its call
     * failed with OFFLOAD_STILL_RUNNING). The service's offload run drops that volume once the
     * target lists the send as complete, and leaves alone a volume merely named alike and one no
     * completed send came from.
     */
    @Test
    void theOffloadRunDropsTheSourceOfASendThatOutlastedItsCall() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true);
             RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
            SimulatedFlashArray array = service.dr();
            String onArray = createdOnDr(overRest(service), array, volume(Map.of()));
            array.write(onArray, 0, random(OffloadFixture.MIB, 11));
            String snapshot = array.createSnapshot(onArray, "s1").name();
            String held = dr.offloadSnapshot("offload-s3", snapshot);
            // The send's source as its call left it: the snapshot's copy, named after the copy it sent.
            String source = held.substring(held.indexOf(':') + 1, held.lastIndexOf('.'));
            array.copyVolume(snapshot, source, false);
            // Named as a send's source is, and sent itself, but its tag is no snapshot's of that name.
            String alike = onArray.substring(0, onArray.length() - 9) + "-0badf00d";
            array.createVolume(alike, OffloadFixture.MIB);
            RestSession operator = new RestSession(HttpClient.newBuilder().sslContext(RestTls.context(false, null))
                    .build(), service, OffloadFixture.DR, OffloadFixture.DR_TOKEN);
            HttpResponse<String> sent = operator.send("POST", "/api/2.36/remote-volume-snapshots?source_names="
                    + alike + "&on=offload-s3", "{\"suffix\": \"mine\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            OffloadService bucket = service.running.engine().offloadTargets().service("offload-s3");
            String alikeSent = OffloadFixture.DR + ":" + alike + ".mine";
            while (bucket.list().stream().noneMatch(c -> c.name().equals(alikeSent))) {
                Thread.sleep(20); // the front end answers once the send began; the test's timeout bounds this
            }
            String unsent = source.substring(0, source.length() - 8) + "00000000"; // no send came from it
            array.createVolume(unsent, OffloadFixture.MIB);

            ArrayBackendRegistry registry = (ArrayBackendRegistry) service.running.engine().registry();
            registry.offloadShipper().runOnce();

            assertThat(array.listVolumes()).extracting(VolumeRecord::name)
                    .containsExactlyInAnyOrder(onArray, alike, unsent);
            assertThat(array.findVolume(source)).as("eradicated, not only destroyed").isEmpty();
            assertThat(bucket.list()).extracting(OffloadedSnapshot::name).containsExactlyInAnyOrder(held, alikeSent);
            registry.offloadShipper().runOnce();
            assertThat(array.listVolumes()).extracting(VolumeRecord::name)
                    .containsExactlyInAnyOrder(onArray, alike, unsent);
        }
    }

    /** What an array sending on demand cannot do is refused before any snapshot is taken. */
    @Test
    void anOnDemandOffloadTheArrayCannotDoIsRefusedBeforeTheSnapshot() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            CinderBackend backend = overRest(service);
            CinderVolume v = volume(Map.of());
            String onArray = createdOnDr(backend, service.dr(), v);
            String snapId = UUID.randomUUID().toString();
            assertThatThrownBy(() -> backend.createSnapshot(snapshot(snapId, v,
                    Map.of("purebridge:offload", "offload-s3", "purebridge:offload_retention", "7"))))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("purebridge:offload_retention", "until it is deleted");
                    });
            assertThat(service.dr().listSnapshots(onArray)).isEmpty();

            // An array whose REST cannot name what it sends (before 2.28) is told so; nothing is sent.
            service.dr().createSnapshot(onArray, "s1");
            RestFrontEnd frontEnd = service.running.rest().orElseThrow();
            RestArrayConnector older = new RestArrayConnector(RestClientOptions.defaults()
                    .withMaxVersion(new RestApiVersion(2, 26)), Clock.systemUTC(), ms -> { });
            try (RestFlashArray dr = older.connect(new ArrayEndpoint(frontEnd.sanIp(OffloadFixture.DR),
                    OffloadFixture.DR_TOKEN, true, frontEnd.certificatePem().toString()))) {
                assertThatThrownBy(() -> dr.offloadSnapshot("offload-s3", onArray + ".s1"))
                        .isInstanceOfSatisfying(EngineException.class, e -> {
                            assertThat(e.reason()).isEqualTo("OFFLOAD_NOT_SUPPORTED");
                            assertThat(e.getMessage()).contains("2.26", "2.28");
                        });
            }
            assertThat(service.running.engine().offloadTargets().service("offload-s3").list()).isEmpty();
            assertThat(service.dr().listVolumes()).extracting(VolumeRecord::name).containsExactly(onArray);
        }
    }

    /** What a client was told survives a restart; a group destroyed and made again starts without it. */
    @Test
    void theGroupsOffloadTargetOutlivesARestartButNotTheGroup() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            overRest(service).createVolume(volume(OFFLOAD));
        }
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true);
             RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
            assertThat(dr.findProtectionGroup(GROUP).orElseThrow().targets()).extracting(PgTargetRecord::arrayName)
                    .containsExactly("offload-s3");
            dr.destroyProtectionGroup(GROUP);
            dr.createProtectionGroup(GROUP);
            assertThat(dr.findProtectionGroup(GROUP).orElseThrow().targets()).isEmpty();
            assertThat(service.running.rest().orElseThrow().offloadGroupsNow()).isEmpty();
            assertThatThrownBy(() -> dr.addProtectionGroupTargets("no-such-group", List.of("offload-s3")))
                    .isInstanceOfSatisfying(EngineException.class, e ->
                            assertThat(e.getMessage()).contains("no-such-group"));
            dr.addProtectionGroupTargets(GROUP, List.of("offload-s3"));
            dr.removeProtectionGroupTargets(GROUP, List.of("offload-s3"));
            assertThat(dr.findProtectionGroup(GROUP).orElseThrow().targets()).isEmpty();
        }
    }

    /**
     * The array's administrator connected it to the bucket as cloud-1 (array_target_name): the
     * group's target carries the array's name for it, and the array offloads into that bucket.
     */
    @Test
    void theGroupsTargetIsTheBucketUnderTheArraysNameForIt() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.transientStore(true)) {
            s3.createBucket("pb-renamed");
            try (OffloadFixture service = OffloadFixture.start(dir.resolve("svc"),
                    OffloadFixture.targetSection(dir, s3, "pb-renamed", "cloud-1"), true);
                 RestFlashArray dr = service.overRest(OffloadFixture.DR, OffloadFixture.DR_TOKEN)) {
                CinderVolume v = volume(OFFLOAD);
                overRest(service).createVolume(v);
                assertThat(dr.findProtectionGroup(GROUP).orElseThrow().targets()).extracting(PgTargetRecord::arrayName)
                        .containsExactly("cloud-1");

                SimulatedFlashArray array = service.dr();
                String onArray = array.listVolumes().get(0).name();
                array.write(onArray, 0, new byte[] {1, 2, 3});
                String pgSnapshot = array.createProtectionGroupSnapshot(GROUP, "s1", false, false).name();
                String offloaded = OffloadFixture.DR + ":" + pgSnapshot + "." + onArray;
                assertThat(service.running.rest().orElseThrow().offloadGroupsNow()).containsExactly(offloaded);
                assertThat(service.running.engine().offloadTargets().service("offload-s3").list())
                        .extracting(OffloadedSnapshot::name).containsExactly(offloaded);
            }
        }
    }

    @Test
    void aTypeNamingATargetTheServiceDoesNotHaveIsRefusedBeforeAnythingIsMade() throws Exception {
        try (OffloadFixture service = OffloadFixture.start(dir, S3_ON, true)) {
            CinderBackend backend = overRest(service);
            assertThatThrownBy(() -> backend.createVolume(volume(Map.of(OffloadPolicy.TARGET, "offload-nowhere"))))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("offload-nowhere");
                    });
            assertThat(service.dr().listVolumes()).isEmpty();
            assertThat(service.dr().listProtectionGroups()).isEmpty();
        }
    }
}
