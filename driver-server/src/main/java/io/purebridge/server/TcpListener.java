package io.purebridge.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.purebridge.server.config.HostPort;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/** Listens on TCP (plaintext for now; TLS is a later option). Port 0 binds any free port. */
public final class TcpListener implements Listener {
    private final HostPort address;

    public TcpListener(HostPort address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    @Override
    public ServerBuilder<?> prepare() {
        return NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()));
    }

    @Override
    public String describe(Server server) {
        return "tcp " + bound(server);
    }

    /** The address actually bound (the real port when 0 was asked). */
    public static HostPort bound(Server server) {
        for (SocketAddress socket : server.getListenSockets()) {
            if (socket instanceof InetSocketAddress inet) {
                return new HostPort(inet.getHostString(), inet.getPort());
            }
        }
        throw new IllegalStateException("server has no TCP listen socket");
    }
}
