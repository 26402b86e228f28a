package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.server.testing.SimDataService;
import io.purebridge.server.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs purebridge-admin in-process against the real service on a temp unix socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminMainTest {
    private static final String VOLUME = "volume-7-cinder";

    @TempDir
    Path dir;
    private SimDataService service;
    private String endpoint;
    private Path tokenFile;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        Path socket = dir.resolve("pb.sock");
        service = SimDataService.unixSocket(dir.resolve("data"), socket);
        service.array().createVolume(VOLUME, 8L << 20);
        endpoint = "unix:" + socket;
        tokenFile = Files.writeString(dir.resolve("token"), SimDataService.TOKEN + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
    }

    private int run(byte[] stdin, String... args) {
        out.reset();
        err.reset();
        return new AdminMain(new ByteArrayInputStream(stdin), new PrintStream(out, true), new PrintStream(err, true),
                false).run(args);
    }

    private String[] common(String command, String... rest) {
        String[] head = {command, "--endpoint", endpoint, "--array", SimDataService.ARRAY, "--token-file",
                tokenFile.toString()};
        String[] all = new String[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    @Test
    void writeFileReadToStdoutAndChecksum() throws Exception {
        byte[] data = TestData.bytes((2 << 20) + 3, 21);
        Path input = Files.write(dir.resolve("in.img"), data);

        int wrote = run(new byte[0], common("write", "--volume", VOLUME, "--offset", "512", "--input",
                input.toString(), "--progress"));
        String progress = err.toString(StandardCharsets.UTF_8);
        int read = run(new byte[0], common("read", "--volume", VOLUME, "--offset", "512", "--length",
                String.valueOf(data.length), "--output", "-"));
        byte[] back = out.toByteArray();
        int summed = run(new byte[0], common("checksum", "--volume", VOLUME, "--offset", "512", "--length",
                String.valueOf(data.length)));

        assertThat(wrote).isZero();
        assertThat(progress).contains("100%").contains("MiB/s");
        assertThat(read).isZero();
        assertThat(TestData.sha256(back)).isEqualTo(TestData.sha256(data));
        assertThat(summed).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(TestData.sha256(data) + "  " + VOLUME);
    }

    @Test
    void writeFromStdinReadToFileAndSpace() throws Exception {
        byte[] data = TestData.bytes(1 << 20, 22);
        Path output = dir.resolve("out.img");

        assertThat(run(data, common("write", "--volume", VOLUME, "--input", "-"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote " + data.length + " bytes");
        assertThat(run(new byte[0], common("read", "--volume", VOLUME, "--length", String.valueOf(data.length),
                "--output", output.toString()))).isZero();
        assertThat(run(new byte[0], common("space", "--all-volumes"))).isZero();

        assertThat(TestData.sha256(Files.readAllBytes(output))).isEqualTo(TestData.sha256(data));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("array " + SimDataService.ARRAY).contains(VOLUME);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void errorsAreOneLineWithExitCodes() throws Exception {
        Path wrongToken = Files.writeString(dir.resolve("wrong"), "nope");
        Path input = Files.write(dir.resolve("big.img"), new byte[(8 << 20) + 1]);

        int pastEnd = run(new byte[0], common("write", "--volume", VOLUME, "--input", input.toString()));
        String pastEndErr = err.toString(StandardCharsets.UTF_8);
        int refused = run(new byte[0], "checksum", "--endpoint", endpoint, "--array", SimDataService.ARRAY,
                "--token-file", wrongToken.toString(), "--volume", VOLUME);
        String refusedErr = err.toString(StandardCharsets.UTF_8);
        int noFile = run(new byte[0], common("write", "--volume", VOLUME, "--input", dir.resolve("none").toString()));
        int unreachable = run(new byte[0], "space", "--endpoint", "unix:" + dir.resolve("no.sock"), "--array",
                SimDataService.ARRAY, "--token-file", tokenFile.toString());
        int usage = run(new byte[0], "read", "--array", SimDataService.ARRAY);

        assertThat(pastEnd).isEqualTo(AdminMain.EXIT_SERVICE_ERROR);
        assertThat(pastEndErr).startsWith("purebridge-admin: OUT_OF_RANGE (RANGE_PAST_END): ").doesNotContain("\tat ");
        assertThat(refused).isEqualTo(AdminMain.EXIT_SERVICE_ERROR);
        assertThat(refusedErr).contains("UNAUTHENTICATED (INVALID_API_TOKEN)").doesNotContain(SimDataService.TOKEN);
        assertThat(noFile).isEqualTo(AdminMain.EXIT_LOCAL_IO);
        assertThat(unreachable).isEqualTo(AdminMain.EXIT_UNREACHABLE);
        assertThat(usage).isEqualTo(AdminMain.EXIT_USAGE);
        assertThat(service.array().volumeSpace(VOLUME).virtualBytes()).isZero();
    }
}
