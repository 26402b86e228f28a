package io.purebridge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.TcpListener;
import io.purebridge.server.config.ConfigException;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.ServiceConfigLoader;
import io.purebridge.server.config.TlsConfig;
import io.purebridge.server.testing.FakeBackendRegistry;
import io.purebridge.server.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the TCP listener: tokens never cross a network in clear. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsListenerTest {
    @TempDir
    Path dir;

    private PurebridgeServer server;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.stop(5, TimeUnit.SECONDS);
        }
    }

    private HostPort serve(TlsConfig tls) throws IOException {
        server = new PurebridgeServer(List.of(new TcpListener(new HostPort("127.0.0.1", 0), tls)),
                new FakeBackendRegistry(), new MetricRegistry()).start();
        assertThat(server.addresses().get(0)).startsWith("tcp+tls 127.0.0.1:");
        return server.tcpAddress().orElseThrow();
    }

    private ServingStatus health(ManagedChannel channel) {
        channels.add(channel);
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    @Test
    void tlsServesClientsThatTrustItsCertificateAndRefusesPlaintext() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"), "service");
        Path[] leaf = pki.issue("server");
        HostPort at = serve(new TlsConfig(Optional.of(leaf[0]), Optional.of(leaf[1]), Optional.empty()));

        assertThat(health(NettyChannelBuilder.forAddress(at.host(), at.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(pki.caFile().toFile()).build()).build()))
                .isEqualTo(ServingStatus.SERVING);

        StatusRuntimeException plain = catchThrowableOfType(StatusRuntimeException.class, () ->
                health(NettyChannelBuilder.forAddress(at.host(), at.port()).usePlaintext().build()));
        assertThat(plain.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        // A client that does not trust the certificate cannot be fooled into talking either.
        TestPki other = new TestPki(dir.resolve("other"), "impostor");
        StatusRuntimeException untrusted = catchThrowableOfType(StatusRuntimeException.class, () ->
                health(NettyChannelBuilder.forAddress(at.host(), at.port())
                        .sslContext(GrpcSslContexts.forClient().trustManager(other.caFile().toFile()).build()).build()));
        assertThat(untrusted.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void withAClientCaEveryClientMustPresentACertificateItSigned() throws Exception {
        TestPki servers = new TestPki(dir.resolve("servers"), "service");
        TestPki clients = new TestPki(dir.resolve("clients"), "cinder-hosts");
        TestPki strangers = new TestPki(dir.resolve("strangers"), "strangers");
        Path[] leaf = servers.issue("server");
        Path[] host = clients.issue("cinder-volume-1");
        Path[] stranger = strangers.issue("laptop");
        HostPort at = serve(new TlsConfig(Optional.of(leaf[0]), Optional.of(leaf[1]), Optional.of(clients.caFile())));

        assertThat(health(NettyChannelBuilder.forAddress(at.host(), at.port()).sslContext(GrpcSslContexts.forClient()
                .trustManager(servers.caFile().toFile()).keyManager(host[0].toFile(), host[1].toFile()).build())
                .build())).isEqualTo(ServingStatus.SERVING);
        for (Path[] wrong : new Path[][] {null, stranger}) {
            var context = GrpcSslContexts.forClient().trustManager(servers.caFile().toFile());
            if (wrong != null) {
                context.keyManager(wrong[0].toFile(), wrong[1].toFile());
            }
            var built = context.build();
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                    health(NettyChannelBuilder.forAddress(at.host(), at.port()).sslContext(built).build()));
            assertThat(e).as("a client without a certificate signed by the client CA").isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void plaintextOffLoopbackIsRefusedByTheConfigAndByTheListener() throws Exception {
        Path ini = dir.resolve("pb.ini");
        Files.writeString(ini, "[server]\nlisten_tcp = 0.0.0.0:0\n");
        assertThatThrownBy(() -> ServiceConfigLoader.load(ini, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("refusing to listen off loopback in plaintext")
                .hasMessageContaining("tls_cert_file");
        Files.writeString(ini, "[server]\nlisten_tcp = 127.0.0.1:0\n");
        assertThat(ServiceConfigLoader.load(ini, ConfigOverrides.none()).listenTcp()).isPresent();

        assertThatThrownBy(() -> new TcpListener(new HostPort("0.0.0.0", 0)).prepare())
                .isInstanceOf(IOException.class).hasMessageContaining("refusing to listen on 0.0.0.0:0 in plaintext");
    }
}
