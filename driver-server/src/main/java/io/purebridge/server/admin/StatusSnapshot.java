package io.purebridge.server.admin;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ArraySpaceFigures;
import io.purebridge.v1.BackendStatus;
import io.purebridge.v1.GetBackendStatusRequest;
import io.purebridge.v1.GetNetworkStatusRequest;
import io.purebridge.v1.GetPodStatusRequest;
import io.purebridge.v1.GetProtectionGroupStatusRequest;
import io.purebridge.v1.GetSpaceRequest;
import io.purebridge.v1.NetworkStatus;
import io.purebridge.v1.PodStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ReplicationAdminServiceGrpc;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code purebridge-admin status} shows, read from the service at one moment: the registered
 * backends, the replication network, every pod and protection group, each array's space (or why
 * it has none), and the offload targets and running offload jobs.
 *
 * @param backends the backends cinder-volume hosts registered (empty before any registers)
 * @param space per array, in the network's order: its figures, or null when it did not answer
 * @param spaceErrors per array that did not answer: the gRPC code name
 * @param offload the offload targets, what their buckets hold and the offload jobs running
 */
record StatusSnapshot(Instant at, NetworkStatus network, List<BackendStatus> backends, List<PodStatus> pods,
        List<ProtectionGroupStatus> groups, Map<String, ArraySpaceFigures> space, Map<String, String> spaceErrors,
        StatusOffload offload) {

    private static final long DEADLINE_SECONDS = 10;

    /** Reads everything; {@code access} must hold the token of every hosted array. */
    static StatusSnapshot read(Channel channel, List<ArrayAccess> access, Instant at) {
        ReplicationAdminServiceGrpc.ReplicationAdminServiceBlockingStub replication = ReplicationAdminServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        NetworkStatus network = replication.getNetworkStatus(GetNetworkStatusRequest.newBuilder()
                .addAllAccess(access).build()).getNetwork();
        List<BackendStatus> backends = replication.getBackendStatus(GetBackendStatusRequest.newBuilder()
                .addAllAccess(access).build()).getBackendsList();
        List<PodStatus> pods = replication.getPodStatus(GetPodStatusRequest.newBuilder().addAllAccess(access).build())
                .getPodsList();
        List<ProtectionGroupStatus> groups = replication.getProtectionGroupStatus(GetProtectionGroupStatusRequest
                .newBuilder().addAllAccess(access).build()).getProtectionGroupsList();
        ArrayAdminServiceGrpc.ArrayAdminServiceBlockingStub admin = ArrayAdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        Map<String, ArraySpaceFigures> space = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (String array : network.getArraysList()) {
            ArrayAccess token = access.stream().filter(a -> a.getArray().equals(array)).findFirst().orElse(null);
            if (token == null) {
                errors.put(array, "NO_TOKEN");
                continue;
            }
            try {
                space.put(array, admin.getSpace(GetSpaceRequest.newBuilder().setAccess(token).build()).getArray());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                    throw e;
                }
                errors.put(array, e.getStatus().getCode().name());
            }
        }
        return new StatusSnapshot(at, network, backends, pods, groups, space, errors,
                StatusOffload.read(channel, access));
    }
}
