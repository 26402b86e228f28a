package io.purebridge.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.replication.ReplicationWorld.ArrayUnderTest;
import io.purebridge.engine.sim.PgStatus;
import io.purebridge.engine.sim.PodStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication scenarios written once against {@link ReplicationWorld}; each wiring (in-process,
 * gRPC) binds them by extending this class. Data is checked byte for byte through checksums on
 * every copy.
 */
public abstract class ReplicationScenarios {
    protected static final int BLOCK = 32 * 1024;
    protected static final long SIZE = 64L * BLOCK;
    protected static final String A = "pure-a";
    protected static final String B = "pure-b";
    protected static final String C = "pure-c";
    protected static final String POD = "cinder-pod";
    protected static final String VOL = POD + "::volume-1-cinder";

    protected ReplicationWorld world;

    /** A fresh world with arrays pure-a, pure-b and pure-c and a manual clock. */
    protected abstract ReplicationWorld newWorld();

    @BeforeEach
    void openWorld() {
        world = newWorld();
    }

    /** Replica imports, resyncs and removals keep every array's reference counts and space exact. */
    @AfterEach
    void closeWorld() {
        try {
            assertThat(world.consistencyProblems()).as("the arrays' fsck after the scenario").isEmpty();
        } finally {
            world.close();
        }
    }

    protected ArrayUnderTest a() {
        return world.array(A);
    }

    protected ArrayUnderTest b() {
        return world.array(B);
    }

    protected ArrayUnderTest c() {
        return world.array(C);
    }

    /** Pod stretched over A and B holding VOL (SIZE bytes). */
    protected void stretchedPodWithVolume() {
        a().replication().createPod(POD);
        a().replication().stretchPod(POD, B);
        a().spi().createVolume(VOL, SIZE);
    }

    protected String sum(ArrayUnderTest on, String name) {
        return on.data().checksum(name, 0, SIZE);
    }

