package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * Group replication (Tiramisu) of async replicated consistency groups over simulated arrays that
 * really replicate: pure-a primary, pure-b sync target ("metro"), pure-c async target ("dr"). A group
 * fails over on its own, consistently, and back, with the bytes checked on the array serving each
 * volume; the rest of the backend stays on the primary.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupReplicationTest {
    private static final long SPAN = 256 * 1024;
    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> ASYNC = Map.of("replication_enabled", "<is> True");
    private static final Map<String, String> SYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> sync");
    private static final Map<String, String> REPLICATED_CG = Map.of("consistent_group_snapshot_enabled", "<is> True",
            "consistent_group_replication_enabled", "<is> True");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private SimulatedFlashArray a;
    private SimulatedFlashArray c;
    private ArrayBackendRegistry registry;
    private ReplicatedArrays arrays;
    private final Random random = new Random(16);

    @BeforeEach
    void start() {
        arrays = new ReplicatedArrays(dir);
        host = arrays.host;
        a = arrays.a;
        c = arrays.c;
        registry = arrays.registry;
    }

    @AfterEach
    void stop() {
        arrays.close();
    }

    private CinderBackend register(boolean replicated) {
        return arrays.register(ReplicatedArrays.options(), replicated ? ReplicatedArrays.devices() : List.of(), "");
    }

    private static CinderGroup group(Map<String, String> volumeType, String replicationStatus) {
        return new CinderGroup(UUID.randomUUID().toString(), REPLICATED_CG, List.of(volumeType), replicationStatus);
    }

    private CinderVolume create(CinderBackend backend, Map<String, String> specs, CinderGroup group) {
        String id = UUID.randomUUID().toString();
        CinderVolume v = new CinderVolume(id, id, "volume-" + id, "", 1, specs, "", null, group);
        VolumeModelUpdate model = backend.createVolume(v);
        CinderVolume created = new CinderVolume(id, id, v.name(), model.providerId(), 1, specs,
                model.replicationStatus(), null, group);
        write(backend, created);
        return created;
    }

    private void write(CinderBackend backend, CinderVolume v) {
        byte[] data = new byte[70_000];
        random.nextBytes(data);
        VolumeData d = backend.volumeData(v);
        d.access().write(d.arrayVolumeName(), random.nextInt(100_000), data);
    }

    private static String checksum(CinderBackend backend, CinderVolume v) {
        VolumeData d = backend.volumeData(v);
        return d.access().checksum(d.arrayVolumeName(), 0, SPAN);
    }

    private static CinderVolume applied(CinderVolume v, FailoverVolumeUpdate u) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), u.providerId().isEmpty() ? v.providerId() : u.providerId(),
                v.sizeGib(), v.extraSpecs(), u.replicationStatus(), null, v.group());
    }

    private static List<CinderVolume> applied(List<CinderVolume> volumes, GroupReplicationUpdate update) {
        List<CinderVolume> out = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            assertThat(update.volumes().get(i).volumeId()).isEqualTo(volumes.get(i).id());
            out.add(applied(volumes.get(i), update.volumes().get(i)));
        }
        return out;
    }

    private static CinderGroup withStatus(CinderGroup g, String status) {
        return new CinderGroup(g.id(), g.groupSpecs(), g.volumeTypeSpecs(), status);
    }

    @Test
    void asyncGroupFailsOverAloneConsistentlyAndBack() {
        CinderBackend backend = register(true);
        assertThat(backend.volumeStats().extra()).containsEntry("consistent_group_replication_enabled", "True");
        CinderGroup created = group(ASYNC, "disabled");
        String pg = "consisgroup-" + created.id() + "-cinder";
        backend.createGroup(created);
        List<CinderVolume> members = List.of(create(backend, ASYNC, created), create(backend, ASYNC, created));
        CinderVolume outside = create(backend, ASYNC, null);
        // Members are replicated by their group alone; replication waits for enable_replication.
        assertThat(members).allMatch(v -> v.replicationStatus().equals("disabled"));
        assertThat(a.findProtectionGroup(pg).orElseThrow().members())
                .containsExactlyInAnyOrderElementsOf(members.stream().map(CinderVolume::providerId).toList());
        assertThat(a.findProtectionGroup("cinder-group").orElseThrow().members()).containsExactly(outside.providerId());

        GroupReplicationUpdate enabled = backend.enableGroupReplication(created, members);
        assertThat(enabled.replicationStatus()).isEqualTo("enabled");
        assertThat(enabled.volumes()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("enabled");
        assertThat(a.findProtectionGroup(pg).orElseThrow().targets()).extracting(t -> t.arrayName())
                .contains("pure-c");
        assertThat(c.listProtectionGroupSnapshots("pure-a:" + pg)).isNotEmpty();
        CinderGroup group = withStatus(created, "enabled");
        // A volume created in an enabled group reports it replicated.
        CinderVolume third = create(backend, ASYNC, group);
        assertThat(third.replicationStatus()).isEqualTo("enabled");
        List<CinderVolume> all = List.of(members.get(0), members.get(1), third);

        all.forEach(v -> write(backend, v));
        Map<String, String> before = new HashMap<>();
        all.forEach(v -> before.put(v.id(), checksum(backend, v)));
        String outsideBefore = checksum(backend, outside);

        GroupReplicationUpdate over = backend.failoverGroupReplication(group, all, "dr");
        assertThat(over.replicationStatus()).isEqualTo("failed-over");
        List<CinderVolume> onDr = applied(all, over);
        for (CinderVolume v : onDr) {
            assertThat(v.providerId()).startsWith("pure-c:volume-");
            assertThat(checksum(backend, v)).as("volume %s on pure-c", v.id()).isEqualTo(before.get(v.id()));
        }
        assertThat(over.volumes()).allMatch(u -> u.metadata().get("array_name").equals("pure-c"));
        // The backend is not failed over: the other volume stays on the primary, as do stats.
        assertThat(checksum(backend, outside)).isEqualTo(outsideBefore);
        assertThat(backend.volumeData(outside).access()).isSameAs(backend.volumeData(all.get(0)).access());
        assertThat(backend.volumeStats().extra()).containsEntry("replication_status", "enabled")
                .containsEntry("active_backend_id", "");
        // Retried: the same answer, nothing moves.
        assertThat(backend.failoverGroupReplication(withStatus(group, "failed-over"), onDr, "dr").replicationStatus())
                .isEqualTo("failed-over");
        // Another target while failed over is refused, naming it.
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, onDr, "metro"))
                .isInstanceOf(EngineException.class).hasMessageContaining("metro").hasMessageContaining("default");

        // I/O continues on pure-c; a snapshot of a failed-over volume is taken there.
        onDr.forEach(v -> write(backend, v));
        SnapshotModelUpdate snap = backend.createSnapshot(new CinderSnapshot(UUID.randomUUID().toString(),
                "snapshot-g", "", onDr.get(0), 1));
        assertThat(snap.providerId()).startsWith("pure-c:volume-");
        assertThat(c.findSnapshot(LocatedNames.withoutArray(snap.providerId()))).isPresent();
        backend.deleteSnapshot(new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-g", snap.providerId(),
                onDr.get(0), 1));
        Map<String, String> drData = new HashMap<>();
        onDr.forEach(v -> drData.put(v.id(), checksum(backend, v)));

        GroupReplicationUpdate back = backend.failoverGroupReplication(withStatus(group, "failed-over"), onDr,
                "default");
        assertThat(back.replicationStatus()).isEqualTo("enabled");
        List<CinderVolume> home = applied(onDr, back);
        for (CinderVolume v : home) {
            assertThat(v.providerId()).startsWith("volume-");
            assertThat(checksum(backend, v)).as("DR writes of %s back on pure-a", v.id()).isEqualTo(drData.get(v.id()));
            assertThat(c.findVolume(v.providerId()).filter(x -> !x.destroyed())).isEmpty();
        }
        assertThat(c.findProtectionGroup(pg)).isEmpty();
        assertThat(a.findProtectionGroup(pg).orElseThrow().replicationSchedule().enabled()).isTrue();
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(withStatus(group, "enabled"), home))))
                .isEmpty();

        // A link down makes the group's replication an error, which stats announce.
        host.replication().cutLink("pure-a", "pure-c");
        assertThat(backend.volumeStats().extra()).containsEntry("replication_status", "error");
        List<GroupReplicationUpdate> errors = backend.groupReplicationErrors(List.of(
                new ReplicatedGroup(withStatus(group, "enabled"), home)));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.groupId()).isEqualTo(group.id());
            assertThat(e.replicationStatus()).isEqualTo("error");
            assertThat(e.volumes()).hasSize(3).allMatch(u -> u.replicationStatus().equals("error"));
        });
        host.replication().restoreLink("pure-a", "pure-c");

        // Disable keeps the data on the target and stops shipping.
        GroupReplicationUpdate disabled = backend.disableGroupReplication(withStatus(group, "enabled"), home);
        assertThat(disabled.replicationStatus()).isEqualTo("disabled");
        assertThat(a.findProtectionGroup(pg).orElseThrow().targets()).isEmpty();
        assertThat(c.listProtectionGroupSnapshots("pure-a:" + pg)).isNotEmpty();

        backend.deleteGroup(group, home);
        assertThat(a.findProtectionGroup(pg)).isEmpty();
    }

    @Test
    void deletingAFailedOverGroupDeletesItsVolumesWhereTheyAre() {
        CinderBackend backend = register(true);
        CinderGroup group = group(ASYNC, "");
        backend.createGroup(group);
        List<CinderVolume> members = List.of(create(backend, ASYNC, group));
        backend.enableGroupReplication(group, members);
        // No backend_id: the first replication_device (cinder.conf order) holding a copy of the group.
        List<CinderVolume> onB = applied(members, backend.failoverGroupReplication(group, members, ""));
        assertThat(onB.get(0).providerId()).startsWith("pure-b:");
        SimulatedFlashArray b = host.open("pure-b", "tok-b-0123456789");
        assertThat(b.findProtectionGroup("consisgroup-" + group.id() + "-cinder")).isPresent();
        backend.deleteGroup(group, onB);
        assertThat(b.findVolume(LocatedNames.withoutArray(onB.get(0).providerId())).map(v -> v.destroyed()))
                .hasValue(true);
        assertThat(b.findProtectionGroup("consisgroup-" + group.id() + "-cinder")).isEmpty();
        assertThat(a.findProtectionGroup("consisgroup-" + group.id() + "-cinder")).isEmpty();
    }

    @Test
    void wholeBackendFailoverFindsGroupMembersInTheirGroupsCopies() {
        CinderBackend backend = register(true);
        CinderGroup group = group(ASYNC, "");
        backend.createGroup(group);
        CinderVolume member = create(backend, ASYNC, group);
        CinderVolume plain = create(backend, ASYNC, null);
        backend.enableGroupReplication(group, List.of(member));
        String memberData = checksum(backend, member);
        FailoverResult result = registry.failover("puredriver-1", new FailoverRequest(List.of(member, plain),
                Map.of(member.id(), group.id()), List.of(group.id()), "dr"));
        assertThat(result.volumeUpdates()).allMatch(u -> u.replicationStatus().equals("failed-over"));
        assertThat(result.groupUpdates()).singleElement().satisfies(g -> assertThat(g.replicationStatus())
                .isEqualTo("failed-over"));
        assertThat(c.checksum(member.providerId(), 0, SPAN)).isEqualTo(memberData);

        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of("san_ip", "sim://pure-a",
                "pure_api_token", "tok-a-0123456789", "volume_backend_name", "puredriver-1",
                "pure_replica_interval_default", "600"), List.of(Map.of("backend_id", "metro", "san_ip",
                "sim://pure-b", "api_token", "tok-b-0123456789", "type", "sync"), Map.of("backend_id", "dr",
                "san_ip", "sim://pure-c", "api_token", "tok-c-0123456789")), "dr"));
        FailoverResult back = registry.failover("puredriver-1", new FailoverRequest(List.of(member, plain),
                Map.of(member.id(), group.id()), List.of(group.id()), "default"));
        assertThat(back.volumeUpdates()).allMatch(u -> u.replicationStatus().equals("enabled"));
        // Home again, the member is replicated by its group alone.
        assertThat(a.findProtectionGroup("cinder-group").orElseThrow().members()).doesNotContain(member.providerId())
                .contains(plain.providerId());
        assertThat(a.findProtectionGroup("consisgroup-" + group.id() + "-cinder").orElseThrow().members())
                .containsExactly(member.providerId());
    }

    @Test
    void badInputIsRefusedNamingTheKeyAndNothingIsMade() {
        CinderBackend plain = register(false);
        assertThat(plain.volumeStats().extra()).containsEntry("consistent_group_replication_enabled", "False");
        CinderGroup noDevice = group(ASYNC, "");
        assertThatThrownBy(() -> plain.createGroup(noDevice)).isInstanceOf(EngineException.class)
                .hasMessageContaining("consistent_group_replication_enabled").hasMessageContaining("replication_device");
        assertThat(a.findProtectionGroup("consisgroup-" + noDevice.id() + "-cinder")).isEmpty();

        CinderBackend backend = register(true);
        CinderGroup sync = group(Map.of("replication_enabled", "<is> True",
                "replication_type", "<in> bogus"), "");
        assertThatThrownBy(() -> backend.createGroup(sync)).isInstanceOf(EngineException.class)
                .hasMessageContaining("replication_type='<in> bogus'");
        CinderGroup notReplicated = group(NONE, "");
        assertThatThrownBy(() -> backend.createGroup(notReplicated)).isInstanceOf(EngineException.class)
                .hasMessageContaining("replication_enabled=unset");
        assertThat(a.listProtectionGroups()).noneMatch(g -> g.name().contains(sync.id())
                || g.name().contains(notReplicated.id()));

        CinderGroup group = group(ASYNC, "");
        backend.createGroup(group);
        List<CinderVolume> members = List.of(create(backend, ASYNC, group));
        backend.enableGroupReplication(group, members);
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, members, "nowhere"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo("INVALID_REPLICATION_TARGET"))
                .hasMessageContaining("'nowhere'").hasMessageContaining("'dr'");
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, members, "default"))
                .hasMessageContaining("not failed over");
        assertThat(c.findVolume(members.get(0).providerId())).isEmpty();
    }
}
