package io.purebridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.config.ServiceConfigLoader;
import io.purebridge.server.rest.RestFrontEnd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ServerMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        ServerMain main = new ServerMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return main.commandLine().execute(args);
    }

    @Test
    void badConfigExitsWithTwoAndOneLineNamingTheKey() throws Exception {
        Path ini = dir.resolve("bad.ini");
        Files.writeString(ini, "[server]\nlisten_tcp = nowhere\n");

        int exit = run("--config", ini.toString(), "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(stderr.lines()).hasSize(1);
        assertThat(stderr).startsWith("purebridge: bad configuration: " + ini + " [server] listen_tcp = 'nowhere'")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--bogus'");
    }

    @Test
    void socketThatCannotBeUsedExitsWithOne() throws Exception {
        Path notASocket = dir.resolve("file");
        Files.writeString(notASocket, "x");

        int exit = run("--data-dir", dir.toString(), "--listen-socket", notASocket.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("purebridge: cannot start: ")
                .contains("is not a socket");
    }

    @Test
    void startServesOnTheConfiguredSocketAndTcp() throws Exception {
        ServiceConfig config = ServiceConfigLoader.load(null, new ConfigOverrides(
                Optional.of(dir.resolve("data").toString()), Optional.empty(), Optional.of("127.0.0.1:0")));

        try (ServerMain.Running running = ServerMain.start(config)) {
            HostPort tcp = running.server().tcpAddress().orElseThrow();
            assertThat(running.server().addresses())
                    .containsExactly("unix:" + dir.resolve("data/purebridge.sock"), "tcp 127.0.0.1:" + tcp.port());
            ManagedChannel channel = NettyChannelBuilder.forAddress(tcp.host(), tcp.port()).usePlaintext().build();
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(dir.resolve("data/purebridge.sock")).doesNotExist();
    }

    @Test
    void restFrontEndServesEveryArrayAndKeepsItsPortAcrossRestarts() throws Exception {
        Path ini = dir.resolve("pb.ini");
        Files.writeString(ini, "[server]\ndata_dir = " + dir.resolve("data") + "\n\n[arrays]\n"
                + "pure-primary = token-1\npure-dr = token-2\n");
        ServiceConfig config = ServiceConfigLoader.load(ini, ConfigOverrides.none());

        int primaryPort;
        try (ServerMain.Running running = ServerMain.start(config)) {
            RestFrontEnd rest = running.rest().orElseThrow();
            assertThat(rest.ports()).containsOnlyKeys("pure-primary", "pure-dr");
            primaryPort = rest.port("pure-primary");
            assertThat(rest.sanIp("pure-primary")).isEqualTo("127.0.0.1:" + primaryPort);
            assertThat(rest.certificatePem()).exists();
            assertThat(loginStatus(primaryPort, "token-1")).isEqualTo(200);
            assertThat(loginStatus(primaryPort, "token-2")).isEqualTo(401);
        }
        assertThatThrownBy(() -> loginStatus(primaryPort, "token-1")).isInstanceOf(IOException.class);

        try (ServerMain.Running again = ServerMain.start(config)) {
            assertThat(again.rest().orElseThrow().port("pure-primary")).isEqualTo(primaryPort);
        }
    }

    @Test
    void restCanBeTurnedOff() throws Exception {
        Path ini = dir.resolve("pb.ini");
        Files.writeString(ini, "[server]\ndata_dir = " + dir.resolve("data") + "\n\n[arrays]\n"
                + "pure-primary = token-1\n\n[rest]\nenabled = false\n");

        try (ServerMain.Running running = ServerMain.start(ServiceConfigLoader.load(ini, ConfigOverrides.none()))) {
            assertThat(running.rest()).isEmpty();
        }
        assertThat(dir.resolve("data/rest-frontend")).doesNotExist();
    }

    @Test
    void oneRestLinePerArrayNamesSanIpAndCaBundle() throws Exception {
        Path ini = dir.resolve("pb.ini");
        Files.writeString(ini, "[server]\ndata_dir = " + dir.resolve("data") + "\n\n[arrays]\n"
                + "pure-primary = token-1\npure-dr = token-2\n");

        try (ServerMain.Running running = ServerMain.start(ServiceConfigLoader.load(ini, ConfigOverrides.none()))) {
            List<String> lines = ServerMain.restEndpointLines(running);

            Path pem = running.rest().orElseThrow().certificatePem();
            assertThat(pem).isEqualTo(dir.resolve("data/rest-frontend/cert.pem"));
            assertThat(lines).containsExactly(
                    "purebridge REST 2.x endpoint for pure-dr: san_ip = 127.0.0.1:"
                            + running.rest().orElseThrow().port("pure-dr") + " (CA bundle " + pem + ")",
                    "purebridge REST 2.x endpoint for pure-primary: san_ip = 127.0.0.1:"
                            + running.rest().orElseThrow().port("pure-primary") + " (CA bundle " + pem + ")");
        }
    }

    @Test
    void restPortInUseExitsWithOneAndReleasesTheSocket() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path ini = dir.resolve("pb.ini");
            Files.writeString(ini, "[server]\ndata_dir = " + dir.resolve("data") + "\n\n[arrays]\n"
                    + "pure-primary = token-1\n\n[rest]\nport.pure-primary = " + taken.getLocalPort() + "\n");

            int exit = run("--config", ini.toString());

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("purebridge: cannot start: REST front end")
                    .contains("ports.properties");
            assertThat(dir.resolve("data/purebridge.sock")).doesNotExist();
        }
    }

    /** POST /api/2.17/login with an api-token over HTTPS (the front end's self-signed certificate). */
    private static int loginStatus(int port, String token) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest login = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/2.17/login"))
                .header("api-token", token).POST(HttpRequest.BodyPublishers.noBody()).build();
        return client.send(login, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
