package io.purebridge.engine.sim;

import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods' membership and election as a state machine over {@link FabricState}: which arrays run,
 * which links are up, whether the mediator answers, and per pod which member serves, which is in
 * sync and which resyncs. It moves no data and touches no store (the fabric does both and
 * persists the state after each change), so it is tested on its own.
 *
 * <p>Member states: {@code online} (serves the pod), {@code offline} (stopped serving; in sync
 * when it froze together with its peer) and {@code resyncing} (contact is back, catching up).
 * The rules: on lost contact the preferred running array (else the first member) wins the race
 * to the mediator; without the mediator only the array pre-elected while both were online goes
 * on, otherwise both stop serving. When contact returns, stale members resync from the server;
 * pods nobody serves are taken by a running in-sync member that reaches the mediator.
 */
final class PodMembership {
    private static final Logger LOG = LoggerFactory.getLogger(PodMembership.class);
    static final String ONLINE = PodArrayStatus.ONLINE;
    static final String OFFLINE = PodArrayStatus.OFFLINE;
    static final String RESYNCING = PodArrayStatus.RESYNCING;

    private final FabricState state;
    private final Clock clock;
    private final List<String> arrays;

    /** @param arrays every array of the host (stopping one loses contact with all the others) */
    PodMembership(FabricState state, Clock clock, List<String> arrays) {
        this.state = state;
        this.clock = clock;
        this.arrays = List.copyOf(arrays);
        state.pods.values().forEach(p -> p.members.removeIf(m -> !this.arrays.contains(m)));
    }

    FabricState state() {
        return state;
    }

    boolean running(String array) {
        return !state.stoppedArrays.contains(array);
    }

    /** Both arrays run and the link between them is up. */
    boolean contact(String a, String b) {
        return running(a) && running(b) && !state.cutLinks.contains(FabricState.link(a, b));
    }

    static boolean serving(FabricState.Member m) {
        return ONLINE.equals(m.status);
    }

    /** The pod, or null. */
    FabricState.Pod pod(String name) {
        return state.pods.get(name);
    }

    /** The pod if {@code array} is one of its members, else POD_NOT_FOUND. */
    FabricState.Pod localPod(String array, String name) {
        FabricState.Pod pod = state.pods.get(name);
        if (pod == null || !pod.members.contains(array)) {
            throw EngineException.notFound("POD_NOT_FOUND", "Pod " + name + " does not exist on array " + array
                    + "; create it (or stretch it to this array) first.");
        }
        return pod;
    }

    /** Refuses when {@code array} does not serve the pod now. */
    void requireServing(String array, FabricState.Pod pod) {
        FabricState.Member m = pod.status.get(array);
        if (!serving(m)) {
            throw EngineException.unavailable(RESYNCING.equals(m.status) ? "POD_RESYNCING" : "POD_OFFLINE", "Array "
                    + array + " does not serve pod " + pod.name + " now (" + m.status + "); use the pod's other array"
                    + " or wait for the replication link to return and the resync to finish.");
        }
    }

    /** The first serving member, or null. */
    String server(FabricState.Pod pod) {
        return pod.members.stream().filter(o -> serving(pod.status.get(o))).findFirst().orElse(null);
    }

    /** The pod's serving members that run, for protection groups in pods. */
    List<String> servingMembers(String podName) {
        FabricState.Pod pod = state.pods.get(podName);
        if (pod == null) {
            return List.of();
        }
        return pod.members.stream().filter(m -> serving(pod.status.get(m)) && running(m)).toList();
    }

    List<String> podMembers(String podName) {
        FabricState.Pod pod = state.pods.get(podName);
        return pod == null ? List.of() : List.copyOf(pod.members);
    }

    // --- membership ------------------------------------------------------------------------------

