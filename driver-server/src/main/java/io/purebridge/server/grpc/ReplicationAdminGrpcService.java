package io.purebridge.server.grpc;

import io.grpc.stub.StreamObserver;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.cinder.BackendSummary;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.PgStatus;
import io.purebridge.engine.sim.PodStatus;
import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.BackendStatus;
import io.purebridge.v1.BackendTargetStatus;
import io.purebridge.v1.CutLinkRequest;
import io.purebridge.v1.CutLinkResponse;
import io.purebridge.v1.GetBackendStatusRequest;
import io.purebridge.v1.GetBackendStatusResponse;
import io.purebridge.v1.GetNetworkStatusRequest;
import io.purebridge.v1.GetNetworkStatusResponse;
import io.purebridge.v1.GetPodStatusRequest;
import io.purebridge.v1.GetPodStatusResponse;
import io.purebridge.v1.GetProtectionGroupStatusRequest;
import io.purebridge.v1.GetProtectionGroupStatusResponse;
import io.purebridge.v1.NetworkStatus;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ProtectionGroupTargetStatus;
import io.purebridge.v1.ReplicateNowRequest;
import io.purebridge.v1.ReplicateNowResponse;
import io.purebridge.v1.ReplicationAdminServiceGrpc;
import io.purebridge.v1.RestoreLinkRequest;
import io.purebridge.v1.RestoreLinkResponse;
import io.purebridge.v1.SetMediatorReachableRequest;
import io.purebridge.v1.SetMediatorReachableResponse;
import io.purebridge.v1.StartArrayRequest;
import io.purebridge.v1.StartArrayResponse;
import io.purebridge.v1.StopArrayRequest;
import io.purebridge.v1.StopArrayResponse;
import io.purebridge.v1.TickRequest;
import io.purebridge.v1.TickResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC adapter of ReplicationAdminService: operator controls and status of the replication
 * network between the service's simulated arrays ({@link ReplicationControls}). Every request
 * must carry the token of each array it involves ({@link ArrayTokens}); controls of the whole
 * network involve every hosted array.
 */
