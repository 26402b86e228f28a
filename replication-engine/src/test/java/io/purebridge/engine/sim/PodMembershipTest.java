package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pod state machine on its own: no store, no fabric, no data. Drives one pod stretched over
 * arrays a and b (c stands aside) through link cuts, resync, array stops, the mediator and
 * pre-election, and the data path's verdicts.
 */
class PodMembershipTest {
    private static final long NOW = 1_700_000_000_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private FabricState state;
    private PodMembership m;
    private FabricState.Pod pod;

    @BeforeEach
    void stretchedPod() {
        state = new FabricState();
        m = new PodMembership(state, clock, List.of("a", "b", "c"));
        pod = m.create("a", "p");
        m.checkStretch("a", "p", "b");
        m.join(pod, "b");
    }

    private String status(String array) {
        return pod.status.get(array).status;
    }

    private boolean inSync(String array) {
        return pod.status.get(array).inSync;
    }

    private static String reason(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            return e.reason();
        }
        throw new AssertionError("expected an EngineException");
    }

    @Test
    void createAndStretchServeOnBothArrays() {
        assertThat(pod.members).containsExactly("a", "b");
        assertThat(m.servingMembers("p")).containsExactly("a", "b");
        assertThat(pod.createdEpochMillis).isEqualTo(NOW);
        assertThat(reason(() -> m.create("b", "p"))).isEqualTo("POD_EXISTS");
        assertThat(reason(() -> m.checkStretch("a", "p", "b"))).isEqualTo("POD_ALREADY_STRETCHED");
        assertThat(reason(() -> m.checkStretch("a", "p", "c"))).isEqualTo("POD_ARRAY_LIMIT");
        assertThat(reason(() -> m.localPod("c", "p"))).isEqualTo("POD_NOT_FOUND");
    }

    @Test
    void stretchNeedsContact() {
        FabricState.Pod q = m.create("a", "q");
        m.cutLink("a", "c");
        assertThat(reason(() -> m.checkStretch("a", "q", "c"))).isEqualTo("ARRAY_UNREACHABLE");
        assertThat(q.members).containsExactly("a");
    }

    @Test
    void linkCutWithMediatorKeepsTheFirstMemberAndTheOtherResyncsAfterRestore() {
        m.cutLink("a", "b");
        assertThat(status("a")).isEqualTo(PodMembership.ONLINE);
        assertThat(status("b")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("b")).isFalse();
        assertThat(pod.status.get("b").frozenAtEpochMillis).isEqualTo(NOW);
        assertThat(reason(() -> m.requireServing("b", pod))).isEqualTo("POD_OFFLINE");
        assertThat(m.servingMembers("p")).containsExactly("a");

        m.restoreLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.RESYNCING);
        assertThat(reason(() -> m.requireServing("b", pod))).isEqualTo("POD_RESYNCING");
        assertThat(m.server(pod)).isEqualTo("a");

        FabricState.Member b = pod.status.get("b");
        m.resyncProgress(b, 3, 10);
        assertThat(PodMembership.progress(b)).isEqualTo(0.3);
        m.resyncProgress(b, 7, 7);
        assertThat(PodMembership.progress(b)).isEqualTo(1.0);
        m.resynced(b);
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);
        assertThat(inSync("b")).isTrue();
        assertThat(b.resyncTotal).isZero();
        assertThat(PodMembership.progress(b)).isEqualTo(1.0);
    }

    @Test
    void failoverPreferenceDecidesTheRace() {
        assertThat(reason(() -> m.setFailoverPreferences(pod, List.of("c")))).isEqualTo("INVALID_FAILOVER_PREFERENCE");
        m.setFailoverPreferences(pod, List.of("b"));
        m.cutLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);
        assertThat(status("a")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("a")).isFalse();
    }

    @Test
    void withoutMediatorOrPreElectionBothStopAndBothComeBackInSync() {
        m.setMediatorReachable(false);
        m.cutLink("a", "b");
        assertThat(status("a")).isEqualTo(PodMembership.OFFLINE);
        assertThat(status("b")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("a")).isTrue();
        assertThat(inSync("b")).isTrue();
        assertThat(m.servingMembers("p")).isEmpty();

        m.restoreLink("a", "b");
        assertThat(status("a")).isEqualTo(PodMembership.ONLINE);
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);
    }

    @Test
    void heartbeatWithoutMediatorPreElectsAndThePreElectedGoesOn() {
        m.setFailoverPreferences(pod, List.of("b"));
        m.setMediatorReachable(false);
        assertThat(m.heartbeat()).isTrue();
        assertThat(pod.preElected).isEqualTo("b");
        assertThat(m.heartbeat()).isFalse();

        m.cutLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);
        assertThat(status("a")).isEqualTo(PodMembership.OFFLINE);

        m.setMediatorReachable(true);
        assertThat(pod.preElected).isNull();
        assertThat(m.heartbeat()).isFalse();
    }

    @Test
    void mediatorReturningElectsAServerForAPodNobodyServes() {
        m.setMediatorReachable(false);
        m.cutLink("a", "b");
        assertThat(m.server(pod)).isNull();

        m.setMediatorReachable(true);
        assertThat(status("a")).isEqualTo(PodMembership.ONLINE);
        // b cannot reach the winner: it stays offline and is no longer in sync.
        assertThat(status("b")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("b")).isFalse();

        m.restoreLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.RESYNCING);
    }

    @Test
    void stoppingTheServerMovesServiceToThePeerAndStartingItResyncs() {
        assertThat(m.stopArray("a")).isTrue();
        assertThat(m.stopArray("a")).isFalse();
        assertThat(m.running("a")).isFalse();
        assertThat(m.contact("a", "b")).isFalse();
        assertThat(status("a")).isEqualTo(PodMembership.OFFLINE);
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);

        assertThat(m.startArray("a")).isTrue();
        assertThat(m.startArray("a")).isFalse();
        assertThat(status("a")).isEqualTo(PodMembership.RESYNCING);
        assertThat(status("b")).isEqualTo(PodMembership.ONLINE);
    }

    @Test
    void aResyncingArrayThatLosesContactAgainIsStale() {
        m.cutLink("a", "b");
        m.restoreLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.RESYNCING);
        m.cutLink("a", "b");
        assertThat(status("b")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("b")).isFalse();
        assertThat(status("a")).isEqualTo(PodMembership.ONLINE);
    }

    @Test
    void stoppingBothAndStartingOneElectsItOnlyIfInSync() {
        m.stopArray("b");
        m.stopArray("a");
        // b stopped first: a served alone, so b is stale; a froze in sync.
        assertThat(inSync("b")).isFalse();
        assertThat(inSync("a")).isTrue();
        m.startArray("b");
        assertThat(m.server(pod)).isNull();
        m.startArray("a");
        assertThat(status("a")).isEqualTo(PodMembership.ONLINE);
        assertThat(status("b")).isEqualTo(PodMembership.RESYNCING);
    }

    @Test
    void writeVerdictsTakeTheFailedSideOutOfService() {
        m.peerWriteFailed(pod, "b");
        assertThat(status("b")).isEqualTo(PodMembership.OFFLINE);
        assertThat(inSync("b")).isFalse();

        FabricState.Pod q = m.create("a", "q");
        m.join(q, "b");
        m.localWriteFailed(q, "a");
        assertThat(q.status.get("a").status).isEqualTo(PodMembership.RESYNCING);
        assertThat(q.status.get("a").inSync).isFalse();
    }

    @Test
    void unstretchNeedsAnInSyncServerAndDestroyAnUnstretchedPod() {
        assertThat(reason(() -> m.checkUnstretch(pod, "c"))).isEqualTo("POD_MEMBER_NOT_FOUND");
        assertThat(reason(() -> m.destroy(pod))).isEqualTo("POD_STRETCHED");
        m.cutLink("a", "b");
        assertThat(reason(() -> m.checkUnstretch(pod, "a"))).isEqualTo("POD_NOT_IN_SYNC");
        assertThat(m.checkUnstretch(pod, "b")).isEqualTo("a");
        m.leave(pod, "b");
        assertThat(pod.members).containsExactly("a");
        assertThat(reason(() -> m.checkUnstretch(pod, "a"))).isEqualTo("POD_NOT_STRETCHED");
        m.destroy(pod);
        assertThat(m.pod("p")).isNull();
        assertThat(m.podMembers("p")).isEmpty();
    }

    @Test
    void membersOfArraysNoLongerHostedAreDroppedOnLoad() {
        PodMembership reopened = new PodMembership(state, clock, List.of("a"));
        assertThat(reopened.podMembers("p")).containsExactly("a");
        assertThatThrownBy(() -> reopened.localPod("b", "p")).isInstanceOf(EngineException.class);
    }
}