    FabricState.Pod create(String array, String name) {
        FabricState.Pod existing = state.pods.get(name);
        if (existing != null) {
            throw EngineException.alreadyExists("POD_EXISTS", "Pod " + name + " already exists (on "
                    + existing.members + ").");
        }
        FabricState.Pod pod = new FabricState.Pod();
        pod.name = name;
        pod.id = UUID.randomUUID().toString();
        pod.createdEpochMillis = clock.millis();
        pod.members.add(array);
        pod.status.put(array, new FabricState.Member());
        state.pods.put(name, pod);
        return pod;
    }

    /** Checks that {@code on} may stretch the pod to {@code target}; the caller then copies, then {@link #join}s. */
    FabricState.Pod checkStretch(String on, String podName, String target) {
        FabricState.Pod pod = localPod(on, podName);
        if (pod.members.contains(target)) {
            throw EngineException.alreadyExists("POD_ALREADY_STRETCHED", "Pod " + podName
                    + " already includes array " + target + ".");
        }
        if (pod.members.size() >= 2) {
            throw EngineException.failedPrecondition("POD_ARRAY_LIMIT", "Pod " + podName
                    + " is already stretched over " + pod.members + "; ActiveCluster pods span at most two"
                    + " arrays (limit reached).");
        }
        requireServing(on, pod);
        if (!contact(on, target)) {
            throw EngineException.unavailable("ARRAY_UNREACHABLE", "Array " + target + " cannot be reached from "
                    + on + " (link cut or array stopped); restore it and retry the stretch.");
        }
        return pod;
    }

    /** The new member holds the pod's data: it serves from now on. */
    void join(FabricState.Pod pod, String target) {
        pod.members.add(target);
        pod.status.put(target, new FabricState.Member());
    }

    /** Checks an unstretch and returns the member that stays; the caller drops data, then {@link #leave}s. */
    String checkUnstretch(FabricState.Pod pod, String leaving) {
        if (!pod.members.contains(leaving)) {
            throw EngineException.notFound("POD_MEMBER_NOT_FOUND", "Array " + leaving + " is not a member of pod "
                    + pod.name + ".");
        }
        if (pod.members.size() < 2) {
            throw EngineException.failedPrecondition("POD_NOT_STRETCHED", "Pod " + pod.name
                    + " is not stretched; destroy it instead.");
        }
        String staying = pod.members.stream().filter(m -> !m.equals(leaving)).findFirst().orElseThrow();
        FabricState.Member s = pod.status.get(staying);
        if (!serving(s) || !s.inSync) {
            throw EngineException.failedPrecondition("POD_NOT_IN_SYNC", "Cannot unstretch " + leaving + " from pod "
                    + pod.name + ": " + staying + " does not hold the latest data; wait for resync.");
        }
        return staying;
    }

    void leave(FabricState.Pod pod, String leaving) {
        pod.members.remove(leaving);
        pod.status.remove(leaving);
        pod.failoverPreferences.remove(leaving);
        pod.preElected = null;
    }

    void setFailoverPreferences(FabricState.Pod pod, List<String> prefs) {
        for (String p : prefs) {
            if (!pod.members.contains(p)) {
                throw EngineException.invalidArgument("INVALID_FAILOVER_PREFERENCE", "failover_preferences of pod "
                        + pod.name + " names " + p + ", which is not a member " + pod.members + ".");
            }
        }
        pod.failoverPreferences = new ArrayList<>(prefs);
    }

    void checkNotStretched(FabricState.Pod pod) {
        if (pod.members.size() > 1) {
            throw EngineException.failedPrecondition("POD_STRETCHED", "Pod " + pod.name + " is stretched over "
                    + pod.members + "; unstretch it first.");
        }
    }

    /** A pod on one array only; the caller checked it is empty. */
    void destroy(FabricState.Pod pod) {
        checkNotStretched(pod);
        state.pods.remove(pod.name);
    }

    // --- faults and their repair -----------------------------------------------------------------

    void cutLink(String a, String b) {
        boolean had = contact(a, b);
        state.cutLinks.add(FabricState.link(a, b));
        if (had) {
            lostContact(a, b);
        }
    }