    protected static String sha(byte[] model) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(model);
            StringBuilder sb = new StringBuilder();
            for (byte x : d) {
                sb.append(String.format("%02x", x));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs heartbeats until no pod array is resyncing (bounded). */
    protected void tickUntilInSync(String pod) {
        for (int i = 0; i < 100; i++) {
            world.controls().tick();
            if (world.controls().podStatus(pod).arrays().stream()
                    .allMatch(m -> m.status().equals(PodArrayStatus.ONLINE))) {
                return;
            }
        }
        throw new AssertionError("pod " + pod + " did not resync: " + world.controls().podStatus(pod));
    }

    protected static void assertUnavailable(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    // --- sync -----------------------------------------------------------------------------------

    @Test
    void stretchedPodWriteIsOnBothArraysWhenAcknowledged() {
        stretchedPodWithVolume();
        byte[] model = new byte[(int) SIZE];
        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            ArrayUnderTest via = i % 2 == 0 ? a() : b();
            int off = random.nextInt((int) SIZE - 5000);
            byte[] data = new byte[1 + random.nextInt(4999)];
            random.nextBytes(data);
            via.data().write(VOL, off, data);
            System.arraycopy(data, 0, model, off, data.length);
            assertThat(sum(a(), VOL)).isEqualTo(sum(b(), VOL));
        }
        assertThat(sum(b(), VOL)).isEqualTo(sha(model));
        PodRecord pod = b().replication().findPod(POD).orElseThrow();
        assertThat(pod.arrays()).extracting(PodArrayStatus::status).containsOnly(PodArrayStatus.ONLINE);
        assertThat(b().spi().findVolume(VOL).orElseThrow().serial()).isEqualTo(a().spi().findVolume(VOL).orElseThrow()
                .serial());
    }

    @Test
    void podMetadataChangesAreMirrored() {
        stretchedPodWithVolume();
        a().data().write(VOL, 0, new byte[] {1, 2, 3});
        a().spi().createSnapshot(VOL, "s1");
        b().spi().resizeVolume(VOL, 2 * SIZE, false);
        assertThat(b().spi().findSnapshot(VOL + ".s1")).isPresent();
        assertThat(a().spi().findVolume(VOL).orElseThrow().provisionedBytes()).isEqualTo(2 * SIZE);
        assertThat(b().data().checksum(VOL + ".s1", 0, SIZE)).isEqualTo(a().data().checksum(VOL + ".s1", 0, SIZE));
        a().spi().destroySnapshot(VOL + ".s1");
        a().spi().eradicateSnapshot(VOL + ".s1");
        assertThat(b().spi().findSnapshot(VOL + ".s1")).isEmpty();
    }

    @Test
    void linkCutAtRandomPointsLosesNoAcknowledgedWriteAndResyncMakesCopiesIdentical() {
        stretchedPodWithVolume();
        Random random = new Random(42);
        byte[] model = new byte[(int) SIZE];
        int refused = 0;
        int acknowledgedAlone = 0;
        for (int round = 0; round < 6; round++) {
            String preferred = round % 2 == 0 ? A : B;
            a().replication().setFailoverPreferences(POD, List.of(preferred));
            ArrayUnderTest winner = world.array(preferred);
            ArrayUnderTest loser = preferred.equals(A) ? b() : a();
            int cutAt = random.nextInt(40);
            for (int i = 0; i < 60; i++) {
                if (i == cutAt) {
                    world.controls().cutLink(A, B);
                }
                ArrayUnderTest via = random.nextBoolean() ? a() : b();
                int off = random.nextBoolean() ? random.nextInt(64) * BLOCK : random.nextInt((int) SIZE - 9000);
                byte[] data = new byte[1 + random.nextInt(9000)];
                random.nextBytes(data);
                try {
                    via.data().write(VOL, off, data);
                    System.arraycopy(data, 0, model, off, data.length);
                    acknowledgedAlone += i >= cutAt ? 1 : 0;
                } catch (EngineException e) {
                    refused++;
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(i).isGreaterThanOrEqualTo(cutAt);
                    assertThat(via.name()).isEqualTo(loser.name());
                }
            }
            assertThat(sum(winner, VOL)).as("survivor holds every acknowledged write").isEqualTo(sha(model));
            PodStatus split = world.controls().podStatus(POD);
            assertThat(split.member(winner.name()).status()).isEqualTo(PodArrayStatus.ONLINE);
            assertThat(split.member(loser.name()).status()).isEqualTo(PodArrayStatus.OFFLINE);
            assertThat(split.member(loser.name()).frozenAtEpochMillis()).isPositive();
            assertUnavailable(() -> loser.data().read(VOL, 0, 10));
            world.controls().restoreLink(A, B);
            assertThat(world.controls().podStatus(POD).member(loser.name()).status())
                    .isEqualTo(PodArrayStatus.RESYNCING);
            tickUntilInSync(POD);
            assertThat(sum(a(), VOL)).isEqualTo(sha(model));
            assertThat(sum(b(), VOL)).isEqualTo(sha(model));
        }
        assertThat(refused).as("writes refused by the losing side").isPositive();
        assertThat(acknowledgedAlone).as("writes acknowledged by the survivor alone").isPositive();
    }

    @Test
    void resyncSendsOnlyBlocksChangedSinceTheSplit() {
        stretchedPodWithVolume();
        Random random = new Random(3);
        byte[] all = new byte[(int) SIZE];
        random.nextBytes(all);
        a().data().write(VOL, 0, all);
        world.controls().cutLink(A, B);
        byte[] block = new byte[BLOCK];
        for (int i : new int[] {3, 17, 40}) {
            random.nextBytes(block);
            a().data().write(VOL, (long) i * BLOCK, block);
        }
        assertThat(world.controls().podStatus(POD).member(B).dirtyBlocks()).isEqualTo(3);
        world.controls().restoreLink(A, B);
        tickUntilInSync(POD);
        assertThat(world.controls().podStatus(POD).member(B).dirtyBlocks()).isZero();
        assertThat(sum(b(), VOL)).isEqualTo(sum(a(), VOL));
    }

    @Test
    void stoppedArrayAnswersUnavailableAndResyncsWhenStarted() {
        stretchedPodWithVolume();
        world.controls().stopArray(B);
        assertThat(world.controls().networkStatus().stoppedArrays()).containsExactly(B);
        assertUnavailable(() -> b().spi().listVolumes());
        a().data().write(VOL, BLOCK, new byte[] {9, 9, 9});
        PodRecord seenByA = a().replication().findPod(POD).orElseThrow();
        assertThat(seenByA.arrays()).filteredOn(s -> s.arrayName().equals(B)).extracting(PodArrayStatus::status)
                .containsExactly(PodArrayStatus.OFFLINE);
        world.controls().startArray(B);
        assertUnavailable(() -> b().data().read(VOL, 0, 1));
        tickUntilInSync(POD);
        assertThat(b().data().read(VOL, BLOCK, 3)).containsExactly(9, 9, 9);
    }

    /**
     * Documented outcome: the mediator and the link lost within one heartbeat (no pre-election yet):
     * both arrays stop serving the pod. When the mediator returns, the preferred array (else the first
     * member) serves again; the other resyncs once the link is back.
     */
    @Test
    void mediatorUnreachableAndLinkCutStopsBothSides() {
        stretchedPodWithVolume();
        a().data().write(VOL, 0, new byte[] {1});
        a().replication().setFailoverPreferences(POD, List.of(B));
        world.controls().setMediatorReachable(false);
        world.controls().cutLink(A, B);
        assertThat(world.controls().networkStatus().mediatorReachable()).isFalse();
        assertThat(world.controls().networkStatus().cutLinks()).containsExactly(A + "|" + B);
        assertUnavailable(() -> a().data().write(VOL, 0, new byte[] {2}));
        assertUnavailable(() -> b().data().write(VOL, 0, new byte[] {3}));
        PodStatus both = world.controls().podStatus(POD);
        assertThat(both.arrays()).extracting(PodStatus.Member::status).containsOnly(PodArrayStatus.OFFLINE);
        assertThat(a().replication().findPod(POD).orElseThrow().arrays()).filteredOn(s -> s.arrayName().equals(B))
                .extracting(PodArrayStatus::status).containsExactly(PodArrayStatus.UNKNOWN);
        world.controls().setMediatorReachable(true);
        b().data().write(VOL, 0, new byte[] {4});
        assertUnavailable(() -> a().data().read(VOL, 0, 1));
        world.controls().restoreLink(A, B);
        tickUntilInSync(POD);
        assertThat(a().data().read(VOL, 0, 1)).containsExactly(4);
    }

    /** With a heartbeat between the mediator loss and the link cut, the pre-elected array goes on. */
    @Test
    void preElectedArrayKeepsServingWithoutMediator() {
        stretchedPodWithVolume();
        a().replication().setFailoverPreferences(POD, List.of(B));
        world.controls().setMediatorReachable(false);
        world.controls().tick();
        assertThat(world.controls().podStatus(POD).preElected()).isEqualTo(B);
        world.controls().cutLink(A, B);
        b().data().write(VOL, 0, new byte[] {5});
        assertUnavailable(() -> a().data().write(VOL, 0, new byte[] {6}));
        world.controls().restoreLink(A, B);
        tickUntilInSync(POD);
        assertThat(a().data().read(VOL, 0, 1)).containsExactly(5);
    }

    @Test
    void movingVolumesIntoAndOutOfAStretchedPodKeepsTheirData() {
        a().replication().createPod(POD);
        a().replication().stretchPod(POD, B);
        a().spi().createVolume("volume-2-cinder", SIZE);
        byte[] data = new byte[3 * BLOCK];
        new Random(5).nextBytes(data);
        a().data().write("volume-2-cinder", BLOCK, data);
        String before = sum(a(), "volume-2-cinder");
        a().replication().moveVolume("volume-2-cinder", POD);
        assertThat(sum(b(), POD + "::volume-2-cinder")).isEqualTo(before);
        b().data().write(POD + "::volume-2-cinder", 0, new byte[] {7});
        String inPod = sum(a(), POD + "::volume-2-cinder");
        a().replication().moveVolume(POD + "::volume-2-cinder", "");
        assertThat(sum(a(), "volume-2-cinder")).isEqualTo(inPod);
        assertThat(b().spi().findVolume(POD + "::volume-2-cinder")).isEmpty();
    }

    // --- async ------------------------------------------------------------------------------------

    /** cinder-group on A replicating to C (allowed there), with VOL2 as member. */
    protected void asyncGroup(String group, String source, String volume) {
        ArrayUnderTest src = world.array(source);
        src.replication().createProtectionGroup(group);
        src.replication().setRetention(group, null, RetentionPolicy.cinderDefault());
        src.replication().setReplicationSchedule(group, ReplicationSchedule.every(3_600_000L, false));
        src.replication().addProtectionGroupTargets(group, List.of(C));
        String remote = group.contains("::") ? group.replace("::", ":") : source + ":" + group;
        c().replication().allowProtectionGroup(remote, true);
        src.replication().addProtectionGroupMembers(group, List.of(volume));
        src.replication().setReplicationSchedule(group, ReplicationSchedule.every(3_600_000L, true));
    }

    @Test
    void replicateNowShipsOnlyChangedBlocksUnderPureNames() {
        a().spi().createVolume("volume-3-cinder", SIZE);
        Random random = new Random(9);
        byte[] all = new byte[(int) SIZE];
        random.nextBytes(all);
        a().data().write("volume-3-cinder", 0, all);
        asyncGroup("cinder-group", A, "volume-3-cinder");
        assertThat(c().replication().findProtectionGroup("pure-a:cinder-group").orElseThrow().local()).isFalse();

        PgSnapshotRecord first = a().replication().createProtectionGroupSnapshot("cinder-group", true, true);
        assertThat(first.name()).isEqualTo("cinder-group.1");
        String remoteSnap = "pure-a:cinder-group.1.volume-3-cinder";
        assertThat(c().data().checksum(remoteSnap, 0, SIZE)).isEqualTo(sha(all));

        byte[] block = new byte[BLOCK];
        for (int i : new int[] {2, 30}) {
            random.nextBytes(block);
            a().data().write("volume-3-cinder", (long) i * BLOCK, block);
        }
        a().replication().createProtectionGroupSnapshot("cinder-group", true, true);
        PgTransferRecord second = a().replication().listProtectionGroupTransfers("cinder-group").get(0);
        assertThat(second.snapshotName()).isEqualTo("cinder-group.2");
        assertThat(second.progress()).isEqualTo(1.0);
        assertThat(second.dataTransferred()).isEqualTo(2L * BLOCK);
        assertThat(second.physicalBytesWritten()).isBetween(2L * BLOCK, (long) (2.1 * BLOCK));
        assertThat(c().replication().listProtectionGroupSnapshots("pure-a:cinder-group"))
                .extracting(PgSnapshotRecord::name).containsExactly("pure-a:cinder-group.1", "pure-a:cinder-group.2");
        // Failover restore: copy the replicated snapshot to a volume on the target.
        c().spi().copyVolume("pure-a:cinder-group.2.volume-3-cinder", "volume-3-cinder", false);
        assertThat(sum(c(), "volume-3-cinder")).isEqualTo(sum(a(), "volume-3-cinder"));
        PgStatus status = world.controls().pgStatus(A, "cinder-group");
        assertThat(status.target(C).lastReplicatedSnapshot()).isEqualTo("cinder-group.2");
        assertThat(status.target(C).bytesSent()).isGreaterThanOrEqualTo(SIZE);
    }

    @Test
    void groupSnapshotsTakeSuffixesAndAreDestroyedRecoveredAndEradicated() {
        a().spi().createVolume("volume-7-cinder", SIZE);
        a().data().write("volume-7-cinder", 0, new byte[] {7});
        asyncGroup("cinder-group", A, "volume-7-cinder");
        PgSnapshotRecord cg = a().replication().createProtectionGroupSnapshot("cinder-group", "cgsnapshot-1-cinder",
                true, false);
        assertThat(cg.name()).isEqualTo("cinder-group.cgsnapshot-1-cinder");
        assertThat(cg.volumeSnapshots()).containsExactly("cinder-group.cgsnapshot-1-cinder.volume-7-cinder");
        assertThat(c().data().read("pure-a:cinder-group.cgsnapshot-1-cinder.volume-7-cinder", 0, 1)).containsExactly(7);
        // On the target the received snapshot is a complete transfer (how failover picks its snapshot).
        assertThat(c().replication().listProtectionGroupTransfers("pure-a:cinder-group"))
                .singleElement().satisfies(t -> {
                    assertThat(t.snapshotName()).isEqualTo("pure-a:cinder-group.cgsnapshot-1-cinder");
                    assertThat(t.progress()).isEqualTo(1.0);
                    assertThat(t.completedEpochMillis()).isGreaterThanOrEqualTo(t.startedEpochMillis());
                });
        assertThatThrownBy(() -> a().replication().createProtectionGroupSnapshot("cinder-group", "cgsnapshot-1-cinder",
                false, false)).isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        assertThat(a().replication().createProtectionGroupSnapshot("cinder-group", false, false).name())
                .isEqualTo("cinder-group.2");

        PgSnapshotRecord destroyed = a().replication().destroyProtectionGroupSnapshot("cinder-group.2");
        assertThat(destroyed.destroyed()).isTrue();
        assertThat(a().spi().findSnapshot("cinder-group.2.volume-7-cinder").orElseThrow().destroyed()).isTrue();
        // A destroyed snapshot is not shipped: the target keeps only what it had.
        world.controls().tick();
        assertThat(c().replication().listProtectionGroupSnapshots("pure-a:cinder-group"))
                .extracting(PgSnapshotRecord::name).containsExactly("pure-a:cinder-group.cgsnapshot-1-cinder");
        assertThat(a().replication().recoverProtectionGroupSnapshot("cinder-group.2").destroyed()).isFalse();
        assertThat(a().spi().findSnapshot("cinder-group.2.volume-7-cinder").orElseThrow().destroyed()).isFalse();
        assertThatThrownBy(() -> a().replication().eradicateProtectionGroupSnapshot("cinder-group.2"))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION));

