package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the fabric shows: one array's view of a pod (the SPI's PodRecord), the operator's pod and
 * network status, and an array's connections. Reads only; the caller holds the fabric lock.
 */
final class FabricViews {
    private final PodMembership membership;
    private final Function<String, ReplicaStore> arrays;
    private final Collection<String> arrayNames;

    FabricViews(PodMembership membership, Function<String, ReplicaStore> arrays, Collection<String> arrayNames) {
        this.membership = membership;
        this.arrays = arrays;
        this.arrayNames = List.copyOf(arrayNames);
    }

    /** One array's view of a pod: a peer is "unknown" to an array that is itself offline. */
    PodRecord view(String viewer, FabricState.Pod pod) {
        FabricState.Member mine = pod.status.get(viewer);
        boolean viewerOffline = mine == null || PodMembership.OFFLINE.equals(mine.status);
        boolean mediator = membership.state().mediatorReachable;
        List<PodArrayStatus> list = new ArrayList<>();
        for (String m : pod.members) {
            FabricState.Member s = pod.status.get(m);
            String status = s.status;
            if (viewerOffline && !m.equals(viewer) && !membership.contact(viewer, m)) {
                status = PodArrayStatus.UNKNOWN;
            }
            list.add(new PodArrayStatus(m, arrays.apply(m).id(), status, PodMembership.progress(s),
                    s.frozenAtEpochMillis, mediator && membership.running(m) ? "online" : "unreachable",
                    m.equals(pod.preElected)));
        }
        return new PodRecord(pod.name, pod.id, list, pod.failoverPreferences, "promoted", pod.createdEpochMillis);
    }

    /** The operator's status of a pod: every member, with the blocks a stale one still lacks. */
    PodStatus status(FabricState.Pod pod) {
        List<PodStatus.Member> members = new ArrayList<>();
        String server = membership.server(pod);
        long dirty = 0;
        if (server != null && membership.running(server)) {
            dirty = arrays.apply(server).dirtyBlocks(pod.name).values().stream().mapToLong(Set::size).sum();
        }
        for (String m : pod.members) {
            FabricState.Member s = pod.status.get(m);
            members.add(new PodStatus.Member(m, s.status, s.inSync, PodMembership.progress(s), s.frozenAtEpochMillis,
                    PodMembership.serving(s) ? 0 : dirty));
        }
        return new PodStatus(pod.name, members, pod.failoverPreferences, membership.state().mediatorReachable,
                pod.preElected);
    }

    NetworkStatus network() {
        FabricState state = membership.state();
        return new NetworkStatus(state.mediatorReachable, List.copyOf(state.cutLinks),
                List.copyOf(state.stoppedArrays), arrayNames.stream().sorted().toList());
    }

    List<ArrayConnectionRecord> connections(String on) {
        return arrayNames.stream().filter(n -> !n.equals(on)).sorted()
                .map(n -> new ArrayConnectionRecord(n, membership.contact(on, n) ? "connected" : "unreachable",
                        List.of("sync-replication", "async-replication")))
                .toList();
    }
}
