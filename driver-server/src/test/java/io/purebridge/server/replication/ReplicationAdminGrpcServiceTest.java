package io.purebridge.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.testing.ErrorDetails;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.CutLinkRequest;
import io.purebridge.v1.GetNetworkStatusRequest;
import io.purebridge.v1.GetPodStatusRequest;
import io.purebridge.v1.GetProtectionGroupStatusRequest;
import io.purebridge.v1.NetworkStatus;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.PodStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ProtectionGroupTargetStatus;
import io.purebridge.v1.ReplicateNowRequest;
import io.purebridge.v1.ReplicateNowResponse;
import io.purebridge.v1.ReplicationAdminServiceGrpc;
import io.purebridge.v1.ReplicationAdminServiceGrpc.ReplicationAdminServiceBlockingStub;
import io.purebridge.v1.RestoreLinkRequest;
import io.purebridge.v1.SetMediatorReachableRequest;
import io.purebridge.v1.StartArrayRequest;
import io.purebridge.v1.StopArrayRequest;
import io.purebridge.v1.TickRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ReplicationAdminService over in-process gRPC against three real simulated arrays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicationAdminGrpcServiceTest {
    static final Map<String, String> TOKENS = Map.of("pure-primary", "tok-primary-0123456789",
            "pure-sync", "tok-sync-0123456789", "pure-dr", "tok-dr-0123456789");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private PurebridgeServer server;
    private ManagedChannel channel;
    private ReplicationAdminServiceBlockingStub admin;

    @BeforeEach
    void start() throws Exception {
        host = new SimulatedArrayHost(dir, List.of(config("pure-primary"), config("pure-sync"), config("pure-dr")),
                Clock.systemUTC());
        ArrayBackendRegistry registry = new ArrayBackendRegistry(host);
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of(
                "san_ip", "sim://pure-primary", "pure_api_token", TOKENS.get("pure-primary"),
                "volume_backend_name", "puredriver-1", "pure_trisync_enabled", "true"),
                List.of(Map.of("backend_id", "metro", "san_ip", "sim://pure-sync", "api_token",
                        TOKENS.get("pure-sync"), "type", "sync"),
                        Map.of("backend_id", "dr", "san_ip", "sim://pure-dr", "api_token", TOKENS.get("pure-dr"))),
                ""));
        String name = InProcessServerBuilder.generateName();
        server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name), "in-process:" + name)),
                registry, host, new MetricRegistry()).start();
        channel = InProcessChannelBuilder.forName(name).build();
        admin = ReplicationAdminServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5, TimeUnit.SECONDS);
        host.close();
    }

    private static SimulatedArrayConfig config(String name) {
        return SimulatedArrayConfig.of(name, TOKENS.get(name));
    }

    static List<ArrayAccess> access(String... arrays) {
        return java.util.Arrays.stream(arrays)
                .map(a -> ArrayAccess.newBuilder().setArray(a).setApiToken(TOKENS.get(a)).build()).toList();
    }

    static List<ArrayAccess> everyArray() {
        return access("pure-primary", "pure-sync", "pure-dr");
    }

    private PodMemberStatus member(String array) {
        PodStatus pod = admin.getPodStatus(GetPodStatusRequest.newBuilder().addAllAccess(access("pure-primary",
                "pure-sync")).setPodName("cinder-pod").build()).getPods(0);
        return pod.getArraysList().stream().filter(m -> m.getArray().equals(array)).findFirst().orElseThrow();
    }

    @Test
    void linkCutTakesThePeerOfflineAndRestoreResyncsItOnTicks() {
        SimulatedFlashArray primary = host.open("pure-primary", TOKENS.get("pure-primary"));
        primary.createVolume("cinder-pod::v1", 1L << 20);

        NetworkStatus cut = admin.cutLink(CutLinkRequest.newBuilder().addAllAccess(access("pure-primary", "pure-sync"))
                .setArrayA("pure-primary").setArrayB("pure-sync").build()).getNetwork();
        primary.write("cinder-pod::v1", 0, new byte[32 << 10]);

        assertThat(cut.getCutLinksList()).containsExactly("pure-primary|pure-sync");
        assertThat(member("pure-primary").getStatus()).isEqualTo("online");
        assertThat(member("pure-sync").getStatus()).isEqualTo("offline");
        assertThat(member("pure-sync").getInSync()).isFalse();

        NetworkStatus restored = admin.restoreLink(RestoreLinkRequest.newBuilder()
                .addAllAccess(access("pure-primary", "pure-sync")).setArrayA("pure-sync").setArrayB("pure-primary")
                .build()).getNetwork();
        assertThat(restored.getCutLinksList()).isEmpty();
        for (int i = 0; i < 10 && !member("pure-sync").getStatus().equals("online"); i++) {
            admin.tick(TickRequest.newBuilder().addAllAccess(everyArray()).build());
        }
        assertThat(member("pure-sync").getStatus()).isEqualTo("online");
        assertThat(member("pure-sync").getInSync()).isTrue();
        SimulatedFlashArray sync = host.open("pure-sync", TOKENS.get("pure-sync"));
        assertThat(sync.checksum("cinder-pod::v1", 0, 1L << 20)).isEqualTo(primary.checksum("cinder-pod::v1", 0,
                1L << 20));
    }

    @Test
    void replicateNowShipsTheGroupSnapshotAndStatusReportsIt() {
        SimulatedFlashArray primary = host.open("pure-primary", TOKENS.get("pure-primary"));
        primary.createVolume("v2", 1L << 20);
        primary.write("v2", 0, new byte[] {1, 2, 3});
        primary.addProtectionGroupMembers("cinder-group", List.of("v2"));

        ReplicateNowResponse now = admin.replicateNow(ReplicateNowRequest.newBuilder().addAllAccess(everyArray())
                .setSourceArray("pure-primary").setProtectionGroup("cinder-group").build());

        assertThat(now.getSnapshot()).startsWith("cinder-group.");
        ProtectionGroupStatus status = admin.getProtectionGroupStatus(GetProtectionGroupStatusRequest.newBuilder()
                .addAllAccess(everyArray()).setSourceArray("pure-primary").setName("cinder-group").build())
                .getProtectionGroups(0);
        assertThat(status.getMembersList()).containsExactly("v2");
        ProtectionGroupTargetStatus dr = status.getTargetsList().stream()
                .filter(t -> t.getArray().equals("pure-dr")).findFirst().orElseThrow();
        assertThat(dr.getLastReplicatedSnapshot()).isEqualTo(now.getSnapshot());
        assertThat(dr.getBytesSent()).isPositive();
        SimulatedFlashArray drArray = host.open("pure-dr", TOKENS.get("pure-dr"));
        assertThat(drArray.checksum("pure-primary:" + now.getSnapshot() + ".v2", 0, 1L << 20))
                .isEqualTo(primary.checksum("v2", 0, 1L << 20));
    }

    @Test
    void stopStartAndMediatorShowInNetworkStatus() {
        NetworkStatus stopped = admin.stopArray(StopArrayRequest.newBuilder().addAllAccess(access("pure-dr"))
                .setArray("pure-dr").build()).getNetwork();
        NetworkStatus mediator = admin.setMediatorReachable(SetMediatorReachableRequest.newBuilder()
                .addAllAccess(everyArray()).setReachable(false).build()).getNetwork();

        assertThat(stopped.getStoppedArraysList()).containsExactly("pure-dr");
        assertThat(mediator.getMediatorReachable()).isFalse();

        admin.startArray(StartArrayRequest.newBuilder().addAllAccess(access("pure-dr")).setArray("pure-dr").build());
        NetworkStatus now = admin.getNetworkStatus(GetNetworkStatusRequest.newBuilder().addAllAccess(everyArray())
                .build()).getNetwork();
        assertThat(now.getStoppedArraysList()).isEmpty();
        assertThat(now.getArraysList()).containsExactlyInAnyOrder("pure-primary", "pure-sync", "pure-dr");
        assertThat(admin.getPodStatus(GetPodStatusRequest.newBuilder().addAllAccess(everyArray()).build())
                .getPodsList()).extracting(PodStatus::getName).containsExactly("cinder-pod");
    }

    @Test
    void everyInvolvedArrayNeedsItsToken() {
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class, () -> admin.cutLink(
                CutLinkRequest.newBuilder().addAllAccess(access("pure-primary")).setArrayA("pure-primary")
                        .setArrayB("pure-sync").build()));
        StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class, () -> admin.tick(
                TickRequest.newBuilder().addAllAccess(access("pure-primary", "pure-sync")).addAccess(ArrayAccess
                        .newBuilder().setArray("pure-dr").setApiToken("not-the-token")).build()));

        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(ErrorDetails.errorInfo(missing).getReason()).isEqualTo("API_TOKEN_MISSING");
        assertThat(missing.getStatus().getDescription()).contains("pure-sync");
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(ErrorDetails.errorInfo(wrong).getReason()).isEqualTo("INVALID_API_TOKEN");
        assertThat(wrong.getStatus().getDescription()).doesNotContain("not-the-token");
        assertThat(admin.getNetworkStatus(GetNetworkStatusRequest.newBuilder().addAllAccess(everyArray()).build())
                .getNetwork().getCutLinksList()).as("the refused cut did nothing").isEmpty();
    }

    private StatusRuntimeException podStatusRefused(List<ArrayAccess> access, String pod) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> admin.getPodStatus(
                GetPodStatusRequest.newBuilder().addAllAccess(access).setPodName(pod).build()));
    }

    @Test
    void podStatusTellsNoStrangerWhichPodsExist() {
        // Without a token: refused before any lookup, alike for a real pod and a made-up one.
        for (String pod : List.of("cinder-pod", "no-such-pod")) {
            StatusRuntimeException e = podStatusRefused(List.of(), pod);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("API_TOKEN_MISSING");
        }
        // With the token of an array the pod is not on: both are simply not found, in the same words.
        StatusRuntimeException real = podStatusRefused(access("pure-dr"), "cinder-pod");
        StatusRuntimeException madeUp = podStatusRefused(access("pure-dr"), "no-such-pod");
        for (StatusRuntimeException e : List.of(real, madeUp)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("POD_NOT_FOUND");
        }
        assertThat(real.getStatus().getDescription())
                .isEqualTo(madeUp.getStatus().getDescription().replace("no-such-pod", "cinder-pod"));
        // A member's token without the other member's names the array to add.
        StatusRuntimeException half = podStatusRefused(access("pure-primary"), "cinder-pod");
        assertThat(ErrorDetails.errorInfo(half).getReason()).isEqualTo("API_TOKEN_MISSING");
        assertThat(half.getStatus().getDescription()).contains("pure-sync");
    }
}
