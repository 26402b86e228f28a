package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover and failback of a Cinder backend over simulated arrays that really replicate: pure-a
 * primary, pure-b sync target ("metro"), pure-c async target ("dr"), tri-sync on. Data is checked by
 * checksum on the array serving each volume.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverTest {
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
    private final Random random = new Random(11);

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

    private CinderBackend register(String active) {
        Map<String, String> o = ReplicatedArrays.options();
        o.put("pure_trisync_enabled", "true");
        return arrays.register(o, ReplicatedArrays.devices(), active);
    }

    /** A created volume as Cinder then holds it (provider_id recorded) with some random data. */
    private CinderVolume create(CinderBackend backend, Map<String, String> specs) {
        String id = UUID.randomUUID().toString();
        CinderVolume v = new CinderVolume(id, id, "volume-" + id, "", 1, specs, "");
        VolumeModelUpdate model = backend.createVolume(v);
        CinderVolume created = new CinderVolume(id, id, v.name(), model.providerId(), 1, specs,
                model.replicationStatus());
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

    /** The volume as Cinder's manager holds it after applying the update. */
    private static CinderVolume applied(CinderVolume v, FailoverVolumeUpdate u) {
        return new CinderVolume(v.id(), v.nameId(), v.name(), u.providerId().isEmpty() ? v.providerId() : u.providerId(),
                v.sizeGib(), v.extraSpecs(), u.replicationStatus());
    }

    private static Map<String, FailoverVolumeUpdate> byId(FailoverResult result) {
        return result.volumeUpdates().stream().collect(Collectors.toMap(FailoverVolumeUpdate::volumeId,
                Function.identity()));
    }

    private static FailoverRequest request(List<CinderVolume> volumes, String secondary) {
        return new FailoverRequest(volumes, Map.of(), List.of(), secondary);
    }

    private void replicate() {
        a.createProtectionGroupSnapshot("cinder-group", true, true);
        a.createProtectionGroupSnapshot("cinder-pod::cinder-trisync", true, true);
    }

    @Test
    void asyncFailoverWithPrimaryDownThenFailbackShipsTheDrWritesBack() {
        CinderBackend primary = register("");
        List<CinderVolume> volumes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            volumes.add(create(primary, ASYNC));
        }
        replicate();
        Map<String, String> replicated = new HashMap<>();
        volumes.forEach(v -> replicated.put(v.id(), checksum(primary, v)));
        // Written after the last replication: lost when the primary goes down (RPO), as it should be.
        write(primary, volumes.get(0));
        host.replication().stopArray("pure-a");

        FailoverResult result = registry.failover("puredriver-1", request(volumes, "dr"));
        assertThat(result.activeBackendId()).isEqualTo("dr");
        CinderBackend dr = register("dr");
        assertThat(registry.backend("puredriver-1").volumeStats().extra())
                .containsEntry("replication_status", "failed-over").containsEntry("active_backend_id", "dr");
        List<CinderVolume> onDr = new ArrayList<>();
        for (CinderVolume v : volumes) {
            FailoverVolumeUpdate u = byId(result).get(v.id());
            assertThat(u.status()).isEmpty();
            assertThat(u.replicationStatus()).isEqualTo("failed-over");
            assertThat(u.metadata()).containsEntry("array_name", "pure-c");
            CinderVolume moved = applied(v, u);
            assertThat(checksum(dr, moved)).as("volume %s on pure-c", v.id()).isEqualTo(replicated.get(v.id()));
            onDr.add(moved);
        }
        // The driver keeps working on the DR array: writes, snapshots, a new replicated volume.
        onDr.forEach(v -> write(dr, v));
        dr.createSnapshot(new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-dr", "", onDr.get(1), 1));
        CinderVolume createdOnDr = create(dr, ASYNC);
        assertThat(c.findProtectionGroup("cinder-group-failback").orElseThrow().members())
                .contains(createdOnDr.providerId());
        onDr.add(createdOnDr);
        Map<String, String> drData = new HashMap<>();
        onDr.forEach(v -> drData.put(v.id(), checksum(dr, v)));

        // Failback needs the primary: refused while it is down, nothing changes.
        EngineException down = failure(() -> registry.failover("puredriver-1", request(onDr, "default")));
        assertThat(down.reason()).isEqualTo("FAILOVER_REFUSED");
        assertThat(down.getMessage()).contains("default").contains("unreachable");
        host.replication().startArray("pure-a");
        // Back, but its pod copy is stale until the heartbeat resyncs it: failback waits for that.
        EngineException resyncing = failure(() -> registry.failover("puredriver-1", request(onDr, "default")));
        assertThat(resyncing.getMessage()).contains("cinder-pod").contains("pure-a");
        awaitPodOnline();

        FailoverResult back = registry.failover("puredriver-1", request(onDr, "default"));
        assertThat(back.activeBackendId()).isEqualTo("default");
        CinderBackend home = register("");
        for (CinderVolume v : onDr) {
            FailoverVolumeUpdate u = byId(back).get(v.id());
            assertThat(u.status()).isEmpty();
            assertThat(u.replicationStatus()).isEqualTo("enabled");
            assertThat(u.metadata()).containsEntry("array_name", "pure-a");
            CinderVolume returned = applied(v, u);
            assertThat(checksum(home, returned)).as("DR writes of %s on pure-a", v.id()).isEqualTo(drData.get(v.id()));
            assertThat(a.findProtectionGroup("cinder-group").orElseThrow().members()).contains(returned.providerId());
        }
        assertThat(c.findProtectionGroup("cinder-group-failback")).isEmpty();
        // Protected again: the next replication reaches pure-c with the data.
        replicate();
        List<io.purebridge.engine.array.PgSnapshotRecord> onC = c.listProtectionGroupSnapshots("pure-a:cinder-group");
        String newest = onC.get(onC.size() - 1).name() + "." + createdOnDr.providerId();
        assertThat(onC.get(onC.size() - 1).volumeSnapshots()).contains(newest);
        assertThat(c.checksum(newest, 0, SPAN)).isEqualTo(drData.get(createdOnDr.id()));
    }

    @Test
    void syncFailoverSwitchesPodVolumesAndRestoresAsyncOnesFromTheGroupCopyOnTheSyncTarget() {
        CinderBackend primary = register("");
        CinderVolume sync = create(primary, SYNC);
        CinderVolume tri = create(primary, TRISYNC);
        CinderVolume async = create(primary, ASYNC);
        replicate();
        String syncData = checksum(primary, sync);
        String triData = checksum(primary, tri);
        String asyncData = checksum(primary, async);
        host.replication().stopArray("pure-a");
        host.replication().tick();

        // No secondary_id: a sync target whose pod is online there is chosen, as upstream.
        FailoverResult result = registry.failover("puredriver-1", request(List.of(sync, tri, async), ""));
        assertThat(result.activeBackendId()).isEqualTo("metro");
        Map<String, FailoverVolumeUpdate> u = byId(result);
        assertThat(u.get(sync.id()).providerId()).isEqualTo(sync.providerId());
        assertThat(u.get(tri.id()).providerId()).isEqualTo(tri.providerId());
        assertThat(u.values()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("failed-over");
        CinderBackend metro = register("metro");
        assertThat(checksum(metro, applied(sync, u.get(sync.id())))).isEqualTo(syncData);
        assertThat(checksum(metro, applied(tri, u.get(tri.id())))).isEqualTo(triData);
        assertThat(checksum(metro, applied(async, u.get(async.id())))).isEqualTo(asyncData);
        // Still creates sync volumes in the pod (bug #2035404 upstream).
        CinderVolume later = create(metro, SYNC);
        assertThat(later.providerId()).startsWith("cinder-pod::");
        assertThat(b.findVolume(later.providerId())).isPresent();

        // Failover again to the same target (a retried command): nothing moves.
        FailoverResult again = registry.failover("puredriver-1", request(List.of(sync, tri, async), "metro"));
        assertThat(again.activeBackendId()).isEqualTo("metro");
        assertThat(again.volumeUpdates()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("failed-over");

        // Failback while pure-a's pod copy is stale is refused until it is online again.
        host.replication().startArray("pure-a");
        write(metro, applied(sync, u.get(sync.id())));
        String syncOnB = checksum(metro, applied(sync, u.get(sync.id())));
        awaitPodOnline();
        List<CinderVolume> all = List.of(applied(sync, u.get(sync.id())), applied(tri, u.get(tri.id())),
                applied(async, u.get(async.id())), later);
        FailoverResult back = registry.failover("puredriver-1", request(all, "default"));
        assertThat(back.volumeUpdates()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("enabled");
        CinderBackend home = register("");
        assertThat(checksum(home, applied(all.get(0), byId(back).get(sync.id())))).isEqualTo(syncOnB);
        assertThat(checksum(home, applied(all.get(2), byId(back).get(async.id())))).isEqualTo(asyncData);
    }

    @Test
    void trisyncVolumesFailOverToTheAsyncTargetFromTheInPodGroupAndComeBackIntoThePod() {
        CinderBackend primary = register("");
        CinderVolume tri = create(primary, TRISYNC);
        CinderVolume sync = create(primary, SYNC);
        CinderVolume plain = create(primary, NONE);
        replicate();
        String triData = checksum(primary, tri);
        host.replication().cutLink("pure-a", "pure-c");

        FailoverResult result = registry.failover("puredriver-1", request(List.of(tri, sync, plain), "dr"));
        Map<String, FailoverVolumeUpdate> u = byId(result);
        assertThat(u.get(tri.id()).providerId()).isEqualTo(tri.name() + "-cinder");
        assertThat(u.get(tri.id()).replicationStatus()).isEqualTo("failed-over");
        // A sync-only volume has no copy on the async target; a non-replicated one is not capable.
        assertThat(u.get(sync.id()).status()).isEqualTo("error");
        assertThat(u.get(sync.id()).replicationStatus()).isEqualTo("failover-error");
        assertThat(u.get(plain.id()).replicationStatus()).isEqualTo("not-capable");
        CinderBackend dr = register("dr");
        CinderVolume onDr = applied(tri, u.get(tri.id()));
        assertThat(checksum(dr, onDr)).isEqualTo(triData);
        write(dr, onDr);
        String drData = checksum(dr, onDr);

        // Link restored: failback reverses the replication and puts the volume back in the pod.
        host.replication().restoreLink("pure-a", "pure-c");
        FailoverResult back = registry.failover("puredriver-1", request(List.of(onDr), "default"));
        FailoverVolumeUpdate home = byId(back).get(tri.id());
        assertThat(home.providerId()).isEqualTo(tri.providerId());
        assertThat(home.replicationStatus()).isEqualTo("enabled");
        assertThat(a.checksum(tri.providerId(), 0, SPAN)).isEqualTo(drData);
        assertThat(b.checksum(tri.providerId(), 0, SPAN)).isEqualTo(drData);
        assertThat(a.findProtectionGroup("cinder-pod::cinder-trisync").orElseThrow().members())
                .contains(tri.providerId());
    }

    @Test
    void badRequestsNameTheBackendIdAndChangeNothing() {
        CinderBackend primary = register("");
        CinderVolume async = create(primary, ASYNC);
        replicate();
        int volumesOnC = c.listVolumes().size();

        EngineException unknown = failure(() -> registry.failover("puredriver-1", request(List.of(async), "nowhere")));
        assertThat(unknown.reason()).isEqualTo("INVALID_REPLICATION_TARGET");
        assertThat(unknown.getMessage()).contains("'nowhere'").contains("'metro'").contains("'dr'");

        EngineException notFailedOver = failure(() -> registry.failover("puredriver-1",
                request(List.of(async), "default")));
        assertThat(notFailedOver.reason()).isEqualTo("INVALID_REPLICATION_TARGET");
        assertThat(notFailedOver.getMessage()).contains("not failed over");

        EngineException nothing = failure(() -> registry.failover("puredriver-1", request(List.of(), "dr")));
        assertThat(nothing.reason()).isEqualTo("FAILOVER_REFUSED");
        assertThat(nothing.getMessage()).contains("'dr'").contains("no replicated volume");

        host.replication().stopArray("pure-c");
        EngineException down = failure(() -> registry.failover("puredriver-1", request(List.of(async), "dr")));
        assertThat(down.reason()).isEqualTo("FAILOVER_REFUSED");
        assertThat(down.getMessage()).contains("'dr'").contains("sim://pure-c");
        host.replication().startArray("pure-c");

        assertThat(c.listVolumes()).hasSize(volumesOnC);
        assertThat(registry.backend("puredriver-1").volumeStats().extra()).containsEntry("replication_status", "enabled");
        EngineException badActive = CinderFixture.failure(() -> register("nowhere"),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(badActive.getMessage()).contains("'nowhere'");
        assertThat(registry.backend("puredriver-1").volumeStats().extra()).containsEntry("active_backend_id", "");
    }

    @Test
    void restartWithActiveBackendIdComesUpFailedOverWhileThePrimaryIsDown() {
        CinderBackend primary = register("");
        CinderVolume async = create(primary, ASYNC);
        replicate();
        FailoverResult result = registry.failover("puredriver-1", request(List.of(async), "dr"));
        host.replication().stopArray("pure-a");
        // A fresh service (new registry) and a cinder-volume started with active_backend_id = dr.
        registry = arrays.restartRegistry();
        CinderBackend dr = register("dr");
        CinderVolume onDr = applied(async, byId(result).get(async.id()));
        assertThat(dr.volumeStats().extra()).containsEntry("replication_status", "failed-over");
        write(dr, onDr);
        dr.createSnapshot(new CinderSnapshot(UUID.randomUUID().toString(), "snapshot-after", "", onDr, 1));
        assertThat(c.findSnapshot(onDr.providerId() + ".snapshot-after")).isPresent();
        // Failing over to the other target while failed over is refused; failback is the way.
        EngineException other = failure(() -> registry.failover("puredriver-1", request(List.of(onDr), "metro")));
        assertThat(other.getMessage()).contains("'dr'").contains("default");
    }

    @Test
    void drTestCopiesEveryReplicatedVolumeUnderTestNamesAndLeavesProductionAlone() {
        CinderBackend primary = register("");
        CinderVolume async = create(primary, ASYNC);
        CinderVolume tri = create(primary, TRISYNC);
        replicate();
        String asyncData = checksum(primary, async);
        String triData = checksum(primary, tri);
        write(primary, async);
        int groupSnapshotsOnC = c.listProtectionGroupSnapshots("pure-a:cinder-group").size();

        DrTest drill = registry.drTest("puredriver-1");
        EngineException badToken = CinderFixture.failure(() -> drill.start("dr", "tok-a-0123456789"),
                ErrorCode.UNAUTHENTICATED);
        assertThat(badToken.getMessage()).contains("'dr'").doesNotContain("tok-");
        List<DrTestCopy> copies = drill.start("dr", "tok-c-0123456789");
        assertThat(copies).extracting(DrTestCopy::name).containsExactlyInAnyOrder(
                "drtest-" + async.providerId(), "drtest-" + tri.name() + "-cinder");
        assertThat(copies).extracting(DrTestCopy::sourceVolume).containsExactlyInAnyOrder(async.providerId(),
                tri.providerId());
        assertThat(copies).allSatisfy(copy -> {
            assertThat(copy.dataAsOfEpochMillis()).isPositive();
            assertThat(copy.rpoMillis()).isGreaterThanOrEqualTo(0);
        });
        assertThat(c.checksum("drtest-" + async.providerId(), 0, SPAN)).isEqualTo(asyncData);
        assertThat(c.checksum("drtest-" + tri.name() + "-cinder", 0, SPAN)).isEqualTo(triData);
        // Production replication goes on undisturbed while the drill runs.
        replicate();
        assertThat(c.listProtectionGroupSnapshots("pure-a:cinder-group")).hasSize(groupSnapshotsOnC + 1);
        assertThat(drill.status("dr", "tok-c-0123456789")).hasSize(2);
        assertThat(c.checksum("drtest-" + async.providerId(), 0, SPAN)).isEqualTo(asyncData);

        // On the sync target: the async volume from the group copy there, pod volumes live (RPO 0).
        CinderVolume sync = create(primary, SYNC);
        String syncData = checksum(primary, sync);
        List<DrTestCopy> onB = drill.start("metro", "tok-b-0123456789");
        assertThat(onB).extracting(DrTestCopy::name).contains("drtest-" + async.providerId(),
                "drtest-" + sync.name() + "-cinder", "drtest-" + tri.name() + "-cinder");
        assertThat(onB).filteredOn(copy -> copy.sourceVolume().equals(sync.providerId()))
                .extracting(DrTestCopy::rpoMillis).containsExactly(0L);
        assertThat(b.checksum("drtest-" + sync.name() + "-cinder", 0, SPAN)).isEqualTo(syncData);
        assertThat(a.findVolume("drtest-" + sync.name() + "-cinder")).isEmpty();
        assertThat(drill.stop("metro", "tok-b-0123456789")).hasSize(onB.size());

        assertThat(drill.stop("dr", "tok-c-0123456789")).hasSize(2);
        assertThat(drill.status("dr", "tok-c-0123456789")).isEmpty();
        assertThat(c.listVolumes()).extracting(v -> v.name()).noneMatch(n -> n.startsWith("drtest-"));
        assertThat(a.findVolume(async.providerId())).isPresent();
    }

    @Test
    void thousandAsyncVolumesFailOverInBulk() {
        CinderBackend primary = register("");
        List<CinderVolume> volumes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String id = UUID.randomUUID().toString();
            CinderVolume v = new CinderVolume(id, id, "volume-" + id, "", 1, ASYNC, "");
            volumes.add(new CinderVolume(id, id, v.name(), primary.createVolume(v).providerId(), 1, ASYNC, "enabled"));
        }
        replicate();
        host.replication().stopArray("pure-a");
        long start = System.nanoTime();
        FailoverResult result = registry.failover("puredriver-1", request(volumes, "dr"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.volumeUpdates()).hasSize(1000);
        assertThat(result.volumeUpdates()).extracting(FailoverVolumeUpdate::replicationStatus).containsOnly("failed-over");
        assertThat(c.listVolumes().stream().filter(v -> v.name().startsWith("volume-")).count()).isEqualTo(1000);
        System.out.println("failover of 1000 async volumes in the engine: " + ms + " ms");
    }

    private void awaitPodOnline() {
        for (int i = 0; i < 50 && !a.findPod("cinder-pod").orElseThrow().arrays().stream()
                .allMatch(s -> s.status().equals("online")); i++) {
            host.replication().tick();
        }
        assertThat(a.findPod("cinder-pod").orElseThrow().arrays()).extracting(s -> s.status()).containsOnly("online");
    }

    private static EngineException failure(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            return e;
        }
        throw new AssertionError("expected an EngineException");
    }
}