    void restoreLink(String a, String b) {
        state.cutLinks.remove(FabricState.link(a, b));
        if (contact(a, b)) {
            regainedContact(a, b);
        }
    }

    /** Returns false when the array was already stopped. */
    boolean stopArray(String name) {
        if (!running(name)) {
            return false;
        }
        List<String> hadContact = arrays.stream().filter(o -> !o.equals(name) && contact(name, o)).toList();
        state.stoppedArrays.add(name);
        for (String other : hadContact) {
            lostContact(name, other);
        }
        for (FabricState.Pod pod : state.pods.values()) {
            FabricState.Member m = pod.status.get(name);
            if (m != null && !OFFLINE.equals(m.status)) {
                if (RESYNCING.equals(m.status)) {
                    m.inSync = false;
                }
                m.status = OFFLINE;
                m.frozenAtEpochMillis = clock.millis();
            }
        }
        return true;
    }

    /** Returns false when the array was already running. */
    boolean startArray(String name) {
        if (running(name)) {
            return false;
        }
        state.stoppedArrays.remove(name);
        for (String other : arrays) {
            if (!other.equals(name) && contact(name, other)) {
                regainedContact(name, other);
            }
        }
        electAlone();
        return true;
    }

    void setMediatorReachable(boolean reachable) {
        state.mediatorReachable = reachable;
        if (reachable) {
            state.pods.values().forEach(p -> p.preElected = null);
            electAlone();
        }
    }

    /**
     * Contact between {@code a} and {@code b} was lost. For each pod both served, the arrays race to
     * the mediator: the preferred array (else the first member) that still runs wins; without the
     * mediator only a pre-elected array may go on, otherwise both stop serving the pod.
     */
    private void lostContact(String a, String b) {
        for (FabricState.Pod pod : state.pods.values()) {
            if (!pod.members.contains(a) || !pod.members.contains(b)) {
                continue;
            }
            FabricState.Member ma = pod.status.get(a);
            FabricState.Member mb = pod.status.get(b);
            long now = clock.millis();
            if (serving(ma) && serving(mb)) {
                String winner = raceWinner(pod, List.of(a, b).stream().filter(this::running).toList());
                for (String m : List.of(a, b)) {
                    FabricState.Member s = pod.status.get(m);
                    if (!m.equals(winner)) {
                        s.status = OFFLINE;
                        s.frozenAtEpochMillis = now;
                        s.inSync = winner == null;
                    }
                }
                LOG.warn("fabric: pod {} lost contact between {} and {}: {}", pod.name, a, b,
                        winner == null ? "no mediator and no pre-election, both arrays stop serving"
                                : winner + " keeps serving");
            } else {
                // A resyncing array loses its place; the serving one goes on (it already served alone).
                for (FabricState.Member s : List.of(ma, mb)) {
                    if (RESYNCING.equals(s.status)) {
                        s.status = OFFLINE;
                        s.inSync = false;
                        s.frozenAtEpochMillis = now;
                    }
                }
            }
        }
    }

    private String raceWinner(FabricState.Pod pod, List<String> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        if (!state.mediatorReachable) {
            return pod.preElected != null && candidates.contains(pod.preElected) ? pod.preElected : null;
        }
        for (String p : pod.failoverPreferences) {
            if (candidates.contains(p)) {
                return p;
            }
        }
        return pod.members.stream().filter(candidates::contains).findFirst().orElse(null);
    }

