package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.server.testing.SimDataService;
import io.purebridge.v1.ArrayAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** purebridge-admin's replication commands in-process against the real service on a unix socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicationCommandsTest {
    @TempDir
    Path dir;
    private SimDataService service;
    private String endpoint;
    private Path tokens;
    private final AdminRun admin = new AdminRun();

    @BeforeEach
    void setUp() throws Exception {
        Path socket = dir.resolve("pb.sock");
        service = SimDataService.unixSocket(dir.resolve("data"), socket);
        endpoint = "unix:" + socket;
        // The service config itself: only its [arrays] section is read.
        tokens = Files.writeString(dir.resolve("purebridge-server.ini"), "[server]\ndata_dir = /tmp/x\n\n[arrays]\n"
                + SimDataService.ARRAY + " = " + SimDataService.TOKEN + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
    }

    private int run(String... args) {
        return admin.run(endpoint, tokens, false, args);
    }

    private String stdout() {
        return admin.stdout();
    }

    @Test
    void arrayStopStartAndMediatorChangeTheNetwork() {
        assertThat(run("array", "stop", SimDataService.ARRAY)).isZero();
        assertThat(stdout()).contains("stopped arrays " + SimDataService.ARRAY);
        assertThat(service.host.replication().networkStatus().stoppedArrays()).containsExactly(SimDataService.ARRAY);

        assertThat(run("array", "start", SimDataService.ARRAY)).isZero();
        assertThat(stdout()).contains("stopped arrays none");
        assertThat(run("mediator", "unreachable")).isZero();
        assertThat(stdout()).startsWith("mediator unreachable");
        assertThat(service.host.replication().networkStatus().mediatorReachable()).isFalse();
        assertThat(run("tick")).isZero();
        assertThat(run("pod", "status")).isZero();
        assertThat(stdout()).contains("no pods");
        assertThat(run("pg", "status")).isZero();
        assertThat(stdout()).contains("no protection groups");
    }

    @Test
    void refusalsAndUsageErrorsHaveTheirExitCodes() {
        assertThat(run("link", "cut", SimDataService.ARRAY, SimDataService.ARRAY)).isEqualTo(AdminMain.EXIT_SERVICE_ERROR);
        assertThat(admin.stderr()).contains("INVALID_ARGUMENT (SAME_ARRAY)");
        assertThat(run("link", "cut", SimDataService.ARRAY, "pure-elsewhere")).isEqualTo(AdminMain.EXIT_SERVICE_ERROR);
        assertThat(admin.stderr()).contains("UNAUTHENTICATED (API_TOKEN_MISSING)")
                .doesNotContain(SimDataService.TOKEN);
        assertThat(run("array", "halt", SimDataService.ARRAY)).isEqualTo(AdminMain.EXIT_USAGE);
        assertThat(admin.stderr()).contains("expected stop or start");
    }

    @Test
    void tokensFileWithoutSectionsAndMalformedLines() throws IOException {
        List<ArrayAccess> access = ReplicationCommands.parseTokens(List.of("# comment", "a = t1", "", "b=t2"), "f");

        assertThat(access).extracting(ArrayAccess::getArray).containsExactly("a", "b");
        assertThat(access).extracting(ArrayAccess::getApiToken).containsExactly("t1", "t2");
        assertThatThrownBy(() -> ReplicationCommands.parseTokens(List.of("just-a-token"), "f"))
                .isInstanceOf(IOException.class).hasMessageNotContaining("just-a-token");
    }
}
