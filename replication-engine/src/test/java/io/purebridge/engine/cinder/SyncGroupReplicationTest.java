package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.PodArrayStatus;
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
 * Group replication of sync replicated consistency groups: one pod per group, stretched to the
 * sync target (pure-b, "metro") on enable, failed over alone with the bytes served by pure-b,
 * failed back with pure-b's writes, in error when the link is cut, unstretched on disable. Plain
 * consistency groups of sync volume types snapshot through a protection group inside cinder-pod.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyncGroupReplicationTest {
    private static final long SPAN = 256 * 1024;
    private static final Map<String, String> ASYNC = Map.of("replication_enabled", "<is> True");
    private static final Map<String, String> SYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> sync");
    private static final Map<String, String> TRISYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> trisync");
    private static final Map<String, String> REPLICATED_CG = Map.of("consistent_group_snapshot_enabled", "<is> True",
            "consistent_group_replication_enabled", "<is> True");
    private static final Map<String, String> CG = Map.of("consistent_group_snapshot_enabled", "<is> True");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private SimulatedFlashArray a;
    private SimulatedFlashArray b;
    private ArrayBackendRegistry registry;
    private ReplicatedArrays arrays;
    private final Random random = new Random(17);

    @BeforeEach
    void start() {
        arrays = new ReplicatedArrays(dir);
        host = arrays.host;
        a = arrays.a;
        b = arrays.b;
        registry = arrays.registry;
    }

    @AfterEach
    void stop() {
        arrays.close();
    }

    private CinderBackend register() {
        return arrays.register(ReplicatedArrays.options(), ReplicatedArrays.devices(), "");
    }

    private static CinderGroup group(Map<String, String> groupSpecs, List<Map<String, String>> types, String status) {
        return new CinderGroup(UUID.randomUUID().toString(), groupSpecs, types, status);
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

    private static List<CinderVolume> applied(List<CinderVolume> volumes, GroupReplicationUpdate update) {
        List<CinderVolume> out = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            CinderVolume v = volumes.get(i);
            FailoverVolumeUpdate u = update.volumes().get(i);
            assertThat(u.volumeId()).isEqualTo(v.id());
            out.add(new CinderVolume(v.id(), v.nameId(), v.name(), u.providerId().isEmpty() ? v.providerId()
                    : u.providerId(), v.sizeGib(), v.extraSpecs(), u.replicationStatus(), null, v.group()));
        }
        return out;
    }

    private static CinderGroup withStatus(CinderGroup g, String status) {
        return new CinderGroup(g.id(), g.groupSpecs(), g.volumeTypeSpecs(), status);
    }

    private void awaitInSync(String pod) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            host.replication().tick();
            if (a.findPod(pod).orElseThrow().arrays().stream().allMatch(m -> m.status().equals(PodArrayStatus.ONLINE))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("pod " + pod + " did not resync: " + a.findPod(pod));
    }

    @Test
    void syncGroupFailsOverAloneThroughItsPodAndBack() throws InterruptedException {
        CinderBackend backend = register();
        CinderGroup created = group(REPLICATED_CG, List.of(SYNC), "disabled");
        String pod = "consisgroup-" + created.id() + "-cinder";
        String pg = pod + "::" + pod;
        backend.createGroup(created);
        assertThat(a.findPod(pod).orElseThrow().arrayCount()).isEqualTo(1);
        assertThat(a.findProtectionGroup(pg)).isPresent();
        List<CinderVolume> members = List.of(create(backend, SYNC, created), create(backend, SYNC, created));
        CinderVolume outside = create(backend, SYNC, null);
        assertThat(members).allSatisfy(v -> {
            assertThat(v.providerId()).startsWith(pod + "::volume-");
            assertThat(v.replicationStatus()).isEqualTo("disabled");
        });
        assertThat(outside.providerId()).startsWith("cinder-pod::volume-");
        assertThat(b.findPod(pod)).isEmpty();

        // Enable stretches the group's pod to the sync target: every member is there, in sync.
        GroupReplicationUpdate enabled = backend.enableGroupReplication(created, members);
        assertThat(enabled.replicationStatus()).isEqualTo("enabled");
        assertThat(enabled.volumes()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("enabled");
        assertThat(a.findPod(pod).orElseThrow().arrays()).extracting(PodArrayStatus::arrayName)
                .containsExactly("pure-a", "pure-b");
        CinderGroup group = withStatus(created, "enabled");
        CinderVolume third = create(backend, SYNC, group);
        assertThat(third.replicationStatus()).isEqualTo("enabled");
        List<CinderVolume> all = List.of(members.get(0), members.get(1), third);
        all.forEach(v -> write(backend, v));
        Map<String, String> before = new HashMap<>();
        all.forEach(v -> before.put(v.id(), checksum(backend, v)));
        all.forEach(v -> assertThat(b.checksum(v.providerId(), 0, SPAN)).isEqualTo(before.get(v.id())));

        // A group snapshot is one operation of the in-pod protection group, present on both arrays.
        String gsId = UUID.randomUUID().toString();
        List<SnapshotModelUpdate> snaps = backend.createGroupSnapshot(group, gsId, all.stream().map(v ->
                new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-" + v.id(), "", v, 1)).toList());
        assertThat(snaps).allMatch(s -> s.providerId().startsWith(pg + ".cgsnapshot-" + gsId + "-cinder."));
        assertThat(b.listProtectionGroupSnapshots(pg)).isNotEmpty();

        String outsideBefore = checksum(backend, outside);
        GroupReplicationUpdate over = backend.failoverGroupReplication(group, all, "metro");
        assertThat(over.replicationStatus()).isEqualTo("failed-over");
        List<CinderVolume> onB = applied(all, over);
        for (CinderVolume v : onB) {
            assertThat(v.providerId()).startsWith("pure-b:" + pod + "::volume-");
            assertThat(checksum(backend, v)).as("volume %s on pure-b", v.id()).isEqualTo(before.get(v.id()));
        }
        assertThat(b.findPod(pod).orElseThrow().failoverPreferences()).containsExactly("pure-b");
        assertThat(backend.volumeData(onB.get(0)).access()).isNotSameAs(backend.volumeData(outside).access());
        assertThat(checksum(backend, outside)).isEqualTo(outsideBefore);
        assertThat(backend.volumeStats().extra()).containsEntry("replication_status", "enabled")
                .containsEntry("active_backend_id", "");
        CinderGroup failedOver = withStatus(group, "failed-over");
        assertThat(backend.failoverGroupReplication(failedOver, onB, "metro").replicationStatus())
                .isEqualTo("failed-over");
        assertThatThrownBy(() -> backend.failoverGroupReplication(failedOver, onB, "dr"))
                .isInstanceOf(EngineException.class).hasMessageContaining("default");
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(failedOver, onB)))).isEmpty();

        // I/O on pure-b; the pod mirrors it to pure-a, so failback finds it there.
        onB.forEach(v -> write(backend, v));
        Map<String, String> bData = new HashMap<>();
        onB.forEach(v -> bData.put(v.id(), checksum(backend, v)));
        GroupReplicationUpdate back = backend.failoverGroupReplication(failedOver, onB, "default");
        assertThat(back.replicationStatus()).isEqualTo("enabled");
        List<CinderVolume> home = applied(onB, back);
        for (CinderVolume v : home) {
            assertThat(v.providerId()).startsWith(pod + "::volume-");
            assertThat(a.checksum(v.providerId(), 0, SPAN)).as("pure-b's writes of %s on pure-a", v.id())
                    .isEqualTo(bData.get(v.id()));
        }
        assertThat(a.findPod(pod).orElseThrow().failoverPreferences()).containsExactly("pure-a");

        // A cut link takes pure-b out of the pod: the group is in error, stats say so, failover is refused.
        host.replication().cutLink("pure-a", "pure-b");
        write(backend, home.get(0));
        assertThat(backend.volumeStats().extra()).containsEntry("replication_status", "error");
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(group, home)))).singleElement()
                .satisfies(e -> {
                    assertThat(e.replicationStatus()).isEqualTo("error");
                    assertThat(e.volumes()).hasSize(3).allMatch(u -> u.replicationStatus().equals("error")
                            && u.detail().contains(pod));
                });
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, home, "metro"))
                .isInstanceOf(EngineException.class).hasMessageContaining("pure-b");
        host.replication().restoreLink("pure-a", "pure-b");
        awaitInSync(pod);
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(group, home)))).isEmpty();
        assertThat(b.checksum(home.get(0).providerId(), 0, SPAN)).isEqualTo(a.checksum(home.get(0).providerId(), 0,
                SPAN));

        // Disable unstretches; the data stays on pure-a.
        Map<String, String> last = new HashMap<>();
        home.forEach(v -> last.put(v.id(), checksum(backend, v)));
        GroupReplicationUpdate disabled = backend.disableGroupReplication(group, home);
        assertThat(disabled.replicationStatus()).isEqualTo("disabled");
        assertThat(a.findPod(pod).orElseThrow().arrayCount()).isEqualTo(1);
        home.forEach(v -> assertThat(checksum(backend, v)).isEqualTo(last.get(v.id())));
        assertThat(create(backend, SYNC, withStatus(group, "disabled")).replicationStatus()).isEqualTo("disabled");

        backend.deleteGroupSnapshot(group, gsId);
        backend.deleteGroup(withStatus(group, "disabled"), List.of());
        assertThat(a.findProtectionGroup(pg)).isEmpty();
    }

    @Test
    void syncGroupFailsOverWhenThePrimaryIsDownAndBackOnceResynced() throws InterruptedException {
        CinderBackend backend = register();
        CinderGroup group = group(REPLICATED_CG, List.of(SYNC), "");
        String pod = "consisgroup-" + group.id() + "-cinder";
        backend.createGroup(group);
        List<CinderVolume> members = List.of(create(backend, SYNC, group), create(backend, SYNC, group));
        backend.enableGroupReplication(group, members);
        members.forEach(v -> write(backend, v));
        Map<String, String> before = new HashMap<>();
        members.forEach(v -> before.put(v.id(), checksum(backend, v)));

        // Unplanned: pure-a stops; pure-b keeps the pod (mediator) and serves the group.
        host.replication().stopArray("pure-a");
        host.replication().tick();
        List<CinderVolume> onB = applied(members, backend.failoverGroupReplication(group, members, "metro"));
        for (CinderVolume v : onB) {
            assertThat(checksum(backend, v)).isEqualTo(before.get(v.id()));
        }
        onB.forEach(v -> write(backend, v));
        Map<String, String> bData = new HashMap<>();
        onB.forEach(v -> bData.put(v.id(), checksum(backend, v)));
        CinderGroup failedOver = withStatus(group, "failed-over");
        assertThatThrownBy(() -> backend.failoverGroupReplication(failedOver, onB, "default"))
                .isInstanceOf(EngineException.class);

        host.replication().startArray("pure-a");
        awaitInSync(pod);
        List<CinderVolume> home = applied(onB, backend.failoverGroupReplication(failedOver, onB, "default"));
        for (CinderVolume v : home) {
            assertThat(v.providerId()).startsWith(pod + "::");
            assertThat(a.checksum(v.providerId(), 0, SPAN)).isEqualTo(bData.get(v.id()));
        }
    }

    @Test
    void wholeBackendFailoverToTheSyncTargetFindsGroupMembersInTheirPod() {
        CinderBackend backend = register();
        CinderGroup group = group(REPLICATED_CG, List.of(SYNC), "");
        backend.createGroup(group);
        CinderVolume member = create(backend, SYNC, group);
        CinderVolume plain = create(backend, SYNC, null);
        backend.enableGroupReplication(group, List.of(member));
        String memberData = checksum(backend, member);
        FailoverResult result = registry.failover("puredriver-1", new FailoverRequest(List.of(member, plain),
                Map.of(member.id(), group.id()), List.of(group.id()), "metro"));
        assertThat(result.volumeUpdates()).allMatch(u -> u.replicationStatus().equals("failed-over"));
        assertThat(b.checksum(member.providerId(), 0, SPAN)).isEqualTo(memberData);
    }

    @Test
    void trisyncGroupFailsOverToEitherLegAndBack() throws InterruptedException {
        CinderBackend backend = register();
        SimulatedFlashArray c = host.open("pure-c", "tok-c-0123456789");
        CinderGroup created = group(REPLICATED_CG, List.of(TRISYNC), "");
        String pod = "consisgroup-" + created.id() + "-cinder";
        String pg = pod + "::" + pod;
        backend.createGroup(created);
        List<CinderVolume> members = List.of(create(backend, TRISYNC, created), create(backend, TRISYNC, created));
        assertThat(members).allMatch(v -> v.providerId().startsWith(pod + "::volume-")
                && v.replicationStatus().equals("disabled"));
        assertThat(a.findProtectionGroup("cinder-pod::cinder-trisync").map(g -> g.members()).orElse(List.of()))
                .doesNotContainAnyElementsOf(members.stream().map(CinderVolume::providerId).toList());

        // Enable: the pod stretched to pure-b, its protection group shipping to pure-c.
        assertThat(backend.enableGroupReplication(created, members).replicationStatus()).isEqualTo("enabled");
        assertThat(a.findPod(pod).orElseThrow().arrayCount()).isEqualTo(2);
        assertThat(a.findProtectionGroup(pg).orElseThrow().targets()).extracting(t -> t.arrayName())
                .containsExactly("pure-c");
        assertThat(c.listProtectionGroupSnapshots(pod + ":" + pod)).isNotEmpty();
        CinderGroup group = withStatus(created, "enabled");
        members.forEach(v -> write(backend, v));
        Map<String, String> before = new HashMap<>();
        members.forEach(v -> before.put(v.id(), checksum(backend, v)));

        // To the async leg: restored on pure-c from one group snapshot, as root volumes.
        List<CinderVolume> onC = applied(members, backend.failoverGroupReplication(group, members, "dr"));
        for (CinderVolume v : onC) {
            assertThat(v.providerId()).isEqualTo("pure-c:volume-" + v.id() + "-cinder");
            assertThat(checksum(backend, v)).isEqualTo(before.get(v.id()));
        }
        onC.forEach(v -> write(backend, v));
        Map<String, String> cData = new HashMap<>();
        onC.forEach(v -> cData.put(v.id(), checksum(backend, v)));
        CinderGroup failedOver = withStatus(group, "failed-over");
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(failedOver, onC)))).isEmpty();
        List<CinderVolume> home = applied(onC, backend.failoverGroupReplication(failedOver, onC, "default"));
        for (CinderVolume v : home) {
            assertThat(v.providerId()).startsWith(pod + "::volume-");
            assertThat(a.checksum(v.providerId(), 0, SPAN)).isEqualTo(cData.get(v.id()));
            // Back in the stretched pod: mirrored to the sync leg too.
            assertThat(b.checksum(v.providerId(), 0, SPAN)).isEqualTo(cData.get(v.id()));
            assertThat(c.findVolume("volume-" + v.id() + "-cinder").filter(x -> !x.destroyed())).isEmpty();
        }
        assertThat(a.findProtectionGroup(pg).orElseThrow().replicationSchedule().enabled()).isTrue();
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(group, home)))).isEmpty();

        // To the sync leg (the default without a backend_id): no data moves.
        List<CinderVolume> onB = applied(home, backend.failoverGroupReplication(group, home, ""));
        assertThat(onB).allMatch(v -> v.providerId().startsWith("pure-b:" + pod + "::"));
        onB.forEach(v -> assertThat(checksum(backend, v)).isEqualTo(cData.get(v.id())));
        home = applied(onB, backend.failoverGroupReplication(failedOver, onB, "default"));

        // Either leg down is an error.
        host.replication().cutLink("pure-a", "pure-c");
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(group, home)))).singleElement()
                .satisfies(e -> assertThat(e.replicationStatus()).isEqualTo("error"));
        assertThat(backend.volumeStats().extra()).containsEntry("replication_status", "error");
        host.replication().restoreLink("pure-a", "pure-c");
        host.replication().cutLink("pure-a", "pure-b");
        write(backend, home.get(0));
        assertThat(backend.groupReplicationErrors(List.of(new ReplicatedGroup(group, home)))).singleElement()
                .satisfies(e -> assertThat(e.volumes()).allMatch(u -> u.detail().contains("out of sync")));
        host.replication().restoreLink("pure-a", "pure-b");
        awaitInSync(pod);

        assertThat(backend.disableGroupReplication(group, home).replicationStatus()).isEqualTo("disabled");
        assertThat(a.findPod(pod).orElseThrow().arrayCount()).isEqualTo(1);
        assertThat(a.findProtectionGroup(pg).orElseThrow().targets()).isEmpty();
        backend.deleteGroup(withStatus(group, "disabled"), home);
        assertThat(a.findProtectionGroup(pg)).isEmpty();
    }

    @Test
    void wholeBackendFailoverToTheAsyncTargetRestoresTrisyncMembersFromTheirGroupAndBackIntoItsPod() {
        CinderBackend backend = register();
        SimulatedFlashArray c = host.open("pure-c", "tok-c-0123456789");
        CinderGroup group = group(REPLICATED_CG, List.of(TRISYNC), "");
        String pod = "consisgroup-" + group.id() + "-cinder";
        backend.createGroup(group);
        CinderVolume member = create(backend, TRISYNC, group);
        backend.enableGroupReplication(group, List.of(member));
        write(backend, member);
        String memberData = checksum(backend, member);
        FailoverResult result = registry.failover("puredriver-1", new FailoverRequest(List.of(member),
                Map.of(member.id(), group.id()), List.of(group.id()), "dr"));
        FailoverVolumeUpdate over = result.volumeUpdates().get(0);
        assertThat(over.replicationStatus()).isEqualTo("failed-over");
        assertThat(over.providerId()).isEqualTo("volume-" + member.id() + "-cinder");
        assertThat(c.checksum(over.providerId(), 0, SPAN)).isEqualTo(memberData);
        byte[] data = new byte[4096];
        random.nextBytes(data);
        c.write(over.providerId(), 0, data);
        String drData = c.checksum(over.providerId(), 0, SPAN);

        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of("san_ip", "sim://pure-a",
                "pure_api_token", "tok-a-0123456789", "volume_backend_name", "puredriver-1",
                "pure_replica_interval_default", "600"), List.of(Map.of("backend_id", "metro", "san_ip",
                "sim://pure-b", "api_token", "tok-b-0123456789", "type", "sync"), Map.of("backend_id", "dr",
                "san_ip", "sim://pure-c", "api_token", "tok-c-0123456789")), "dr"));
        CinderVolume onC = new CinderVolume(member.id(), member.nameId(), member.name(), over.providerId(), 1,
                TRISYNC, "failed-over", null, group);
        FailoverResult back = registry.failover("puredriver-1", new FailoverRequest(List.of(onC),
                Map.of(member.id(), group.id()), List.of(group.id()), "default"));
        FailoverVolumeUpdate home = back.volumeUpdates().get(0);
        assertThat(home.replicationStatus()).isEqualTo("enabled");
        assertThat(home.providerId()).isEqualTo(pod + "::volume-" + member.id() + "-cinder");
        assertThat(a.checksum(home.providerId(), 0, SPAN)).isEqualTo(drData);
        assertThat(b.checksum(home.providerId(), 0, SPAN)).isEqualTo(drData);
        assertThat(a.findProtectionGroup(pod + "::" + pod).orElseThrow().members()).contains(home.providerId());
    }

    @Test
    void plainConsistencyGroupOfSyncVolumesSnapshotsInsideThePod() {
        CinderBackend backend = register();
        CinderGroup group = group(CG, List.of(SYNC, TRISYNC), "");
        String pg = "cinder-pod::consisgroup-" + group.id() + "-cinder";
        backend.createGroup(group);
        assertThat(a.findProtectionGroup(pg)).isPresent();
        List<CinderVolume> members = List.of(create(backend, SYNC, group), create(backend, SYNC, group));
        CinderVolume added = create(backend, SYNC, null);
        backend.updateGroup(group, List.of(added), List.of());
        assertThat(a.findProtectionGroup(pg).orElseThrow().members()).containsExactlyInAnyOrder(
                members.get(0).providerId(), members.get(1).providerId(), added.providerId());
        List<CinderVolume> all = List.of(members.get(0), members.get(1), added);
        String gsId = UUID.randomUUID().toString();
        List<SnapshotModelUpdate> snaps = backend.createGroupSnapshot(group, gsId, all.stream().map(v ->
                new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-" + v.id(), "", v, 1)).toList());
        assertThat(snaps).hasSize(3).allMatch(s -> s.providerId().startsWith(pg + ".cgsnapshot-" + gsId));
        // The pod is stretched: the group snapshot is on the sync target too.
        assertThat(b.listProtectionGroupSnapshots(pg)).isNotEmpty();

        CinderGroup mixed = group(CG, List.of(SYNC, ASYNC), "");
        assertThatThrownBy(() -> backend.createGroup(mixed)).isInstanceOf(EngineException.class)
                .hasMessageContaining("must all be sync/trisync");
        backend.deleteGroupSnapshot(group, gsId);
        backend.deleteGroup(group, all);
        assertThat(a.findProtectionGroup(pg)).isEmpty();
    }

    @Test
    void unsupportedSyncGroupsAreRefusedNamingTheKey() {
        CinderBackend backend = register();
        CinderGroup mixed = group(REPLICATED_CG, List.of(SYNC, TRISYNC), "");
        assertThatThrownBy(() -> backend.createGroup(mixed)).isInstanceOf(EngineException.class)
                .hasMessageContaining("one replication_type").hasMessageContaining("'<in> trisync'");
        assertThat(a.listPods()).noneMatch(p -> p.name().contains(mixed.id()));

        CinderGroup group = group(REPLICATED_CG, List.of(SYNC), "");
        backend.createGroup(group);
        CinderVolume outside = create(backend, SYNC, null);
        assertThatThrownBy(() -> backend.updateGroup(group, List.of(outside), List.of()))
                .isInstanceOf(EngineException.class).hasMessageContaining("consisgroup-" + group.id() + "-cinder");
        List<CinderVolume> members = List.of(create(backend, SYNC, group));
        // Not enabled: the pod is not stretched, so there is nothing to fail over to.
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, members, "metro"))
                .isInstanceOf(EngineException.class).hasMessageContaining("not stretched");
        backend.enableGroupReplication(group, members);
        assertThatThrownBy(() -> backend.failoverGroupReplication(group, members, "dr"))
                .isInstanceOf(EngineException.class).hasMessageContaining("'dr'");
        backend.deleteGroup(group, members);
        // Unstretched; the destroyed volumes stay recoverable (no pure_eradicate_on_delete), so does the pod.
        assertThat(a.findPod("consisgroup-" + group.id() + "-cinder").orElseThrow().arrayCount()).isEqualTo(1);
        assertThat(b.findPod("consisgroup-" + group.id() + "-cinder")).isEmpty();
    }
}
