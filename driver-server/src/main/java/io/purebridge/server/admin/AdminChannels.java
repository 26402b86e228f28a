package io.purebridge.server.admin;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.purebridge.server.config.HostPort;
import java.util.concurrent.TimeUnit;

/** Channels to a purebridge service from an endpoint string: {@code unix:/path} or {@code host:port}. */
final class AdminChannels {
    private AdminChannels() {
    }

    /** A channel and the event loop it owns; close shuts both down. */
    record Connection(ManagedChannel channel, AutoCloseable loop) implements AutoCloseable {
        /** Never throws InterruptedException (try-with-resources would not restore the interrupt). */
        @Override
        public void close() {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                loop.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("closing the admin connection failed: " + e.getMessage(), e);
            }
        }
    }

    static Connection open(String endpoint) {
        if (endpoint.startsWith("unix:")) {
            String path = endpoint.substring("unix:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isEmpty()) {
                throw new IllegalArgumentException("--endpoint unix: needs a socket path, e.g. unix:/var/lib/purebridge/purebridge.sock");
            }
            EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
                    .eventLoopGroup(loop)
                    .channelType(EpollDomainSocketChannel.class)
                    .usePlaintext()
                    .build();
            return new Connection(channel, () -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS));
        }
        HostPort address = HostPort.parse(endpoint);
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext().build();
        return new Connection(channel, () -> { });
    }
}