        a().replication().destroyProtectionGroupSnapshot("cinder-group.cgsnapshot-1-cinder");
        a().replication().eradicateProtectionGroupSnapshot("cinder-group.cgsnapshot-1-cinder");
        assertThat(a().spi().findSnapshot("cinder-group.cgsnapshot-1-cinder.volume-7-cinder")).isEmpty();
        a().replication().destroyProtectionGroupSnapshot("cinder-group.2");
        world.advanceClock(Duration.ofDays(2));
        world.controls().tick();
        assertThat(a().replication().listProtectionGroupSnapshots("cinder-group"))
                .extracting(PgSnapshotRecord::name).doesNotContain("cinder-group.2");
        assertThat(a().spi().findSnapshot("cinder-group.2.volume-7-cinder")).isEmpty();
        assertThatThrownBy(() -> a().replication().destroyProtectionGroupSnapshot("cinder-group.9"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void removingATargetStopsReplicationToItAndKeepsWhatArrived() {
        a().spi().createVolume("volume-8-cinder", SIZE);
        asyncGroup("cinder-group", A, "volume-8-cinder");
        a().replication().createProtectionGroupSnapshot("cinder-group", true, false);
        assertThat(a().replication().removeProtectionGroupTargets("cinder-group", List.of(C)).targets()).isEmpty();
        a().replication().createProtectionGroupSnapshot("cinder-group", true, false);
        assertThat(c().replication().listProtectionGroupSnapshots("pure-a:cinder-group"))
                .extracting(PgSnapshotRecord::name).containsExactly("pure-a:cinder-group.1");
        assertThatThrownBy(() -> a().replication().removeProtectionGroupTargets("cinder-group", List.of(C)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void scheduleFollowsTheClockAndBlackout() {
        a().spi().createVolume("volume-4-cinder", SIZE);
        asyncGroup("cinder-group", A, "volume-4-cinder");
        world.advanceClock(Duration.ofMinutes(59));
        world.controls().tick();
        assertThat(a().replication().listProtectionGroupSnapshots("cinder-group")).isEmpty();
        world.advanceClock(Duration.ofMinutes(1));
        world.controls().tick();
        assertThat(c().replication().listProtectionGroupSnapshots("pure-a:cinder-group")).hasSize(1);
        assertThat(world.controls().pgStatus(A, "cinder-group").target(C).lagMillis()).isZero();

        // A blackout covering the whole next day (start != end, wrapping midnight) suspends replication.
        long msOfDay = Math.floorMod(world.nowMillis(), ReplicationSchedule.DAY_MS);
        long start = Math.floorMod(msOfDay + 1, ReplicationSchedule.DAY_MS);
        a().replication().setReplicationSchedule("cinder-group",
                new ReplicationSchedule(true, 3_600_000L, start, msOfDay));
        world.advanceClock(Duration.ofHours(2));
        world.controls().tick();
        assertThat(a().replication().listProtectionGroupSnapshots("cinder-group")).hasSize(1);
        assertThat(world.controls().pgStatus(A, "cinder-group").target(C).lagMillis())
                .isEqualTo(Duration.ofHours(2).toMillis());
    }

    @Test
    void retentionOnSourceAndTargetFollowsThePolicy() {
        a().spi().createVolume("volume-5-cinder", SIZE);
        asyncGroup("cinder-group", A, "volume-5-cinder");
        // Source: all for 2 h, then 2 per day for 1 day. Target: all for 6 h, then 4 per day for 2 days.
        a().replication().setRetention("cinder-group", new RetentionPolicy(7200, 2, 1), new RetentionPolicy(21600, 4, 2));
        List<Long> taken = new ArrayList<>();
        for (int h = 0; h < 24 * 5; h++) {
            world.advanceClock(Duration.ofHours(1));
            a().data().write("volume-5-cinder", 0, new byte[] {(byte) h, 1});
            world.controls().tick();
            taken.add(world.nowMillis());
        }
        long now = world.nowMillis();
        checkRetained(a().replication().listProtectionGroupSnapshots("cinder-group"), now, 7200, 2, 1);
        checkRetained(c().replication().listProtectionGroupSnapshots("pure-a:cinder-group"), now, 21600, 4, 2);
        assertThat(taken).hasSize(120);
    }

    /** Every snapshot younger than allFor is there; older ones at most perDay per UTC day; none too old. */
    private void checkRetained(List<PgSnapshotRecord> kept, long now, long allForSec, int perDay, int days) {
        long allFor = allForSec * 1000;
        long horizon = allFor + days * ReplicationSchedule.DAY_MS;
        // Snapshots were taken every hour on the hour up to now.
        long young = kept.stream().filter(s -> now - s.createdEpochMillis() < allFor).count();
        assertThat(young).isEqualTo(allForSec / 3600);
        assertThat(kept).allSatisfy(s -> assertThat(now - s.createdEpochMillis()).isLessThan(horizon));
        java.util.Map<Long, Long> perDayCount = new java.util.TreeMap<>();
        kept.stream().filter(s -> now - s.createdEpochMillis() >= allFor).forEach(s -> perDayCount.merge(
                Math.floorDiv(s.createdEpochMillis(), ReplicationSchedule.DAY_MS), 1L, Long::sum));
        assertThat(perDayCount.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(perDay));
        assertThat(perDayCount).isNotEmpty();
    }

    // --- tri-sync -------------------------------------------------------------------------------

    @Test
    void trisyncAsyncLegContinuesFromWhicheverPodArrayServes() {
        stretchedPodWithVolume();
        Random random = new Random(11);
        byte[] all = new byte[(int) SIZE];
        random.nextBytes(all);
        a().data().write(VOL, 0, all);
        asyncGroup(POD + "::cinder-trisync", A, VOL);
        a().replication().createProtectionGroupSnapshot(POD + "::cinder-trisync", true, true);
        assertThat(c().data().checksum("cinder-pod:cinder-trisync.1." + VOL, 0, SIZE)).isEqualTo(sha(all));

        world.controls().stopArray(A);
        byte[] block = new byte[BLOCK];
        random.nextBytes(block);
        b().data().write(VOL, 5L * BLOCK, block);
        PgSnapshotRecord second = b().replication().createProtectionGroupSnapshot(POD + "::cinder-trisync", true, true);
        assertThat(second.name()).isEqualTo(POD + "::cinder-trisync.2");
        assertThat(c().data().checksum("cinder-pod:cinder-trisync.2." + VOL, 0, SIZE)).isEqualTo(sum(b(), VOL));
        PgTransferRecord t = b().replication().listProtectionGroupTransfers(POD + "::cinder-trisync").get(0);
        assertThat(t.dataTransferred()).isEqualTo(BLOCK);
    }

    @Test
    void podGroupSnapshotsTakenWhileThePeerIsStaleReachItAtResync() {
        stretchedPodWithVolume();
        a().data().write(VOL, 0, new byte[] {1, 2});
        asyncGroup(POD + "::cinder-trisync", A, VOL);
        world.controls().cutLink(A, B);
        a().replication().createProtectionGroupSnapshot(POD + "::cinder-trisync", false, true);
        world.controls().restoreLink(A, B);
        tickUntilInSync(POD);
        String snap = POD + "::cinder-trisync.1." + VOL;
        assertThat(b().data().checksum(snap, 0, SIZE)).isEqualTo(a().data().checksum(snap, 0, SIZE));
        assertThat(b().replication().listProtectionGroupSnapshots(POD + "::cinder-trisync"))
                .extracting(PgSnapshotRecord::name).containsExactly(POD + "::cinder-trisync.1");
    }

    // --- persistence and bad input ----------------------------------------------------------------

    @Test
    void replicationStateSurvivesRestart() {
        stretchedPodWithVolume();
        a().spi().createVolume("volume-6-cinder", SIZE);
        asyncGroup("cinder-group", A, "volume-6-cinder");
        a().replication().createProtectionGroupSnapshot("cinder-group", true, true);
        world.controls().cutLink(A, B);
        a().data().write(VOL, 0, new byte[] {42});
        world.restart();
        PodStatus after = world.controls().podStatus(POD);
        assertThat(after.member(B).status()).isEqualTo(PodArrayStatus.OFFLINE);
        assertThat(after.member(B).inSync()).isFalse();
        assertThat(after.member(B).dirtyBlocks()).isEqualTo(1);
        assertUnavailable(() -> b().data().read(VOL, 0, 1));
        world.controls().restoreLink(A, B);
        tickUntilInSync(POD);
        assertThat(b().data().read(VOL, 0, 1)).containsExactly(42);
        assertThat(world.controls().pgStatus(A, "cinder-group").target(C).lastReplicatedSnapshot())
                .isEqualTo("cinder-group.1");
        assertThat(a().replication().createProtectionGroupSnapshot("cinder-group", false, false).name())
                .isEqualTo("cinder-group.2");
    }

    @Test
    void badReplicationRequestsAreRefusedAndChangeNothing() {
        assertThatThrownBy(() -> a().spi().createVolume(VOL, SIZE)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.reason()).isEqualTo("POD_NOT_FOUND"));
        a().replication().createPod(POD);
        assertThatThrownBy(() -> a().replication().stretchPod(POD, A)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        a().replication().stretchPod(POD, B);
        assertThatThrownBy(() -> a().replication().stretchPod(POD, C)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.reason()).isEqualTo("POD_ARRAY_LIMIT"));
        a().replication().createProtectionGroup("cinder-group");
        assertThatThrownBy(() -> a().replication().addProtectionGroupTargets("cinder-group", List.of(A)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.reason()).isEqualTo("TARGET_IS_SOURCE");
                });
        a().replication().createProtectionGroup(POD + "::cinder-trisync");
        assertThatThrownBy(() -> a().replication().addProtectionGroupTargets(POD + "::cinder-trisync", List.of(B)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason()).isEqualTo("TARGET_IS_SOURCE"));
        assertThat(a().replication().findProtectionGroup("cinder-group").orElseThrow().targets()).isEmpty();
        assertThat(c().replication().listProtectionGroups()).isEmpty();
    }
}
