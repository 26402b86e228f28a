package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Consistency groups over a simulated array: protection group per group, group snapshots, clones. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsistencyGroupsTest {
    private static final String TOKEN = "tok-a-0123456789";
    private static final Map<String, String> CG = Map.of("consistent_group_snapshot_enabled", "<is> True");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private SimulatedFlashArray a;
    private CinderBackend backend;

    @BeforeEach
    void start() {
        host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", TOKEN)), Clock.systemUTC());
        a = host.open("pure-a", TOKEN);
        ArrayBackendRegistry registry = new ArrayBackendRegistry(host, () -> UUID.randomUUID().toString()
                .replace("-", ""), () -> "chap-secret-0123456789");
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of("san_ip", "sim://pure-a",
                "pure_api_token", TOKEN, "pure_eradicate_on_delete", "true"), List.of(), ""));
        backend = registry.backend("puredriver-1");
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private static CinderGroup group(Map<String, String> specs) {
        return new CinderGroup(UUID.randomUUID().toString(), specs, List.of(Map.of()));
    }

    private static CinderVolume volume(CinderGroup group) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", 1, Map.of(), "", null, group);
    }

    private CinderVolume create(CinderVolume v) {
        String name = backend.createVolume(v).providerId();
        return new CinderVolume(v.id(), v.nameId(), v.name(), name, v.sizeGib(), v.extraSpecs(), "", null, v.group());
    }

    private static byte[] bytes(int seed) {
        byte[] data = new byte[64 * 1024];
        Arrays.fill(data, (byte) seed);
        return data;
    }

    @Test
    void groupsWithoutTheSpecAreCinderGenericAndUnhonourableTypesAreRefused() {
        CinderGroup generic = group(Map.of());
        assertThat(CinderFixture.failure(() -> backend.createGroup(generic), ErrorCode.UNIMPLEMENTED).reason())
                .isEqualTo("GROUP_NOT_CONSISTENT");
        CinderGroup replicated = group(Map.of("consistent_group_snapshot_enabled", "<is> True",
                "consistent_group_replication_enabled", "<is> True"));
        assertThat(CinderFixture.failure(() -> backend.createGroup(replicated), ErrorCode.INVALID_ARGUMENT)
                .getMessage()).contains("consistent_group_replication_enabled");
        CinderGroup sync = new CinderGroup(UUID.randomUUID().toString(), CG, List.of(Map.of(
                "replication_enabled", "<is> True", "replication_type", "<in> sync")));
        assertThat(CinderFixture.failure(() -> backend.createGroup(sync), ErrorCode.INVALID_ARGUMENT).reason())
                .isEqualTo("GROUP_TYPE_UNSUPPORTED");
        assertThat(a.listProtectionGroups()).isEmpty();
    }

    @Test
    void groupSnapshotIsConsistentAndGroupsFromItAndFromTheGroupHoldTheBytes() {
        CinderGroup g = group(CG);
        backend.createGroup(g);
        backend.createGroup(g); // idempotent
        String pg = "consisgroup-" + g.id() + "-cinder";
        CinderVolume v1 = create(volume(g));
        CinderVolume v2 = create(volume(null));
        backend.updateGroup(g, List.of(v2), List.of());
        assertThat(a.findProtectionGroup(pg).orElseThrow().members())
                .containsExactlyInAnyOrder(v1.providerId(), v2.providerId());
        a.write(v1.providerId(), 0, bytes(1));
        a.write(v2.providerId(), 0, bytes(2));

        String gsId = UUID.randomUUID().toString();
        List<CinderSnapshot> snaps = List.of(new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-1", "", v1, 1),
                new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-2", "", v2, 1));
        List<SnapshotModelUpdate> models = backend.createGroupSnapshot(g, gsId, snaps);
        assertThat(models).extracting(SnapshotModelUpdate::providerId).containsExactly(
                pg + ".cgsnapshot-" + gsId + "-cinder." + v1.providerId(),
                pg + ".cgsnapshot-" + gsId + "-cinder." + v2.providerId());
        assertThat(backend.createGroupSnapshot(g, gsId, snaps)).isEqualTo(models); // idempotent
        a.write(v1.providerId(), 0, bytes(3));

        CinderGroup fromSnap = group(CG);
        List<CinderVolume> members = List.of(volume(fromSnap), volume(fromSnap));
        List<CinderSnapshot> sources = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CinderSnapshot s = snaps.get(i);
            sources.add(new CinderSnapshot(s.id(), s.name(), models.get(i).providerId(), s.volume(), 1));
        }
        List<VolumeModelUpdate> made = backend.createGroupFromGroupSnapshot(fromSnap, members, sources);
        assertThat(a.read(made.get(0).providerId(), 0, 4)).containsOnly(1);
        assertThat(a.read(made.get(1).providerId(), 0, 4)).containsOnly(2);
        assertThat(a.findProtectionGroup("consisgroup-" + fromSnap.id() + "-cinder").orElseThrow().members())
                .containsExactlyInAnyOrder(made.get(0).providerId(), made.get(1).providerId());

        CinderGroup clone = group(CG);
        List<VolumeModelUpdate> cloned = backend.createGroupFromGroup(clone, List.of(volume(clone), volume(clone)), g,
                List.of(v1, v2));
        assertThat(a.read(cloned.get(0).providerId(), 0, 4)).containsOnly(3);
        assertThat(a.read(cloned.get(1).providerId(), 0, 4)).containsOnly(2);
        // The temporary snapshot of the source group is gone.
        assertThat(a.listProtectionGroupSnapshots(pg)).hasSize(1);

        backend.deleteGroupSnapshot(g, gsId);
        backend.deleteGroupSnapshot(g, gsId); // missing: success
        assertThat(a.listProtectionGroupSnapshots(pg)).isEmpty();
        backend.updateGroup(g, List.of(), List.of(v2, v2));
        assertThat(a.findProtectionGroup(pg).orElseThrow().members()).containsExactly(v1.providerId());
        backend.deleteGroup(g, List.of(v1));
        backend.deleteGroup(g, List.of(v1)); // missing: success
        assertThat(a.findProtectionGroup(pg)).isEmpty();
        assertThat(a.findVolume(v1.providerId())).isEmpty();
    }
}
