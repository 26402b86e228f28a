package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.EmbeddedS3;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot offload driven the way Cinder drives it: volume types with purebridge:offload_* extra
 * specs, snapshot and volume metadata, through {@link CinderBackend} entry points, against
 * simulated arrays holding real bytes and a real S3 server (S3Proxy) in this JVM. Every restore is
 * compared byte for byte with what was written.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CinderOffloadTest {
    private static final int MIB = 1 << 20;
    private static final Map<String, String> OFFLOAD = Map.of(OffloadPolicy.TARGET, "offload-s3",
            OffloadPolicy.FREQUENCY, "3600", OffloadPolicy.RETENTION, "2");
    private static final String GROUP = "cinder-offload-offload-s3-3600s-2d";

    @RegisterExtension
    static EmbeddedS3 s3 = new EmbeddedS3();

    @TempDir
    Path dir;
    private ManualClock clock;
    private SimulatedArrayHost host;
    private SimulatedFlashArray primary;
    private SimulatedFlashArray dr;
    private OffloadTargets targets;
    private ArrayBackendRegistry registry;
    private CinderBackend backend;
    private final AtomicInteger uuids = new AtomicInteger();

    @BeforeEach
    void start() {
        clock = new ManualClock(Instant.parse("2026-11-02T10:00:00Z"));
        host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-primary", "tok-p-0123456789"),
                SimulatedArrayConfig.of("pure-dr", "tok-d-0123456789")), clock);
        primary = host.open("pure-primary", "tok-p-0123456789");
        dr = host.open("pure-dr", "tok-d-0123456789");
        targets = new OffloadTargets(List.of(s3.target()), s3.server().env(), clock);
        registry = new ArrayBackendRegistry(host, () -> String.format("%032x", uuids.incrementAndGet()),
                () -> "chap-secret-0123456789", targets, Duration.ZERO);
        backend = register("puredriver-1", "pure-primary", "tok-p-0123456789");
    }

    @AfterEach
    void stop() {
        registry.offloadShipper().close();
        targets.close();
        host.close();
    }

    private CinderBackend register(String backendName, String array, String token) {
        Map<String, String> o = new HashMap<>();
        o.put("san_ip", "sim://" + array);
        o.put("pure_api_token", token);
        o.put("volume_backend_name", backendName);
        registry.register(new BackendConfig(backendName, StorageProtocol.ISCSI, o, List.of(), ""));
        return registry.backend(backendName);
    }

    private static CinderVolume volume(Map<String, String> specs, Map<String, String> metadata) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", 1, specs, "", null, null, metadata);
    }

    private static CinderVolume volume(Map<String, String> specs) {
        return volume(specs, Map.of());
    }

    private static CinderVolume created(CinderVolume v, VolumeModelUpdate model) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), model.providerId(), v.sizeGib(), v.extraSpecs(),
                v.replicationStatus(), null, null, v.metadata());
    }

    private static CinderSnapshot snapshot(CinderVolume volume, Map<String, String> metadata) {
        String id = UUID.randomUUID().toString();
        return new CinderSnapshot(id, "snapshot-" + id, "", volume, volume.sizeGib(), metadata);
    }

    /** 4 MiB of random data and a MiB of text at 100 MiB: the rest of the GiB stays zero. */
    private static byte[] write(SimulatedFlashArray array, String volume, long seed) {
        byte[] data = new byte[4 * MIB];
        new Random(seed).nextBytes(data);
        array.write(volume, 0, data);
        array.write(volume, 100L * MIB, "offloaded by purebridge\n".repeat(40_000).getBytes());
        return data;
    }

    private static void assertSameBytes(SimulatedFlashArray a, String left, SimulatedFlashArray b, String right) {
        assertThat(b.checksum(right, 0, 1L << 30)).as(right + " equals " + left).isEqualTo(a.checksum(left, 0, 1L << 30));
    }

    private List<String> members(String group) {
        return primary.findProtectionGroup(group).map(ProtectionGroupRecord::members).orElse(List.of());
    }

    @Test
    void typeSnapshotsOnItsScheduleAreOffloadedRestoredAndExpiredByRetention() {
        CinderVolume v = volume(OFFLOAD);
        VolumeModelUpdate model = backend.createVolume(v);
        String name = model.providerId();
        write(primary, name, 1);

        ProtectionGroupRecord group = primary.findProtectionGroup(GROUP).orElseThrow();
        assertThat(group.members()).containsExactly(name);
        assertThat(group.replicationSchedule().enabled()).isTrue();
        assertThat(group.replicationSchedule().frequencyMs()).isEqualTo(3_600_000L);
        assertThat(group.targetRetention()).isEqualTo(new RetentionPolicy(2 * 86_400, 0, 0));
        assertThat(group.sourceRetention()).isEqualTo(new RetentionPolicy(14_400, 0, 0));

        // The array snapshots on the schedule; the service ships what the target lacks, once.
        clock.advance(Duration.ofMinutes(61));
        host.replication().tick();
        OffloadShipper.Result first = registry.offloadShipper().runOnce();
        assertThat(first.offloaded()).containsExactly("pure-primary:" + GROUP + ".1." + name);
        assertThat(first.problems()).isEmpty();
        assertThat(registry.offloadShipper().runOnce().offloaded()).isEmpty();

        // A new volume restored from the offloaded snapshot, even on another array (DR).
        String offloaded = first.offloaded().get(0);
        CinderBackend drBackend = register("puredriver-dr", "pure-dr", "tok-d-0123456789");
        CinderVolume restore = volume(Map.of(), Map.of(OffloadCopies.RESTORE_FROM, offloaded));
        VolumeModelUpdate restored = drBackend.createVolume(restore);
        assertSameBytes(primary, name, dr, restored.providerId());
        assertThat(restored.metadata()).containsEntry("restored_from", "offload-s3/" + offloaded);
        // The same request again (a retry) finds the volume it made.
        assertThat(drBackend.createVolume(restore).providerId()).isEqualTo(restored.providerId());

        // Deleting the volume takes it out of the group; the offloaded copy stays until retention.
        backend.deleteVolume(created(v, model));
        assertThat(members(GROUP)).isEmpty();
        clock.advance(Duration.ofDays(1));
        assertThat(registry.offloadShipper().runOnce().expired()).isEmpty();
        assertThat(targets.service("offload-s3").list()).extracting(OffloadedSnapshot::name).contains(offloaded);
        clock.advance(Duration.ofDays(1));
        assertThat(registry.offloadShipper().runOnce().expired()).containsExactly(offloaded);
        assertThat(targets.service("offload-s3").list()).isEmpty();
        EngineException gone = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(),
                Map.of(OffloadCopies.RESTORE_FROM, offloaded))), ErrorCode.NOT_FOUND);
        assertThat(gone.getMessage()).contains(offloaded).contains("offload-s3");
    }

    @Test
    void cloneFromSnapshotAndRetypeJoinAndLeaveTheGroup() {
        CinderVolume plain = volume(Map.of());
        VolumeModelUpdate plainModel = backend.createVolume(plain);
        write(primary, plainModel.providerId(), 2);

        CinderVolume clone = volume(OFFLOAD);
        String cloneName = backend.createClonedVolume(clone, created(plain, plainModel)).providerId();
        CinderSnapshot snap = snapshot(created(plain, plainModel), Map.of());
        backend.createSnapshot(snap);
        CinderVolume fromSnap = volume(OFFLOAD);
        String fromSnapName = backend.createVolumeFromSnapshot(fromSnap, snap).providerId();
        assertThat(members(GROUP)).containsExactlyInAnyOrder(cloneName, fromSnapName);

        // Retype into the type, between two offload policies, and out again.
        CinderVolume current = created(plain, plainModel);
        backend.retype(current, OFFLOAD);
        assertThat(members(GROUP)).contains(plainModel.providerId());
        Map<String, String> daily = Map.of(OffloadPolicy.TARGET, "offload-s3", OffloadPolicy.FREQUENCY, "86400");
        CinderVolume inOffload = CinderFixture.withSpecs(current, OFFLOAD);
        backend.retype(inOffload, daily);
        assertThat(members(GROUP)).doesNotContain(plainModel.providerId());
        assertThat(members("cinder-offload-offload-s3-86400s-7d")).containsExactly(plainModel.providerId());
        backend.retype(CinderFixture.withSpecs(current, daily), Map.of());
        assertThat(members("cinder-offload-offload-s3-86400s-7d")).isEmpty();
        assertThat(primary.findVolume(plainModel.providerId())).isPresent();
    }

    @Test
    void badSpecsNameTheKeyAndTheConfiguredTargetsAndMakeNothing() {
        int volumes = primary.listVolumes().size();
        EngineException unknown = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(
                OffloadPolicy.TARGET, "offload-nowhere"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.reason()).isEqualTo("OFFLOAD_SPEC_INVALID");
        assertThat(unknown.getMessage()).contains("purebridge:offload_target").contains("offload-nowhere")
                .contains("[offload-s3]");
        EngineException number = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(
                OffloadPolicy.TARGET, "offload-s3", OffloadPolicy.FREQUENCY, "hourly"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(number.getMessage()).contains("purebridge:offload_frequency").contains("hourly");
        EngineException range = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(
                OffloadPolicy.TARGET, "offload-s3", OffloadPolicy.RETENTION, "0"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(range.getMessage()).contains("purebridge:offload_retention");
        EngineException alone = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(
                OffloadPolicy.RETENTION, "3"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(alone.getMessage()).contains("purebridge:offload_retention").contains("purebridge:offload_target");
        EngineException vg = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(
                OffloadPolicy.TARGET, "offload-s3", VolumeGroupPlacement.VG_NAME, "vg1"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(vg.getMessage()).contains("flasharray:vg_name");
        assertThat(primary.listVolumes()).hasSize(volumes);
        assertThat(primary.listProtectionGroups()).extracting(ProtectionGroupRecord::name)
                .noneMatch(n -> n.startsWith(OffloadPolicy.GROUP_PREFIX));
        assertThat(primary.listVolumeGroups()).isEmpty();

        // A retype into a bad type changes nothing.
        CinderVolume v = volume(OFFLOAD);
        VolumeModelUpdate model = backend.createVolume(v);
        CinderFixture.failure(() -> backend.retype(created(v, model), Map.of(OffloadPolicy.TARGET, "offload-gcs")),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(members(GROUP)).containsExactly(model.providerId());

        // Metadata asking for an unknown target: no snapshot, no volume.
        EngineException snap = CinderFixture.failure(() -> backend.createSnapshot(snapshot(created(v, model),
                Map.of(OffloadCopies.SNAPSHOT_OFFLOAD, "offload-nowhere"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(snap.getMessage()).contains("purebridge:offload").contains("[offload-s3]");
        assertThat(primary.listSnapshots(model.providerId())).isEmpty();
        EngineException from = CinderFixture.failure(() -> backend.createVolume(volume(Map.of(), Map.of(
                OffloadCopies.RESTORE_FROM, "no-colon"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(from.getMessage()).contains("purebridge:restore_from");
    }

    @Test
    void snapshotsOffloadedOnDemandOutliveTheirArraySnapshot() {
        CinderVolume v = volume(Map.of());
        VolumeModelUpdate model = backend.createVolume(v);
        String name = model.providerId();
        write(primary, name, 3);
        CinderSnapshot snap = snapshot(created(v, model), Map.of(OffloadCopies.SNAPSHOT_OFFLOAD, "offload-s3",
                OffloadCopies.SNAPSHOT_RETENTION, "1"));
        SnapshotModelUpdate snapModel = backend.createSnapshot(snap);
        String arraySnapshot = snapModel.providerId();
        assertThat(snapModel.metadata()).containsEntry("offload_target", "offload-s3")
                .containsEntry("offloaded_snapshot", "pure-primary:" + arraySnapshot)
                .containsEntry("offload_expires", "2026-11-03T10:00:00Z");
        // The volume changes after the snapshot; the restore must bring the snapshot's bytes back.
        byte[] before = primary.read(arraySnapshot, 0, 4 * MIB);
        write(primary, name, 4);

        // Cinder keeps the model's metadata on the snapshot; the array snapshot is deleted.
        CinderSnapshot stored = new CinderSnapshot(snap.id(), snap.name(), arraySnapshot, created(v, model), 1,
                snapModel.metadata());
        backend.deleteSnapshot(stored);
        primary.eradicateSnapshot(arraySnapshot);
        CinderVolume bigger = new CinderVolume(UUID.randomUUID().toString(), "n", "volume-" + UUID.randomUUID(), "", 2,
                Map.of(), "");
        VolumeModelUpdate restored = backend.createVolumeFromSnapshot(bigger, stored);
        assertThat(primary.read(restored.providerId(), 0, 4 * MIB)).isEqualTo(before);
        assertThat(primary.findVolume(restored.providerId()).orElseThrow().provisionedBytes()).isEqualTo(2L << 30);
        assertThat(restored.metadata()).containsEntry("restored_from", "offload-s3/pure-primary:" + arraySnapshot);

        // A type with the spec offloads every snapshot; purebridge:offload=none opts one out.
        CinderVolume typed = volume(OFFLOAD);
        VolumeModelUpdate typedModel = backend.createVolume(typed);
        assertThat(backend.createSnapshot(snapshot(created(typed, typedModel), Map.of())).metadata())
                .containsKey("offloaded_snapshot");
        assertThat(backend.createSnapshot(snapshot(created(typed, typedModel), Map.of(
                OffloadCopies.SNAPSHOT_OFFLOAD, "none"))).metadata()).doesNotContainKey("offloaded_snapshot");
    }

    @Test
    void aSnapshotWhoseOffloadFailsIsNotKept() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        OffloadTarget up = s3.target();
        OffloadTarget down = new OffloadTarget("offload-down", up.bucket(), URI.create("http://127.0.0.1:" + closed),
                up.region(), up.accessKeyId(), up.secretAccessKey(), null, up.placement(), true, up.tuning());
        try (OffloadTargets two = new OffloadTargets(List.of(up, down), s3.server().env(), clock)) {
            ArrayBackendRegistry other = new ArrayBackendRegistry(host, () -> "0123456789abcdef0123456789abcdef",
                    () -> "chap-secret-0123456789", two, Duration.ZERO);
            Map<String, String> o = new HashMap<>();
            o.put("san_ip", "sim://pure-primary");
            o.put("pure_api_token", "tok-p-0123456789");
            other.register(new BackendConfig("two-targets", StorageProtocol.ISCSI, o, List.of(), ""));
            CinderBackend b = other.backend("two-targets");
            CinderVolume v = volume(Map.of());
            VolumeModelUpdate model = b.createVolume(v);
            EngineException failed = CinderFixture.failure(() -> b.createSnapshot(snapshot(created(v, model),
                    Map.of(OffloadCopies.SNAPSHOT_OFFLOAD, "offload-down"))), ErrorCode.UNAVAILABLE);
            assertThat(failed.getMessage()).contains("offload-down").contains("was not kept");
            assertThat(primary.listSnapshots(model.providerId())).isEmpty();
            // The other target still takes the same snapshot.
            assertThat(b.createSnapshot(snapshot(created(v, model), Map.of(OffloadCopies.SNAPSHOT_OFFLOAD,
                    "offload-s3"))).metadata()).containsEntry("offload_target", "offload-s3");
        }
    }

    @Test
    void statsAdvertiseTheTargetsAsACapability() {
        assertThat(backend.volumeStats().extra()).containsEntry("offload_enabled", "True")
                .containsEntry("offload_targets", "offload-s3");
        ArrayBackendRegistry without = new ArrayBackendRegistry(host);
        Map<String, String> o = new HashMap<>();
        o.put("san_ip", "sim://pure-primary");
        o.put("pure_api_token", "tok-p-0123456789");
        without.register(new BackendConfig("plain", StorageProtocol.ISCSI, o, List.of(), ""));
        assertThat(without.backend("plain").volumeStats().extra()).containsEntry("offload_enabled", "False")
                .containsEntry("offload_targets", "");
        EngineException refused = CinderFixture.failure(() -> without.backend("plain").createVolume(volume(OFFLOAD)),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(refused.getMessage()).contains("configured targets: []");
    }
}