public final class ReplicationAdminGrpcService extends ReplicationAdminServiceGrpc.ReplicationAdminServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationAdminGrpcService.class);

    private final ArrayTokens tokens;
    private final Supplier<List<String>> hostedArrays;
    private final ReplicationControls controls;
    private final StatusMapper statusMapper;
    private final Supplier<List<BackendSummary>> backends;

    /**
     * @param arrays opens a hosted array after checking its token
     * @param hostedArrays the names of every hosted array
     * @param controls the replication network of those arrays
     */
    public ReplicationAdminGrpcService(ArrayOpener arrays, Supplier<List<String>> hostedArrays,
            ReplicationControls controls, StatusMapper statusMapper) {
        this(arrays, hostedArrays, controls, List::of, statusMapper);
    }

    /** @param backends the registered backends, for GetBackendStatus */
    public ReplicationAdminGrpcService(ArrayOpener arrays, Supplier<List<String>> hostedArrays,
            ReplicationControls controls, Supplier<List<BackendSummary>> backends, StatusMapper statusMapper) {
        this.backends = Objects.requireNonNull(backends, "backends");
        this.tokens = new ArrayTokens(arrays);
        this.hostedArrays = Objects.requireNonNull(hostedArrays, "hostedArrays");
        this.controls = Objects.requireNonNull(controls, "controls");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public void cutLink(CutLinkRequest request, StreamObserver<CutLinkResponse> out) {
        statusMapper.respond("CutLink", out, () -> {
            List<String> link = link(request.getArrayA(), request.getArrayB());
            tokens.open(request.getAccessList(), link);
            controls.cutLink(link.get(0), link.get(1));
            LOG.info("replication-admin: cut link {} <-> {}", link.get(0), link.get(1));
            return CutLinkResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void restoreLink(RestoreLinkRequest request, StreamObserver<RestoreLinkResponse> out) {
        statusMapper.respond("RestoreLink", out, () -> {
            List<String> link = link(request.getArrayA(), request.getArrayB());
            tokens.open(request.getAccessList(), link);
            controls.restoreLink(link.get(0), link.get(1));
            LOG.info("replication-admin: restored link {} <-> {}", link.get(0), link.get(1));
            return RestoreLinkResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void stopArray(StopArrayRequest request, StreamObserver<StopArrayResponse> out) {
        statusMapper.respond("StopArray", out, () -> {
            String array = Required.text(request.getArray(), "array");
            tokens.open(request.getAccessList(), List.of(array));
            controls.stopArray(array);
            LOG.info("replication-admin: stopped array {}", array);
            return StopArrayResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void startArray(StartArrayRequest request, StreamObserver<StartArrayResponse> out) {
        statusMapper.respond("StartArray", out, () -> {
            String array = Required.text(request.getArray(), "array");
            tokens.open(request.getAccessList(), List.of(array));
            controls.startArray(array);
            LOG.info("replication-admin: started array {}", array);
            return StartArrayResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void setMediatorReachable(SetMediatorReachableRequest request,
            StreamObserver<SetMediatorReachableResponse> out) {
        statusMapper.respond("SetMediatorReachable", out, () -> {
            everyArray(request.getAccessList());
            controls.setMediatorReachable(request.getReachable());
            LOG.info("replication-admin: mediator {}", request.getReachable() ? "reachable" : "unreachable");
            return SetMediatorReachableResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void tick(TickRequest request, StreamObserver<TickResponse> out) {
        statusMapper.respond("Tick", out, () -> {
            everyArray(request.getAccessList());
            controls.tick();
            return TickResponse.getDefaultInstance();
        });
    }

    @Override
    public void replicateNow(ReplicateNowRequest request, StreamObserver<ReplicateNowResponse> out) {
        statusMapper.respond("ReplicateNow", out, () -> {
            String source = Required.text(request.getSourceArray(), "source_array");
            String group = Required.text(request.getProtectionGroup(), "protection_group");
            // The source's token first: the group's targets are only told to those who may see it.
            FlashArray array = tokens.open(request.getAccessList(), List.of(source)).get(source);
            PgStatus before = controls.pgStatus(source, group);
            tokens.open(request.getAccessList(), involved(before));
            if (!(array instanceof ReplicationArray replicating)) {
                throw EngineException.failedPrecondition("NO_REPLICATION", "Array " + source
                        + " does not replicate in this service.");
            }
            PgSnapshotRecord snapshot = replicating.createProtectionGroupSnapshot(group, true, false);
            LOG.info("replication-admin: replicated {} of {} now", snapshot.name(), source);
            return ReplicateNowResponse.newBuilder().setSnapshot(snapshot.name())
                    .setStatus(pg(controls.pgStatus(source, group))).build();
        });
    }

    @Override
    public void getPodStatus(GetPodStatusRequest request, StreamObserver<GetPodStatusResponse> out) {
        statusMapper.respond("GetPodStatus", out, () -> {
            List<PodStatus> pods;
            if (request.getPodName().isEmpty()) {
                everyArray(request.getAccessList());
                pods = controls.podStatuses();
            } else {
                pods = List.of(namedPod(request));
            }
            GetPodStatusResponse.Builder response = GetPodStatusResponse.newBuilder();
            pods.forEach(p -> response.addPods(pod(p)));
            return response.build();
        });
    }

    /**
     * A pod by name, for a caller with the token of every array it is stretched to. Tokens are
     * checked before the lookup, and a pod on none of the caller's arrays is as missing as one
     * that does not exist, so neither answer tells a stranger which pod names exist.
     */
    private PodStatus namedPod(GetPodStatusRequest request) {
        Set<String> callerArrays = tokens.authenticated(request.getAccessList());
        String name = request.getPodName();
        PodStatus pod;
        try {
            pod = controls.podStatus(name);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw podNotFound(name);
            }
            throw e;
        }
        List<String> members = pod.arrays().stream().map(PodStatus.Member::arrayName).toList();
        if (members.stream().noneMatch(callerArrays::contains)) {
            throw podNotFound(name);
        }
        tokens.open(request.getAccessList(), members);
        return pod;
    }

    private static EngineException podNotFound(String name) {
        return EngineException.notFound("POD_NOT_FOUND", "Pod " + name + " does not exist on the arrays this"
                + " request has tokens for; list pods with every array's token to see them all.");
    }

    @Override
    public void getProtectionGroupStatus(GetProtectionGroupStatusRequest request,
            StreamObserver<GetProtectionGroupStatusResponse> out) {
        statusMapper.respond("GetProtectionGroupStatus", out, () -> {
            List<PgStatus> groups;
            if (request.getName().isEmpty() && request.getSourceArray().isEmpty()) {
                everyArray(request.getAccessList());
                groups = controls.pgStatuses();
            } else {
                String source = Required.text(request.getSourceArray(), "source_array");
                String name = Required.text(request.getName(), "name");
                tokens.open(request.getAccessList(), List.of(source));
                PgStatus group = controls.pgStatus(source, name);
                tokens.open(request.getAccessList(), involved(group));
                groups = List.of(group);
            }
            GetProtectionGroupStatusResponse.Builder response = GetProtectionGroupStatusResponse.newBuilder();
            groups.forEach(g -> response.addProtectionGroups(pg(g)));
            return response.build();
        });
    }

    @Override
    public void getNetworkStatus(GetNetworkStatusRequest request, StreamObserver<GetNetworkStatusResponse> out) {
        statusMapper.respond("GetNetworkStatus", out, () -> {
            everyArray(request.getAccessList());
            return GetNetworkStatusResponse.newBuilder().setNetwork(network()).build();
        });
    }

    @Override
    public void getBackendStatus(GetBackendStatusRequest request, StreamObserver<GetBackendStatusResponse> out) {
        statusMapper.respond("GetBackendStatus", out, () -> {
            everyArray(request.getAccessList());
            GetBackendStatusResponse.Builder response = GetBackendStatusResponse.newBuilder();
            backends.get().forEach(b -> response.addBackends(backend(b)));
            return response.build();
        });
    }

    private static BackendStatus backend(BackendSummary summary) {
        BackendStatus.Builder status = BackendStatus.newBuilder().setName(summary.backendName())
                .setPrimaryArray(Objects.requireNonNullElse(summary.primaryArray(), ""))
                .setActiveBackendId(Objects.requireNonNullElse(summary.activeBackendId(), ""))
                .setActiveArray(summary.activeArray())
                .setPod(Objects.requireNonNullElse(summary.podName(), ""))
                .addAllProtectionGroups(summary.protectionGroups());
        for (BackendSummary.Target t : summary.targets()) {
            status.addTargets(BackendTargetStatus.newBuilder().setBackendId(t.backendId())
                    .setType(t.type().name().toLowerCase(Locale.ROOT))
                    .setArray(Objects.requireNonNullElse(t.arrayName(), "")));
        }
        return status.build();
    }

    private void everyArray(List<ArrayAccess> access) {
        tokens.open(access, hostedArrays.get());
    }

    private static List<String> link(String a, String b) {
        String arrayA = Required.text(a, "array_a");
        String arrayB = Required.text(b, "array_b");
        if (arrayA.equals(arrayB)) {
            throw EngineException.invalidArgument("SAME_ARRAY", "A link joins two different arrays; array_a and"
                    + " array_b are both " + arrayA + ".");
        }
        return List.of(arrayA, arrayB);
    }

    private static List<String> involved(PgStatus group) {
        Set<String> names = new LinkedHashSet<>();
        names.add(group.sourceArray());
        group.targets().forEach(t -> names.add(t.arrayName()));
        return new ArrayList<>(names);
    }

    private NetworkStatus network() {
        io.purebridge.engine.sim.NetworkStatus status = controls.networkStatus();
        return NetworkStatus.newBuilder()
                .setMediatorReachable(status.mediatorReachable())
                .addAllCutLinks(status.cutLinks())
                .addAllStoppedArrays(status.stoppedArrays())
                .addAllArrays(status.arrays())
                .build();
    }

    private static io.purebridge.v1.PodStatus pod(PodStatus pod) {
        io.purebridge.v1.PodStatus.Builder out = io.purebridge.v1.PodStatus.newBuilder()
                .setName(pod.name())
                .addAllFailoverPreferences(pod.failoverPreferences())
                .setMediatorReachable(pod.mediatorReachable())
                .setPreElected(pod.preElected() == null ? "" : pod.preElected());
        for (PodStatus.Member m : pod.arrays()) {
            out.addArrays(PodMemberStatus.newBuilder()
                    .setArray(m.arrayName())
                    .setStatus(m.status())
                    .setInSync(m.inSync())
                    .setProgress(m.progress())
                    .setFrozenAtEpochMillis(m.frozenAtEpochMillis())
                    .setDirtyBlocks(m.dirtyBlocks())
                    .setDirtyBytes(m.dirtyBytes()));
        }
        return out.build();
    }

    private static ProtectionGroupStatus pg(PgStatus group) {
        ProtectionGroupStatus.Builder out = ProtectionGroupStatus.newBuilder()
                .setName(group.name())
                .setSourceArray(group.sourceArray())
                .addAllMembers(group.members())
                .setSnapshotCount(group.snapshotCount());
        if (group.schedule() != null) {
            out.setScheduleEnabled(group.schedule().enabled())
                    .setFrequencyMs(group.schedule().frequencyMs())
                    .setBlackoutStartMs(group.schedule().blackoutStartMs())
                    .setBlackoutEndMs(group.schedule().blackoutEndMs());
        }
        for (PgStatus.Target t : group.targets()) {
            out.addTargets(ProtectionGroupTargetStatus.newBuilder()
                    .setArray(t.arrayName())
                    .setAllowed(t.allowed())
                    .setReachable(t.reachable())
                    .setLastReplicatedSnapshot(t.lastReplicatedSnapshot() == null ? "" : t.lastReplicatedSnapshot())
                    .setLastCompletedEpochMillis(t.lastCompletedEpochMillis())
                    .setLagMillis(t.lagMillis())
                    .setBytesSent(t.bytesSent())
                    .setLogicalBytesSent(t.logicalBytesSent())
                    .setSnapshotsOnTarget(t.snapshotsOnTarget()));
        }
        return out.build();
    }
}