    /** Contact is back: in-sync arrays serve again, stale ones start resyncing from the server. */
    private void regainedContact(String a, String b) {
        for (FabricState.Pod pod : state.pods.values()) {
            if (!pod.members.contains(a) || !pod.members.contains(b)) {
                continue;
            }
            boolean anyOnline = pod.members.stream().anyMatch(m -> serving(pod.status.get(m)));
            if (!anyOnline) {
                // Both stopped serving together (no mediator): nothing was written, both hold the same data.
                boolean allInSync = pod.members.stream().allMatch(m -> pod.status.get(m).inSync);
                for (String m : pod.members) {
                    FabricState.Member s = pod.status.get(m);
                    if (s.inSync) {
                        s.status = ONLINE;
                        s.frozenAtEpochMillis = 0;
                    }
                }
                anyOnline = pod.members.stream().anyMatch(m -> serving(pod.status.get(m)));
                if (allInSync) {
                    continue;
                }
            }
            if (!anyOnline) {
                continue;
            }
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (!serving(s)) {
                    s.status = RESYNCING;
                    s.resyncDone = 0;
                    s.resyncTotal = 0;
                }
            }
        }
    }

    /** Pods nobody serves: a running in-sync member that reaches the mediator takes them. */
    private void electAlone() {
        for (FabricState.Pod pod : state.pods.values()) {
            if (server(pod) != null) {
                continue;
            }
            List<String> candidates = pod.members.stream()
                    .filter(m -> running(m) && pod.status.get(m).inSync).toList();
            String winner = raceWinner(pod, candidates);
            if (winner == null) {
                continue;
            }
            for (String m : pod.members) {
                FabricState.Member s = pod.status.get(m);
                if (m.equals(winner)) {
                    s.status = ONLINE;
                    s.frozenAtEpochMillis = 0;
                } else if (!contact(m, winner)) {
                    s.inSync = false;
                } else {
                    s.status = ONLINE;
                }
            }
            LOG.info("fabric: pod {} is served by {} again", pod.name, winner);
        }
    }

    /** While the mediator is unreachable, pods served by both arrays pre-elect one; true if any did. */
    boolean heartbeat() {
        if (state.mediatorReachable) {
            return false;
        }
        boolean changed = false;
        for (FabricState.Pod pod : state.pods.values()) {
            if (pod.preElected != null || pod.members.size() < 2) {
                continue;
            }
            boolean allOnline = pod.members.stream().allMatch(m -> serving(pod.status.get(m)));
            if (allOnline && contact(pod.members.get(0), pod.members.get(1))) {
                pod.preElected = pod.failoverPreferences.isEmpty() ? pod.members.get(0) : pod.failoverPreferences.get(0);
                changed = true;
                LOG.info("fabric: mediator unreachable; pod {} pre-elected {}", pod.name, pod.preElected);
            }
        }
        return changed;
    }

    // --- the data path's verdicts ----------------------------------------------------------------

    /** A peer could not take a mirrored write that is acknowledged: it leaves service and will resync. */
    void peerWriteFailed(FabricState.Pod pod, String peer) {
        FabricState.Member pm = pod.status.get(peer);
        pm.status = OFFLINE;
        pm.inSync = false;
        pm.frozenAtEpochMillis = clock.millis();
    }

    /** The write reached a peer but not this array (never acknowledged): this array must take the peer's copy. */
    void localWriteFailed(FabricState.Pod pod, String array) {
        FabricState.Member mine = pod.status.get(array);
        mine.status = RESYNCING;
        mine.inSync = false;
    }

    /** One resync step moved {@code done} of the {@code remaining} changed blocks to a resyncing member. */
    void resyncProgress(FabricState.Member s, long done, long remaining) {
        if (s.resyncTotal == 0) {
            s.resyncTotal = remaining;
        }
        s.resyncDone += done;
        s.resyncTotal = Math.max(s.resyncTotal, s.resyncDone + remaining - done);
    }

    /** The resyncing member holds everything: it serves again. */
    void resynced(FabricState.Member s) {
        s.status = ONLINE;
        s.inSync = true;
        s.frozenAtEpochMillis = 0;
        s.resyncDone = 0;
        s.resyncTotal = 0;
    }

    /** How far a member is: 1 online, resync progress while resyncing, else 0. */
    static double progress(FabricState.Member s) {
        if (ONLINE.equals(s.status)) {
            return 1.0;
        }
        if (!RESYNCING.equals(s.status) || s.resyncTotal == 0) {
            return 0.0;
        }
        return Math.min(1.0, (double) s.resyncDone / s.resyncTotal);
    }
}
