package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QoS from volume types, volume groups from extra specs and host personality, on a simulated array. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QosAndVolumeGroupsTest {
    private static final long MIB = 1L << 20;
    private static final String TOKEN = "tok-a-0123456789";
    private static final HostConnector HOST = new HostConnector("compute-1", "iqn.1993-08.org.debian:01:c1",
            List.of(), List.of(), "", "", "10.0.0.5", true);

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private SimulatedFlashArray a;
    private ArrayBackendRegistry registry;
    private final AtomicInteger uuids = new AtomicInteger();

    @BeforeEach
    void start() {
        host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", TOKEN)), Clock.systemUTC());
        a = host.open("pure-a", TOKEN);
        registry = new ArrayBackendRegistry(host, () -> String.format("%032x", uuids.incrementAndGet()),
                () -> "chap-secret-0123456789");
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private CinderBackend backend(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("san_ip", "sim://pure-a");
        o.put("pure_api_token", TOKEN);
        o.put("volume_backend_name", "puredriver-1");
        o.putAll(extra);
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, o, List.of(), ""));
        return registry.backend("puredriver-1");
    }

    private static CinderVolume volume(long size, Map<String, String> specs, QosSpecs.VolumeTypeQos qos) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", size, specs, "", qos);
    }

    private static CinderVolume created(CinderVolume v, VolumeModelUpdate update) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), update.providerId(), v.sizeGib(), v.extraSpecs(),
                v.replicationStatus(), v.qosSpec());
    }

    private static QosSpecs.VolumeTypeQos spec(Map<String, String> specs) {
        return new QosSpecs.VolumeTypeQos("back-end", specs);
    }

    @Test
    void specsFollowUpstreamPrecedenceAndScalePerGb() {
        QosSpecs fixed = QosSpecs.of(Map.of(), spec(Map.of("maxIOPS", "5000", "maxBWS", "200",
                "maxIOPS_per_GB", "10")), "v");
        assertThat(fixed.limitsFor(50, "v")).isEqualTo(new QosLimits(200 * MIB, 5000L));
        assertThat(fixed.perGb()).isFalse();
        QosSpecs perGb = QosSpecs.of(Map.of("maxIOPS_per_GB", "300", "maxBWS_per_GB", "2", "replication_enabled",
                "<is> True"), null, "v");
        assertThat(perGb.perGb()).isTrue();
        assertThat(perGb.limitsFor(10, "v")).isEqualTo(new QosLimits(20 * MIB, 3000L));
        // Clipped into the array's range instead of refused at some sizes.
        assertThat(perGb.limitsFor(1_000_000, "v").iops()).isEqualTo(QosLimits.MAX_IOPS);
        assertThat(QosSpecs.of(Map.of(), spec(Map.of("maxIOPS", "0")), "v").limitsFor(1, "v").unlimited()).isTrue();
        // Nova's specs are not ours.
        assertThat(QosSpecs.of(Map.of(), new QosSpecs.VolumeTypeQos("front-end", Map.of("read_iops_sec", "5")),
                "v").none()).isTrue();
    }

    @Test
    void badSpecsAreRefusedNamingTheKey() {
        assertThat(CinderFixture.failure(() -> QosSpecs.of(Map.of(), spec(Map.of("maxIOPS", "-1")), "v"),
                ErrorCode.INVALID_ARGUMENT).getMessage()).contains("maxIOPS").contains("negative");
        assertThat(CinderFixture.failure(() -> QosSpecs.of(Map.of(), spec(Map.of("total_iops_sec", "100")), "v"),
                ErrorCode.INVALID_ARGUMENT).getMessage()).contains("total_iops_sec");
        assertThat(CinderFixture.failure(() -> QosSpecs.of(Map.of(), spec(Map.of("minIOPS", "100")), "v"),
                ErrorCode.INVALID_ARGUMENT).getMessage()).contains("minIOPS").contains("no minimum");
        assertThat(CinderFixture.failure(() -> QosSpecs.of(Map.of("maxBWS", "lots"), null, "v"),
                ErrorCode.INVALID_ARGUMENT).getMessage()).contains("maxBWS");
        assertThat(CinderFixture.failure(() -> QosSpecs.of(Map.of("maxIOPS", "10"), null, "v"),
                ErrorCode.INVALID_ARGUMENT).reason()).isEqualTo("QOS_SPEC_OUT_OF_RANGE");
    }

    @Test
    void qosIsAppliedOnCreateCloneFromSnapshotRetypeAndRecomputedOnExtend() {
        CinderBackend backend = backend(Map.of());
        QosSpecs.VolumeTypeQos fixed = spec(Map.of("maxIOPS", "5000", "maxBWS", "200"));
        CinderVolume v = volume(1, Map.of(), fixed);
        v = created(v, backend.createVolume(v));
        assertThat(a.volumeQos(v.providerId())).isEqualTo(new QosLimits(200 * MIB, 5000L));

        CinderVolume clone = volume(2, Map.of("maxIOPS", "700"), null);
        clone = created(clone, backend.createClonedVolume(clone, v));
        assertThat(a.volumeQos(clone.providerId())).isEqualTo(new QosLimits(null, 700L));

        CinderSnapshot snap = new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-x", "", v, 1);
        backend.createSnapshot(snap);
        CinderVolume fromSnap = volume(3, Map.of(), spec(Map.of("maxIOPS_per_GB", "100")));
        fromSnap = created(fromSnap, backend.createVolumeFromSnapshot(fromSnap, snap));
        assertThat(a.volumeQos(fromSnap.providerId())).isEqualTo(new QosLimits(null, 300L));

        backend.extendVolume(fromSnap, 5);
        assertThat(a.volumeQos(fromSnap.providerId())).isEqualTo(new QosLimits(null, 500L));

        backend.retype(v, Map.of(), spec(Map.of("maxBWS_per_GB", "10")));
        assertThat(a.volumeQos(v.providerId())).isEqualTo(new QosLimits(10 * MIB, null));
        backend.retype(v, Map.of(), null);
        assertThat(a.volumeQos(v.providerId()).unlimited()).isTrue();
    }

    @Test
    void aBadTypeCreatesNothing() {
        CinderBackend backend = backend(Map.of());
        CinderVolume bad = volume(1, Map.of(), spec(Map.of("maxIOPS", "-5")));
        assertThat(CinderFixture.failure(() -> backend.createVolume(bad), ErrorCode.INVALID_ARGUMENT).getMessage())
                .contains("maxIOPS");
        CinderVolume badGroup = volume(1, Map.of("flasharray:vg_name", "vg1", "flasharray:vg_maxIOPS", "1"), null);
        assertThat(CinderFixture.failure(() -> backend.createVolume(badGroup), ErrorCode.INVALID_ARGUMENT)
                .getMessage()).contains("flasharray:vg_maxIOPS");
        CinderVolume syncGroup = volume(1, Map.of("flasharray:vg_name", "vg1", "replication_enabled", "<is> True",
                "replication_type", "<in> sync"), null);
        assertThat(CinderFixture.failure(() -> backend.createVolume(syncGroup), ErrorCode.FAILED_PRECONDITION)
                .getMessage()).contains("replication");
        assertThat(CinderFixture.failure(() -> VolumeGroupPlacement.of(Map.of("flasharray:vg_name", "vg1"),
                ReplicationMode.SYNC, "v"), ErrorCode.INVALID_ARGUMENT).reason())
                .isEqualTo("VOLUME_GROUP_SYNC_UNSUPPORTED");
        assertThat(a.listVolumes()).isEmpty();
        assertThat(a.listVolumeGroups()).isEmpty();
        // An existing volume keeps its limits when a retype to a bad type is refused.
        CinderVolume v = volume(1, Map.of(), spec(Map.of("maxIOPS", "1000")));
        v = created(v, backend.createVolume(v));
        CinderVolume current = v;
        CinderFixture.failure(() -> backend.retype(current, Map.of("maxIOPS", "-1"), null),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(a.volumeQos(v.providerId()).iops()).isEqualTo(1000L);
    }

    @Test
    void volumeGroupsFromExtraSpecsCarryTheGroupsQosAndGoWithTheirLastVolume() {
        CinderBackend backend = backend(Map.of());
        Map<String, String> specs = Map.of("flasharray:vg_name", "cinder vg!", "flasharray:vg_maxIOPS", "10000",
                "flasharray:vg_maxBWS", Long.toString(300 * MIB), "maxIOPS", "500");
        CinderVolume v1 = volume(1, specs, null);
        VolumeModelUpdate u1 = backend.createVolume(v1);
        assertThat(u1.providerId()).isEqualTo("cinder-vg/" + v1.name() + "-cinder");
        v1 = created(v1, u1);
        VolumeGroupRecord group = a.findVolumeGroup("cinder-vg").orElseThrow();
        assertThat(group.qos()).isEqualTo(new QosLimits(300 * MIB, 10_000L));
        // No volume-level QoS inside a group (upstream), the group's limits rule.
        assertThat(a.volumeQos(u1.providerId()).unlimited()).isTrue();

        CinderSnapshot snap = new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-y", "", v1, 1);
        assertThat(backend.createSnapshot(snap).providerId()).isEqualTo(u1.providerId() + ".snapshot-y");
        CinderVolume v2 = volume(1, specs, null);
        v2 = created(v2, backend.createVolumeFromSnapshot(v2, snap));
        assertThat(v2.providerId()).startsWith("cinder-vg/");
        assertThat(a.findVolumeGroup("cinder-vg").orElseThrow().volumeCount()).isEqualTo(2);

        // Retype out of the group: the volume moves to the root with the new type's QoS.
        VolumeModelUpdate moved = backend.retype(v2, Map.of("maxIOPS", "800"), null);
        assertThat(moved.providerId()).isEqualTo(v2.name() + "-cinder");
        assertThat(a.volumeQos(moved.providerId()).iops()).isEqualTo(800L);

        backend.deleteSnapshot(snap);
        backend.deleteVolume(v1);
        assertThat(a.findVolumeGroup("cinder-vg").orElseThrow().destroyed()).isTrue();
        // The next volume of the type recovers the group.
        CinderVolume v3 = volume(1, specs, null);
        backend.createVolume(v3);
        assertThat(a.findVolumeGroup("cinder-vg").orElseThrow().destroyed()).isFalse();
    }

    @Test
    void manageAppliesTheTypesVolumeGroupAndQosAfterCheckingThem() {
        CinderBackend backend = backend(Map.of());
        a.createVolume("legacy-a", 1L << 30, new QosLimits(null, 777L));
        a.createVolume("legacy-b", 1L << 30);
        CinderVolume bad = volume(1, Map.of(), spec(Map.of("maxIOPS", "-2")));
        CinderFixture.failure(() -> backend.manageExisting(bad, "legacy-a"), ErrorCode.INVALID_ARGUMENT);
        assertThat(a.findVolume("legacy-a")).isPresent(); // nothing renamed

        CinderVolume plain = volume(1, Map.of(), null);
        VolumeModelUpdate managed = backend.manageExisting(plain, "legacy-a");
        assertThat(a.volumeQos(managed.providerId()).unlimited()).isTrue(); // upstream clears it

        CinderVolume grouped = volume(1, Map.of("flasharray:vg_name", "vg-m", "flasharray:vg_maxIOPS", "2000"), null);
        VolumeModelUpdate inGroup = backend.manageExisting(grouped, "legacy-b");
        assertThat(inGroup.providerId()).isEqualTo("vg-m/" + grouped.name() + "-cinder");
        assertThat(backend.manageExisting(grouped, "legacy-b")).isEqualTo(inGroup); // a retry
        assertThat(a.findVolumeGroup("vg-m").orElseThrow().qos().iops()).isEqualTo(2000L);

        // A volume already managed is refused, and keeps its name.
        CinderVolume thief = volume(1, Map.of(), null);
        assertThat(CinderFixture.failure(() -> backend.manageExisting(thief, managed.providerId()),
                ErrorCode.FAILED_PRECONDITION).reason()).isEqualTo("VOLUME_ALREADY_MANAGED");
        assertThat(a.findVolume(managed.providerId())).isPresent();
    }

    @Test
    void personalityIsSetOnNewHostsAndOnExistingOnesAtAttach() {
        CinderBackend plain = backend(Map.of());
        CinderVolume v = volume(1, Map.of(), null);
        v = created(v, plain.createVolume(v));
        plain.initializeConnection(v, HOST);
        String hostName = a.listHosts().get(0).name();
        assertThat(a.findHost(hostName).orElseThrow().personality()).isNull();

        CinderBackend esxi = backend(Map.of("pure_host_personality", "esxi"));
        esxi.initializeConnection(v, HOST);
        assertThat(a.findHost(hostName).orElseThrow().personality()).isEqualTo("esxi");
        esxi.terminateConnection(v, java.util.Optional.of(HOST));
        assertThat(a.listHosts()).isEmpty();
        esxi.initializeConnection(v, HOST);
        assertThat(a.listHosts()).singleElement().extracting(h -> h.personality()).isEqualTo("esxi");
    }
}
