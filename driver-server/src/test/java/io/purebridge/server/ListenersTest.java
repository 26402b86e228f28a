package io.purebridge.server;

import static io.purebridge.server.testing.InProcessService.BACKEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.testing.Credentials;
import io.purebridge.server.testing.FakeBackendRegistry;
import io.purebridge.server.testing.Requests;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real transports: a unix socket (mode 0600, stale file handling) and TCP on port 0. */
@Timeout(60)
class ListenersTest {
    @TempDir
    Path dir;

    private final FakeBackendRegistry registry = new FakeBackendRegistry();
    private PurebridgeServer server;
    private ManagedChannel channel;
    private EventLoopGroup clientLoop;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (clientLoop != null) {
            clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (server != null) {
            server.stop(5, TimeUnit.SECONDS);
        }
    }

    private PurebridgeServer serve(Listener... listeners) throws IOException {
        return new PurebridgeServer(List.of(listeners), registry, new MetricRegistry()).start();
    }

    private ManagedChannel unixChannel(Path socket) {
        clientLoop = new EpollEventLoopGroup(1);
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(clientLoop)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .build();
    }

    @Test
    void unixSocketServesWithMode0600AndHealthAndIsRemovedAtStop() throws Exception {
        registry.add(BACKEND);
        Path socket = dir.resolve("run/purebridge.sock");
        server = serve(new UnixSocketListener(socket));

        assertThat(server.addresses()).containsExactly("unix:" + socket);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        channel = unixChannel(socket);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService(VolumeDriverServiceGrpc.SERVICE_NAME)
                .build()).getStatus()).isEqualTo(ServingStatus.SERVING);

        String providerId = Credentials.with(VolumeDriverServiceGrpc.newBlockingStub(channel),
                        server.credentials().issue(BACKEND, "sim://fake")).withDeadlineAfter(10, TimeUnit.SECONDS)
                .createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(Requests.volume("v1")).build())
                .getModelUpdate().getProviderId();
        assertThat(providerId).isEqualTo("volume-name-v1-cinder");

        server.stop(5, TimeUnit.SECONDS);
        server = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        // A bound-then-closed socket leaves its file behind, as a crashed service would.
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        server = serve(new UnixSocketListener(socket));

        channel = unixChannel(socket);
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void socketStillServedByAnotherProcessIsNotTakenOver() throws Exception {
        Path socket = dir.resolve("busy.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> serve(new UnixSocketListener(socket)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("another process is already serving on " + socket);
        }
    }

    @Test
    void regularFileAtSocketPathIsNotDeleted() throws Exception {
        Path socket = dir.resolve("not-a-socket");
        Files.writeString(socket, "data");

        assertThatThrownBy(() -> serve(new UnixSocketListener(socket)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(socket)).isEqualTo("data");
    }

    @Test
    void tcpOnPortZeroExposesTheBoundPortNextToTheSocket() throws Exception {
        registry.add(BACKEND);
        Path socket = dir.resolve("p.sock");
        server = serve(new UnixSocketListener(socket), new TcpListener(new HostPort("127.0.0.1", 0)));

        HostPort bound = server.tcpAddress().orElseThrow();
        assertThat(bound.host()).isEqualTo("127.0.0.1");
        assertThat(bound.port()).isPositive();
        assertThat(server.addresses()).containsExactly("unix:" + socket, "tcp 127.0.0.1:" + bound.port());

        channel = NettyChannelBuilder.forAddress(bound.host(), bound.port()).usePlaintext().build();
        assertThat(Credentials.with(VolumeDriverServiceGrpc.newBlockingStub(channel),
                        server.credentials().issue(BACKEND, "sim://fake")).withDeadlineAfter(10, TimeUnit.SECONDS)
                .createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(Requests.volume("v9")).build())
                .getModelUpdate().getProviderId()).isEqualTo("volume-name-v9-cinder");
    }
}
