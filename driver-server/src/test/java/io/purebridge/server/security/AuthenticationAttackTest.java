package io.purebridge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.server.ServerMain;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.testing.Credentials;
import io.purebridge.server.testing.ErrorDetails;
import io.purebridge.v1.CreateSnapshotRequest;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.DeleteSnapshotRequest;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.ReadVolumeDataRequest;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.RegisterBackendResponse;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.StorageProtocol;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDataServiceGrpc;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import io.purebridge.v1.VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC findings, tried as the attacker would: a second client on the same socket, with
 * no token or only the DR array's, against the real service (two simulated arrays, unix socket).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AuthenticationAttackTest {
    private static final String PRIMARY_TOKEN = "7f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String DR_TOKEN = "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    private static final String BACKEND = "puredriver-1";

    @TempDir
    Path dir;

    private ServerMain.Running running;
    private EventLoopGroup loop;
    private ManagedChannel channel;
    private VolumeDriverServiceBlockingStub anonymous;

    @BeforeEach
    void start() throws Exception {
        running = ServerMain.start(new ServiceConfig(dir, dir.resolve("pb.sock"), Optional.<HostPort>empty(), 60,
                Map.of("pure-primary", PRIMARY_TOKEN, "pure-dr", DR_TOKEN)));
        loop = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(dir.resolve("pb.sock").toString()))
                .eventLoopGroup(loop).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
        anonymous = VolumeDriverServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        running.close();
    }

    private static RegisterBackendRequest registration(String backend, String sanIp, String token) {
        return RegisterBackendRequest.newBuilder().setBackendName(backend)
                .setProtocol(StorageProtocol.STORAGE_PROTOCOL_ISCSI)
                .putOptions("san_ip", sanIp).putOptions("pure_api_token", token)
                .putOptions("volume_backend_name", backend).build();
    }

    private VolumeDriverServiceBlockingStub owner() {
        RegisterBackendResponse r = anonymous.registerBackend(registration(BACKEND, "sim://pure-primary", PRIMARY_TOKEN));
        return Credentials.with(anonymous, r.getSessionCredential());
    }

    private static Volume volume(String id) {
        return Volume.newBuilder().setId(id).setNameId(id).setName("volume-" + id).setSizeGib(1).build();
    }

    private static StatusRuntimeException refused(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call must be refused").isNotNull();
        return e;
    }

    private FlashArray array(String name, String token) {
        return running.engine().simulatedArrays().open(name, token);
    }

    @Test
    void aSecondClientWithoutTheCredentialCanDoNothingToTheBackend() {
        VolumeDriverServiceBlockingStub owner = owner();
        String providerId = owner.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                .setVolume(volume("v1")).build()).getModelUpdate().getProviderId();
        Volume existing = volume("v1").toBuilder().setProviderId(providerId).build();

        StatusRuntimeException create = refused(() -> anonymous.createVolume(CreateVolumeRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume("v2")).build()));
        assertThat(create.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(ErrorDetails.errorInfo(create).getReason()).isEqualTo("CREDENTIAL_MISSING");
        StatusRuntimeException delete = refused(() -> anonymous.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(existing).build()));
        assertThat(delete.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException guessed = refused(() -> Credentials.with(anonymous, "pbc1.guessed")
                .deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(existing).build()));
        assertThat(ErrorDetails.errorInfo(guessed).getReason()).isEqualTo("CREDENTIAL_UNKNOWN");
        StatusRuntimeException read = refused(() -> VolumeDataServiceGrpc.newBlockingStub(channel)
                .readVolumeData(ReadVolumeDataRequest.newBuilder().setBackendName(BACKEND).setVolume(existing)
                        .setLengthBytes(4096).build()).hasNext());
        assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume(providerId)).isPresent();
        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume("volume-v2-cinder")).isEmpty();
    }

    @Test
    void anotherBackendsCredentialIsPermissionDenied() {
        VolumeDriverServiceBlockingStub owner = owner();
        owner.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume("v1")).build());
        RegisterBackendResponse other = anonymous.registerBackend(
                registration("puredriver-dr", "sim://pure-dr", DR_TOKEN));
        StatusRuntimeException e = refused(() -> Credentials.with(anonymous, other.getSessionCredential())
                .deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(volume("v1").toBuilder().setProviderId("volume-v1-cinder")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("WRONG_BACKEND");
        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume("volume-v1-cinder")).isPresent();
    }

    @Test
    void aProviderIdNamingAVolumeCinderNeverMadeIsRefused() {
        VolumeDriverServiceBlockingStub owner = owner();
        array("pure-primary", PRIMARY_TOKEN).createVolume("prod-db", 1L << 30);
        StatusRuntimeException e = refused(() -> owner.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume("v9").toBuilder().setProviderId("prod-db")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).contains("volume.provider_id").contains("prod-db");
        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume("prod-db")).isPresent();

        // A snapshot provider_id without '.' was an INTERNAL; it names nothing of this backend.
        String providerId = owner.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                .setVolume(volume("v1")).build()).getModelUpdate().getProviderId();
        Snapshot noDot = Snapshot.newBuilder().setId("s1").setName("snapshot-s1").setProviderId("prod-db")
                .setVolume(volume("v1").toBuilder().setProviderId(providerId)).build();
        StatusRuntimeException snap = refused(() -> owner.deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setSnapshot(noDot).build()));
        assertThat(snap.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(snap.getStatus().getDescription()).contains("snapshot.provider_id");
        // The backend's own names still work, in a pod or not.
        owner.createSnapshot(CreateSnapshotRequest.newBuilder().setBackendName(BACKEND).setSnapshot(noDot.toBuilder()
                .setProviderId("")).build());
        owner.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setBackendName(BACKEND).setSnapshot(noDot.toBuilder()
                .setProviderId(providerId + ".snapshot-s1")).build());
    }

    @Test
    void groupSnapshotMembersAndVolumeGroupNamesAreAcceptedOnlyForTheirOwnVolume() {
        VolumeDriverServiceBlockingStub owner = owner();
        String pgSnapshot = "consisgroup-" + java.util.UUID.randomUUID() + "-cinder.cgsnapshot-"
                + java.util.UUID.randomUUID() + "-cinder.";
        Snapshot member = Snapshot.newBuilder().setId("s2").setName("snapshot-s2")
                .setProviderId(pgSnapshot + "volume-v1-cinder").setVolume(volume("v1")).build();
        // The volume's own snapshot inside a group snapshot, and a volume in a volume group: accepted.
        owner.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setBackendName(BACKEND).setSnapshot(member).build());
        owner.deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND)
                .setVolume(volume("v1").toBuilder().setProviderId("cinder-vg/volume-v1-cinder")).build());
        // Another volume's member, or another volume in a group: refused.
        StatusRuntimeException e = refused(() -> owner.deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setSnapshot(member.toBuilder()
                        .setProviderId(pgSnapshot + "volume-v2-cinder")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        StatusRuntimeException vg = refused(() -> owner.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume("v1").toBuilder()
                        .setProviderId("cinder-vg/volume-v2-cinder")).build()));
        assertThat(vg.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void theHolderOfOnlyTheDrTokenCannotRedirectTheBackend() {
        VolumeDriverServiceBlockingStub owner = owner();
        StatusRuntimeException e = refused(() -> anonymous.registerBackend(
                registration(BACKEND, "sim://pure-dr", DR_TOKEN)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("BACKEND_REGISTERED_ELSEWHERE");

        owner.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume("v3")).build());
        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume("volume-v3-cinder")).isPresent();
        assertThat(array("pure-dr", DR_TOKEN).findVolume("volume-v3-cinder")).isEmpty();
    }

    @Test
    void reRegisteringNeedsTheTokenOfTheArrayTheBackendIsOn() {
        VolumeDriverServiceBlockingStub owner = owner();
        StatusRuntimeException wrong = refused(() -> anonymous.registerBackend(
                registration(BACKEND, "sim://pure-primary", DR_TOKEN)));
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getStatus().getDescription()).doesNotContain(DR_TOKEN).doesNotContain(PRIMARY_TOKEN);
        // A second cinder-volume host of the same backend, holding the token: both keep working.
        VolumeDriverServiceBlockingStub second = Credentials.with(anonymous, anonymous.registerBackend(
                registration(BACKEND, "sim://pure-primary", PRIMARY_TOKEN)).getSessionCredential());
        owner.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume("a")).build());
        second.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume("b")).build());
    }

    @Test
    void theSameArrayAtAnotherAddressNeedsItsTokenAndNothingElse() {
        owner();
        var rest = running.rest().orElseThrow();
        RegisterBackendRequest viaRest = registration(BACKEND, rest.sanIp("pure-primary"), PRIMARY_TOKEN).toBuilder()
                .putOptions("driver_ssl_cert_verify", "true")
                .putOptions("driver_ssl_cert_path", rest.certificatePem().toString()).build();
        // The DR array's REST address with the DR token: another array, refused.
        StatusRuntimeException e = refused(() -> anonymous.registerBackend(viaRest.toBuilder()
                .putOptions("san_ip", rest.sanIp("pure-dr")).putOptions("pure_api_token", DR_TOKEN).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        // The primary's REST address with the primary's token: the same array, accepted.
        VolumeDriverServiceBlockingStub moved = Credentials.with(anonymous,
                anonymous.registerBackend(viaRest).getSessionCredential());
        moved.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume("r1")).build());
        assertThat(array("pure-primary", PRIMARY_TOKEN).findVolume("volume-r1-cinder")).isPresent();
    }

    @Test
    void registerAnswersTheSameForAClosedPortAndAnOpenOneThatIsNotAnArray() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread talker = new Thread(() -> {
                while (!open.isClosed()) {
                    try (Socket c = open.accept(); OutputStream out = c.getOutputStream()) {
                        out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException ignored) {
                        // the test closed the socket
                    }
                }
            });
            talker.setDaemon(true);
            talker.start();
            StatusRuntimeException toClosed = refused(() -> anonymous.registerBackend(
                    registration("probe", "127.0.0.1:" + closed, "x")));
            StatusRuntimeException toOpen = refused(() -> anonymous.registerBackend(
                    registration("probe", "127.0.0.1:" + open.getLocalPort(), "x")));
            assertThat(toClosed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(toOpen.getStatus().getCode()).isEqualTo(toClosed.getStatus().getCode());
            assertThat(ErrorDetails.errorInfo(toOpen).getReason()).isEqualTo(ErrorDetails.errorInfo(toClosed).getReason());
            assertThat(withoutErrorId(toOpen).replace("127.0.0.1:" + open.getLocalPort(), "<san_ip>"))
                    .isEqualTo(withoutErrorId(toClosed).replace("127.0.0.1:" + closed, "<san_ip>"));
        }
    }

    /** A CA bundle path that never ends (/dev/zero) once kept a service thread reading forever. */
    @Test
    void aCaBundlePathToADeviceIsRefusedAtOnceNamingTheOption() {
        var rest = running.rest().orElseThrow();
        StatusRuntimeException e = refused(() -> anonymous.withDeadlineAfter(10, TimeUnit.SECONDS).registerBackend(
                registration("probe", rest.sanIp("pure-primary"), "x").toBuilder()
                        .putOptions("driver_ssl_cert_verify", "true")
                        .putOptions("driver_ssl_cert_path", "/dev/zero").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("/dev/zero", "driver_ssl_cert_path");
    }

    private static String withoutErrorId(StatusRuntimeException e) {
        return e.getStatus().getDescription().replaceAll("error id [0-9a-f]+", "error id <id>");
    }
}
