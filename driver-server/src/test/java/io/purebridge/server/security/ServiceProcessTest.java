package io.purebridge.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.server.ServerMain;
import io.purebridge.server.testing.Credentials;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.StorageProtocol;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as its own process, as an operator runs it (umask 077) and as a local attacker
 * reads it: every library logging at DEBUG while a client logs in to the REST front end with its
 * api-token, uses the x-auth-token and registers over gRPC with pure_api_token; then SIGTERM.
 * No token, session token or credential may appear in the output; the data directory is the
 * owner's alone; SIGTERM exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceProcessTest {
    private static final String TOKEN = "c0ffee00-1111-4222-8333-944455556666";
    private static final Pattern SERVING = Pattern.compile("purebridge serving on unix:(\\S+)");
    private static final Pattern REST = Pattern.compile("endpoint for pure-primary: san_ip = (\\S+)");

    @TempDir
    Path dir;

    @Test
    void debugLogsShowNoSecretsTheDataDirIsPrivateAndSigtermExitsZero() throws Exception {
        Path data = dir.resolve("data");
        // What an older version left behind: world-readable, to be tightened at start.
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path old = Files.writeString(data.resolve("left-behind.json"), "{}");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Path ini = Files.writeString(dir.resolve("pb.ini"), "[server]\ndata_dir = " + data + "\nlisten_socket = "
                + dir.resolve("pb.sock") + "\n\n[arrays]\npure-primary = " + TOKEN + "\n");
        Path log = dir.resolve("service.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "umask 077; exec '" + java + "' -Dorg.slf4j.simpleLogger.defaultLogLevel=debug -cp '"
                + System.getProperty("java.class.path") + "' " + ServerMain.class.getName() + " --config '" + ini + "'";
        Process service = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        String sessionToken;
        String credential;
        try {
            String socket = awaitLine(log, SERVING, service);
            String sanIp = awaitLine(log, REST, service);

            HttpClient http = HttpClient.newBuilder().sslContext(RestTls.context(false, null)).build();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("https://" + sanIp
                    + "/api/2.36/login")).header("api-token", TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            sessionToken = login.headers().firstValue("x-auth-token").orElseThrow();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("https://" + sanIp + "/api/2.36/volumes"))
                    .header("x-auth-token", sessionToken).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            EventLoopGroup loop = new EpollEventLoopGroup(1);
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
                    .eventLoopGroup(loop).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
            try {
                var stub = VolumeDriverServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                credential = stub.registerBackend(RegisterBackendRequest.newBuilder().setBackendName("puredriver-1")
                        .setProtocol(StorageProtocol.STORAGE_PROTOCOL_ISCSI).putOptions("san_ip", "sim://pure-primary")
                        .putOptions("pure_api_token", TOKEN).build()).getSessionCredential();
                Credentials.with(stub, credential).createVolume(CreateVolumeRequest.newBuilder()
                        .setBackendName("puredriver-1").setVolume(Volume.newBuilder().setId("v1").setNameId("v1")
                                .setName("volume-v1").setSizeGib(1)).build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            service.destroy(); // SIGTERM
        }
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(service.exitValue()).as("exit code after SIGTERM; output ends:%n%s", tail(output)).isZero();
        assertThat(output).contains("purebridge: stopped");

        // DEBUG was really on for Jetty and Netty, headers and all.
        assertThat(output).contains("DEBUG").containsIgnoringCase("x-auth-token").contains("INBOUND HEADERS");
        List<String> leaks = output.lines().filter(line -> line.contains(TOKEN) || line.contains(sessionToken)
                || line.contains(credential)).map(line -> line.length() > 300 ? line.substring(0, 300) : line).toList();
        assertThat(leaks).as("log lines showing a token, session token or credential").isEmpty();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            all.forEach(p -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    boolean ok = Files.isDirectory(p) ? mode.equals("rwx------") : mode.equals("rw-------");
                    if (!ok) {
                        open.add(mode + " " + data.relativize(p));
                    }
                } catch (java.io.IOException e) {
                    // removed while walking
                }
            });
        }
        assertThat(open).as("files and directories others can read").isEmpty();
    }

    private static String awaitLine(Path log, Pattern pattern, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1);
                }
            }
            if (!service.isAlive()) {
                throw new AssertionError("service exited: " + tail(Files.readString(log)));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line " + pattern + " in " + tail(Files.readString(log)));
    }

    private static String tail(String text) {
        return text.length() < 3000 ? text : text.substring(text.length() - 3000);
    }

    @SuppressWarnings("unused")
    private static final String SEPARATOR = File.pathSeparator;
}
