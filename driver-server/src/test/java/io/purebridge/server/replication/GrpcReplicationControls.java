package io.purebridge.server.replication;

import io.grpc.Channel;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.sim.NetworkStatus;
import io.purebridge.engine.sim.PgStatus;
import io.purebridge.engine.sim.PodStatus;
import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.CutLinkRequest;
import io.purebridge.v1.GetNetworkStatusRequest;
import io.purebridge.v1.GetPodStatusRequest;
import io.purebridge.v1.GetProtectionGroupStatusRequest;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ProtectionGroupTargetStatus;
import io.purebridge.v1.ReplicationAdminServiceGrpc;
import io.purebridge.v1.ReplicationAdminServiceGrpc.ReplicationAdminServiceBlockingStub;
import io.purebridge.v1.RestoreLinkRequest;
import io.purebridge.v1.SetMediatorReachableRequest;
import io.purebridge.v1.StartArrayRequest;
import io.purebridge.v1.StopArrayRequest;
import io.purebridge.v1.TickRequest;
import java.util.List;
import java.util.Map;

/** {@link ReplicationControls} through ReplicationAdminService: every call is one RPC carrying every token. */
final class GrpcReplicationControls implements ReplicationControls {
    private final ReplicationAdminServiceBlockingStub stub;
    private final List<ArrayAccess> access;

    GrpcReplicationControls(Channel channel, Map<String, String> tokens) {
        this.stub = ReplicationAdminServiceGrpc.newBlockingStub(channel);
        this.access = tokens.entrySet().stream()
                .map(e -> ArrayAccess.newBuilder().setArray(e.getKey()).setApiToken(e.getValue()).build()).toList();
    }

    @Override
    public void cutLink(String arrayA, String arrayB) {
        GrpcErrors.run(() -> stub.cutLink(CutLinkRequest.newBuilder().addAllAccess(access).setArrayA(arrayA)
                .setArrayB(arrayB).build()));
    }

    @Override
    public void restoreLink(String arrayA, String arrayB) {
        GrpcErrors.run(() -> stub.restoreLink(RestoreLinkRequest.newBuilder().addAllAccess(access).setArrayA(arrayA)
                .setArrayB(arrayB).build()));
    }

    @Override
    public void stopArray(String arrayName) {
        GrpcErrors.run(() -> stub.stopArray(StopArrayRequest.newBuilder().addAllAccess(access).setArray(arrayName)
                .build()));
    }

    @Override
    public void startArray(String arrayName) {
        GrpcErrors.run(() -> stub.startArray(StartArrayRequest.newBuilder().addAllAccess(access).setArray(arrayName)
                .build()));
    }

    @Override
    public void setMediatorReachable(boolean reachable) {
        GrpcErrors.run(() -> stub.setMediatorReachable(SetMediatorReachableRequest.newBuilder().addAllAccess(access)
                .setReachable(reachable).build()));
    }

    @Override
    public void tick() {
        GrpcErrors.run(() -> stub.tick(TickRequest.newBuilder().addAllAccess(access).build()));
    }

    @Override
    public NetworkStatus networkStatus() {
        io.purebridge.v1.NetworkStatus n = GrpcErrors.call(() -> stub.getNetworkStatus(GetNetworkStatusRequest
                .newBuilder().addAllAccess(access).build())).getNetwork();
        return new NetworkStatus(n.getMediatorReachable(), n.getCutLinksList(), n.getStoppedArraysList(),
                n.getArraysList());
    }

    @Override
    public PodStatus podStatus(String podName) {
        return pods(podName).get(0);
    }

    @Override
    public List<PodStatus> podStatuses() {
        return pods("");
    }

    private List<PodStatus> pods(String name) {
        return GrpcErrors.call(() -> stub.getPodStatus(GetPodStatusRequest.newBuilder().addAllAccess(access)
                .setPodName(name).build())).getPodsList().stream().map(GrpcReplicationControls::pod).toList();
    }

    @Override
    public PgStatus pgStatus(String sourceArray, String groupName) {
        return groups(sourceArray, groupName).get(0);
    }

    @Override
    public List<PgStatus> pgStatuses() {
        return groups("", "");
    }

    private List<PgStatus> groups(String source, String name) {
        return GrpcErrors.call(() -> stub.getProtectionGroupStatus(GetProtectionGroupStatusRequest.newBuilder()
                .addAllAccess(access).setSourceArray(source).setName(name).build())).getProtectionGroupsList()
                .stream().map(GrpcReplicationControls::group).toList();
    }

    private static PodStatus pod(io.purebridge.v1.PodStatus p) {
        List<PodStatus.Member> members = p.getArraysList().stream().map(GrpcReplicationControls::member).toList();
        return new PodStatus(p.getName(), members, p.getFailoverPreferencesList(), p.getMediatorReachable(),
                p.getPreElected().isEmpty() ? null : p.getPreElected());
    }

    private static PodStatus.Member member(PodMemberStatus m) {
        return new PodStatus.Member(m.getArray(), m.getStatus(), m.getInSync(), m.getProgress(),
                m.getFrozenAtEpochMillis(), m.getDirtyBlocks());
    }

    private static PgStatus group(ProtectionGroupStatus g) {
        List<PgStatus.Target> targets = g.getTargetsList().stream().map(GrpcReplicationControls::target).toList();
        ReplicationSchedule schedule = g.getFrequencyMs() <= 0 ? null : new ReplicationSchedule(
                g.getScheduleEnabled(), g.getFrequencyMs(), g.getBlackoutStartMs(), g.getBlackoutEndMs());
        return new PgStatus(g.getName(), g.getSourceArray(), g.getMembersList(), schedule, g.getSnapshotCount(),
                targets);
    }

    private static PgStatus.Target target(ProtectionGroupTargetStatus t) {
        return new PgStatus.Target(t.getArray(), t.getAllowed(), t.getReachable(),
                t.getLastReplicatedSnapshot().isEmpty() ? null : t.getLastReplicatedSnapshot(),
                t.getLastCompletedEpochMillis(), t.getLagMillis(), t.getBytesSent(), t.getLogicalBytesSent(),
                t.getSnapshotsOnTarget());
    }
}
