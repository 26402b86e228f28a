package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cinder replication over simulated arrays that really replicate: setup, placement, retype, stats, attach. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CinderReplicationTest {
    private static final long SPAN = 256 * 1024;
    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> ASYNC = Map.of("replication_enabled", "<is> True");
    private static final Map<String, String> SYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> sync");
    private static final Map<String, String> TRISYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> trisync");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private SimulatedFlashArray a;
    private SimulatedFlashArray b;
    private SimulatedFlashArray c;
    private ArrayBackendRegistry registry;
    private ReplicatedArrays arrays;

    @BeforeEach
    void start() {
        arrays = new ReplicatedArrays(dir);
        host = arrays.host;
        a = arrays.a;
        b = arrays.b;
        c = arrays.c;
        registry = arrays.registry;
    }

    @AfterEach
    void stop() {
        arrays.close();
    }

    private static Map<String, String> options(boolean trisync) {
        Map<String, String> o = ReplicatedArrays.options();
        o.put("pure_trisync_enabled", Boolean.toString(trisync));
        return o;
    }

    private static List<Map<String, String>> devices() {
        return List.of(Map.of("backend_id", "metro", "san_ip", "sim://pure-b", "api_token", "tok-b-0123456789",
                "type", "sync", "uniform", "true"),
                Map.of("backend_id", "dr", "san_ip", "sim://pure-c", "api_token", "tok-c-0123456789"));
    }

    private CinderBackend register() {
        return arrays.register(options(true), devices(), "");
    }

    private static CinderVolume volume(Map<String, String> specs) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", 1, specs, "");
    }

    private static CinderVolume as(CinderVolume v, String providerId, Map<String, String> specs) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), providerId, v.sizeGib(), specs, v.replicationStatus());
    }

    @Test
    void setupBuildsPodAndGroupsLikeUpstreamAndIsIdempotent() {
        register();
        register();
        assertThat(a.findPod("cinder-pod").orElseThrow().arrays()).extracting(PodArrayStatus::arrayName)
                .containsExactly("pure-a", "pure-b");
        ProtectionGroupRecord group = a.findProtectionGroup("cinder-group").orElseThrow();
        assertThat(group.targets()).extracting(PgTargetRecord::arrayName).containsExactly("pure-b", "pure-c");
        assertThat(group.targets()).extracting(PgTargetRecord::allowed).containsOnly(true);
        assertThat(group.replicationSchedule().enabled()).isTrue();
        assertThat(group.replicationSchedule().frequencyMs()).isEqualTo(600_000L);
        assertThat(group.targetRetention()).isEqualTo(new RetentionPolicy(14_400, 3, 7));
        ProtectionGroupRecord trisync = a.findProtectionGroup("cinder-pod::cinder-trisync").orElseThrow();
        assertThat(trisync.targets()).extracting(PgTargetRecord::arrayName).containsExactly("pure-c");
        assertThat(c.findProtectionGroup("cinder-pod:cinder-trisync").orElseThrow().targets().get(0).allowed()).isTrue();
        assertThat(c.findProtectionGroup("pure-a:cinder-group")).isPresent();
    }

    @Test
    void badSetupMakesNothing() {
        List<Map<String, String>> oneDevice = List.of(devices().get(1));
        EngineException error = CinderFixture.failure(() -> registry.register(new BackendConfig("puredriver-1",
                StorageProtocol.ISCSI, options(true), oneDevice, "")), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("pure_trisync_enabled");
        List<Map<String, String>> itself = List.of(Map.of("backend_id", "loop", "san_ip", "sim://pure-a",
                "api_token", "tok-a-0123456789"));
        CinderFixture.failure(() -> registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI,
                options(false), itself, "")), ErrorCode.INVALID_ARGUMENT);
        assertThat(a.listPods()).isEmpty();
        assertThat(a.listProtectionGroups()).isEmpty();
        assertThat(c.listProtectionGroups()).isEmpty();
    }

    @Test
    void stoppedTargetIsSkippedAtSetupAndLeftOutOfStatsUntilTheNextRegistration() {
        host.replication().stopArray("pure-c");
        CinderBackend backend = register();
        assertThat(a.findProtectionGroup("cinder-group").orElseThrow().targets()).extracting(PgTargetRecord::arrayName)
                .containsExactly("pure-b");
        assertThat(backend.volumeStats().replicationTargets()).containsExactly("metro");
        assertThat(backend.volumeStats().replicationCount()).isEqualTo(1);
        host.replication().startArray("pure-c");
        assertThat(register().volumeStats().replicationTargets()).containsExactly("metro", "dr");
        assertThat(a.findProtectionGroup("cinder-group").orElseThrow().targets()).extracting(PgTargetRecord::arrayName)
                .containsExactly("pure-b", "pure-c");
    }

    @Test
    void volumeTypeSelectsPlacement() {
        CinderBackend backend = register();
        CinderVolume none = volume(NONE);
        CinderVolume async = volume(ASYNC);
        CinderVolume sync = volume(SYNC);
        CinderVolume tri = volume(TRISYNC);
        assertThat(backend.createVolume(none).replicationStatus()).isEqualTo("disabled");
        VolumeModelUpdate asyncModel = backend.createVolume(async);
        assertThat(asyncModel.replicationStatus()).isEqualTo("enabled");
        assertThat(a.findProtectionGroup("cinder-group").orElseThrow().members()).containsExactly(asyncModel.providerId());
        VolumeModelUpdate syncModel = backend.createVolume(sync);
        assertThat(syncModel.providerId()).isEqualTo("cinder-pod::" + sync.name() + "-cinder");
        assertThat(b.findVolume(syncModel.providerId())).isPresent();
        VolumeModelUpdate triModel = backend.createVolume(tri);
        assertThat(a.findProtectionGroup("cinder-pod::cinder-trisync").orElseThrow().members())
                .containsExactly(triModel.providerId());
        // idempotent by name
        assertThat(backend.createVolume(tri)).isEqualTo(triModel);
        a.createProtectionGroupSnapshot("cinder-pod::cinder-trisync", true, true);
        assertThat(c.findSnapshot("cinder-pod:cinder-trisync.1." + triModel.providerId())).isPresent();
    }

    @Test
    void retypeInEveryDirectionKeepsTheData() {
        CinderBackend backend = register();
        List<Map<String, String>> modes = List.of(NONE, ASYNC, SYNC, TRISYNC);
        Random random = new Random(4);
        for (Map<String, String> from : modes) {
            for (Map<String, String> to : modes) {
                if (from == to) {
                    continue;
                }
                CinderVolume v = volume(from);
                String name = backend.createVolume(v).providerId();
                byte[] data = new byte[100_000];
                random.nextBytes(data);
                a.write(name, 12_345, data);
                String before = a.checksum(name, 0, SPAN);
                VolumeModelUpdate model = backend.retype(as(v, name, from), to);
                String now = model.providerId();
                assertThat(a.checksum(now, 0, SPAN)).as("%s -> %s", from, to).isEqualTo(before);
                boolean pod = to == SYNC || to == TRISYNC;
                assertThat(now.startsWith("cinder-pod::")).isEqualTo(pod);
                assertThat(b.findVolume(now).isPresent()).as("%s -> %s on pure-b", from, to).isEqualTo(pod);
                if (pod) {
                    assertThat(b.checksum(now, 0, SPAN)).isEqualTo(before);
                }
                assertThat(a.findProtectionGroup("cinder-group").orElseThrow().members().contains(now))
                        .isEqualTo(to == ASYNC);
                assertThat(a.findProtectionGroup("cinder-pod::cinder-trisync").orElseThrow().members().contains(now))
                        .isEqualTo(to == TRISYNC);
                assertThat(model.replicationStatus()).isEqualTo(to == NONE ? "disabled" : "enabled");
                backend.deleteVolume(as(v, now, to));
            }
        }
    }

    @Test
    void snapshotsFollowTheirVolumeThroughARetype() {
        CinderBackend backend = register();
        CinderVolume v = volume(NONE);
        String name = backend.createVolume(v).providerId();
        CinderVolume created = as(v, name, NONE);
        CinderSnapshot snap = new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-1", "", created, 1);
        String snapName = backend.createSnapshot(snap).providerId();
        String inPod = backend.retype(created, SYNC).providerId();
        CinderVolume moved = as(v, inPod, SYNC);
        CinderSnapshot stale = new CinderSnapshot(snap.id(), snap.name(), snapName, moved, 1);
        assertThat(b.findSnapshot(inPod + ".snapshot-1")).isPresent();
        backend.createVolumeFromSnapshot(volume(NONE), stale);
        backend.deleteSnapshot(stale);
        assertThat(a.findSnapshot(inPod + ".snapshot-1").map(s -> s.destroyed()).orElse(true)).isTrue();
        assertThat(b.findSnapshot(inPod + ".snapshot-1").map(s -> s.destroyed()).orElse(true)).isTrue();
    }

    @Test
    void statsReportReplication() {
        BackendStats stats = register().volumeStats();
        assertThat(stats.replicationEnabled()).isTrue();
        assertThat(stats.replicationType()).containsExactly("async", "sync", "trisync");
        assertThat(stats.replicationTargets()).containsExactly("metro", "dr");
        assertThat(stats.extra()).containsEntry("replication_capability", "trisync");
        host.replication().cutLink("pure-a", "pure-c");
        assertThat(registry.backend("puredriver-1").volumeStats().extra())
                .containsEntry("replication_capability", "sync");
    }

    @Test
    void uniformAttachReturnsBothArraysTargets() {
        CinderBackend backend = register();
        HostConnector connector = new HostConnector("compute-1", "iqn.2026-01.org.example:compute-1", null, null, "",
                "", "192.168.1.10", true);
        CinderVolume sync = volume(SYNC);
        String podName = backend.createVolume(sync).providerId();
        ConnectionProperties.Iscsi both = (ConnectionProperties.Iscsi) backend.initializeConnection(
                as(sync, podName, SYNC), connector);
        List<String> aIqns = a.listPorts().stream().map(p -> p.iqn()).filter(java.util.Objects::nonNull).distinct().toList();
        List<String> bIqns = b.listPorts().stream().map(p -> p.iqn()).filter(java.util.Objects::nonNull).distinct().toList();
        assertThat(both.targetIqns()).containsAll(aIqns).containsAll(bIqns);
        CinderVolume plain = volume(NONE);
        String plainName = backend.createVolume(plain).providerId();
        ConnectionProperties.Iscsi one = (ConnectionProperties.Iscsi) backend.initializeConnection(
                as(plain, plainName, NONE), connector);
        assertThat(one.targetIqns()).doesNotContainAnyElementsOf(bIqns);
        backend.terminateConnection(as(sync, podName, SYNC), java.util.Optional.of(connector));
        assertThat(b.listConnections(null, podName)).isEmpty();
    }
}
