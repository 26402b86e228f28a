package io.purebridge.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Listens on TCP, with TLS when {@link TlsConfig} names a certificate (and client certificates when
 * it names a client CA). Plaintext is served on loopback only: tokens cross the wire in every
 * RegisterBackend, so a non-loopback address without TLS is refused at start. Port 0 binds any
 * free port.
 */
public final class TcpListener implements Listener {
    private final HostPort address;
    private final TlsConfig tls;

    public TcpListener(HostPort address) {
        this(address, TlsConfig.off());
    }

    public TcpListener(HostPort address, TlsConfig tls) {
        this.address = Objects.requireNonNull(address, "address");
        this.tls = Objects.requireNonNull(tls, "tls");
    }

    @Override
    public ServerBuilder<?> prepare() throws IOException {
        if (!tls.enabled() && !isLoopback(address.host())) {
            throw new IOException("refusing to listen on " + address + " in plaintext: API tokens and volume data"
                    + " would cross the network in clear. Set [server] tls_cert_file and tls_key_file, or listen"
                    + " on 127.0.0.1.");
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()));
        if (tls.enabled()) {
            SslContextBuilder context = GrpcSslContexts.forServer(tls.certFile().orElseThrow().toFile(),
                    tls.keyFile().orElseThrow().toFile());
            if (tls.clientCaFile().isPresent()) {
                context.trustManager(tls.clientCaFile().get().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            try {
                builder.sslContext(context.build());
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("cannot use the TLS files of [server] tls_cert_file / tls_key_file / "
                        + "tls_client_ca_file: " + e.getMessage(), e);
            }
        }
        return builder;
    }

    /** True for addresses only this host can reach (127.0.0.0/8, ::1, names resolving to them). */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String describe(Server server) {
        return (tls.enabled() ? "tcp+tls " : "tcp ") + bound(server);
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
