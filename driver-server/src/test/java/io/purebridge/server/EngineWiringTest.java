package io.purebridge.server;

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
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.testing.Credentials;
import io.purebridge.server.testing.ErrorDetails;
import io.purebridge.server.testing.Requests;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.RegisterBackendResponse;
import io.purebridge.v1.StorageProtocol;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import io.purebridge.v1.VolumeModelUpdate;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real engine (simulated arrays in RocksDB, ArrayBackendRegistry) behind the unix socket. */
@Timeout(60)
class EngineWiringTest {
    private static final String TOKEN = "0b2a9c9e-6d3f-4c55-9a43-5f0d1c2e7a10";

    @TempDir
    Path dir;

    private ServerMain.Running running;
    private EventLoopGroup clientLoop;
    private ManagedChannel channel;
    private VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        ServiceConfig config = new ServiceConfig(dir, dir.resolve("pb.sock"), Optional.<HostPort>empty(), 60,
                Map.of("pure-primary", TOKEN));
        running = ServerMain.start(config);
        clientLoop = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(dir.resolve("pb.sock").toString()))
                .eventLoopGroup(clientLoop).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
        stub = VolumeDriverServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        running.close();
    }

    private RegisterBackendResponse register(String token) {
        return stub.registerBackend(RegisterBackendRequest.newBuilder()
                .setBackendName("puredriver-1")
                .setProtocol(StorageProtocol.STORAGE_PROTOCOL_ISCSI)
                .putOptions("san_ip", "sim://pure-primary")
                .putOptions("pure_api_token", token)
                .putOptions("volume_backend_name", "puredriver-1")
                .build());
    }

    @Test
    void registerCreateStatsDelete() {
        RegisterBackendResponse registered = register(TOKEN);
        assertThat(registered.getArrayName()).isEqualTo("pure-primary");
        assertThat(registered.getSessionCredential()).startsWith("pbc1.");
        stub = Credentials.with(stub, registered.getSessionCredential());
        assertThat(dir.resolve(EngineFactory.ARRAYS_DIR).resolve("pure-primary")).isDirectory();

        Volume volume = Requests.volume("0e3f7c1a").toBuilder().clearProviderId()
                .clearVolumeTypeExtraSpecs().clearReplicationStatus().setSizeGib(1).build();
        VolumeModelUpdate update = stub.createVolume(CreateVolumeRequest.newBuilder()
                .setBackendName("puredriver-1").setVolume(volume).build()).getModelUpdate();
        assertThat(update.getProviderId()).isEqualTo(volume.getName() + "-cinder");

        assertThat(stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-1").build())
                .getStats().getTotalVolumes()).isEqualTo(1);

        stub.deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName("puredriver-1")
                .setVolume(volume.toBuilder().setProviderId(update.getProviderId())).build());
        assertThat(stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-1").build())
                .getStats().getTotalVolumes()).isZero();
    }

    @Test
    void wrongTokenIsUnauthenticatedWithoutTheToken() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> register("wrong-token-value"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("INVALID_API_TOKEN");
        assertThat(e.getStatus().getDescription()).doesNotContain("wrong-token-value").doesNotContain(TOKEN);
    }

    @Test
    void unregisteredBackendAsksTheShimToRegister() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-9").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo("BACKEND_NOT_REGISTERED");
    }
}
