package io.purebridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.HostPort;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.config.ServiceConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
}
