package io.purebridge.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.engine.sim.SimulatedHosts;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.TcpListener;
import io.purebridge.server.config.HostPort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * purebridge-admin status against the real service over TCP, three simulated arrays set up by a
 * Cinder backend registration (pod to pure-sync, protection group to pure-dr), the service's own
 * once-a-second replication heartbeat and a slow resync (2 blocks a beat).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusCommandTest {
    static final Map<String, String> TOKENS = Map.of("pure-primary", "tok-primary-0123456789",
            "pure-sync", "tok-sync-0123456789", "pure-dr", "tok-dr-0123456789");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private ArrayBackendRegistry registry;
    private PurebridgeServer server;
    private SimulatedFlashArray primary;
    private String endpoint;
    private Path tokens;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        List<SimulatedArrayConfig> configs = new ArrayList<>();
        for (String name : List.of("pure-primary", "pure-sync", "pure-dr")) {
            configs.add(SimulatedArrayConfig.of(name, TOKENS.get(name)));
        }
        host = SimulatedHosts.withHeartbeat(dir.resolve("arrays"), configs, Clock.systemUTC(), 2);
        registry = new ArrayBackendRegistry(host);
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of(
                "san_ip", "sim://pure-primary", "pure_api_token", TOKENS.get("pure-primary"),
                "volume_backend_name", "puredriver-1"),
                List.of(Map.of("backend_id", "metro", "san_ip", "sim://pure-sync", "api_token",
                        TOKENS.get("pure-sync"), "type", "sync"),
                        Map.of("backend_id", "dr", "san_ip", "sim://pure-dr", "api_token", TOKENS.get("pure-dr"))),
                ""));
        server = new PurebridgeServer(List.of(new TcpListener(new HostPort("127.0.0.1", 0))), registry, host,
                new MetricRegistry()).start();
        endpoint = server.tcpAddress().orElseThrow().toString();
        StringBuilder file = new StringBuilder("[arrays]\n");
        TOKENS.forEach((name, token) -> file.append(name).append(" = ").append(token).append('\n'));
        tokens = Files.writeString(dir.resolve("tokens.ini"), file.toString());
        primary = host.open("pure-primary", TOKENS.get("pure-primary"));
    }

    @AfterEach
    void stop() {
        server.stop(5, TimeUnit.SECONDS);
        host.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of("status", "--endpoint", endpoint, "--tokens-file", tokens.toString()));
        all.addAll(List.of(args));
        return new AdminMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), false).run(all.toArray(String[]::new));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Cuts the pod's link, writes {@code blocks} blocks on the primary only, restores the link. */
    private void makeResync(int blocks) {
        int block = SimulatedHosts.blockBytes();
        primary.createVolume("cinder-pod::v1", 64L * block);
        host.replication().cutLink("pure-primary", "pure-sync");
        Random random = new Random(18);
        byte[] data = new byte[block];
        for (int i = 0; i < blocks; i++) {
            random.nextBytes(data);
            primary.write("cinder-pod::v1", (long) i * block, data);
        }
        host.replication().restoreLink("pure-primary", "pure-sync");
    }

    @Test
    void oneScreenShowsArraysPodsAndGroupsAndAResyncWithItsBarAndEta() throws Exception {
        primary.createVolume("v2", 1L << 20);
        primary.addProtectionGroupMembers("cinder-group", List.of("v2"));
        primary.createProtectionGroupSnapshot("cinder-group", true, false);
        host.replication().stopArray("pure-dr");
        makeResync(40);

        int code = run("--interval", "1.5");

        String screen = stdout();
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(screen).startsWith("purebridge status ").contains("(" + endpoint + ")")
                .contains("mediator reachable; links: pure-dr<->pure-primary up, pure-dr<->pure-sync up,"
                        + " pure-primary<->pure-sync up")
                .containsPattern("== pure-primary  up  space .* of .* used")
                .contains("== pure-dr  STOPPED")
                .contains("  pod cinder-pod  mediator reachable")
                .containsPattern("pure-primary +online +in sync")
                .containsPattern("pure-sync +resyncing +OUT OF SYNC  \\[#*\\.+\\] +\\d+%  [0-9.]+ [KM]iB left  ETA \\d+s")
                .containsPattern("  pg cinder-group on pure-primary  schedule every \\S+  1 snapshot\\(s\\)")
                .containsPattern("-> pure-dr +UNREACHABLE +RPO \\d+s ");
        assertThat(screen).doesNotContain("tok-");
        // The backend's section comes first and holds its arrays, its pod and its group.
        String backend = screen.substring(screen.indexOf("== backend puredriver-1"), screen.indexOf("\n== pure-"));
        assertThat(backend).startsWith("== backend puredriver-1  on its primary, serving from pure-primary\n")
                .containsPattern("pure-primary +primary +up  space ")
                .containsPattern("pure-sync +sync target 'metro' +up  space ")
                .containsPattern("pure-dr +async target 'dr' +STOPPED")
                .contains("  pod cinder-pod  mediator reachable")
                .contains("  pg cinder-group on pure-primary");
        assertThat(screen.substring(screen.indexOf("\n== pure-"))).as("shown once, under the backend")
                .doesNotContain("pod cinder-pod").doesNotContain("pg cinder-group");
    }

    @Test
    void aFailedOverBackendGetsItsOwnSectionNamingTheTarget() throws Exception {
        registry.register(new BackendConfig("puredriver-2", StorageProtocol.ISCSI, Map.of(
                "san_ip", "sim://pure-primary", "pure_api_token", TOKENS.get("pure-primary"),
                "volume_backend_name", "puredriver-2", "pure_replication_pg_name", "cinder-group-2"),
                List.of(Map.of("backend_id", "dr", "san_ip", "sim://pure-dr", "api_token", TOKENS.get("pure-dr"))),
                "dr"));

        assertThat(run()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String screen = stdout();
        assertThat(screen).contains("== backend puredriver-1  on its primary, serving from pure-primary\n")
                .contains("== backend puredriver-2  FAILED OVER to 'dr', serving from pure-dr\n");
        assertThat(run("--json")).isZero();
        JsonNode second = new ObjectMapper().readTree(stdout()).path("backends").get(1);
        assertThat(second.path("name").asText()).isEqualTo("puredriver-2");
        assertThat(second.path("failed_over").asBoolean()).isTrue();
        assertThat(second.path("active_array").asText()).isEqualTo("pure-dr");
        assertThat(second.path("pod").isNull()).as("no sync target").isTrue();
        assertThat(second.path("arrays").findValuesAsText("role")).containsExactly("primary", "async target 'dr'");
        assertThat(second.path("protection_groups").get(0).asText()).isEqualTo("cinder-group-2");
    }

    @Test
    void jsonHasTheSameFactsForScripts() throws Exception {
        host.replication().cutLink("pure-primary", "pure-dr");

        assertThat(run("--json")).isZero();

        JsonNode status = new ObjectMapper().readTree(stdout());
        assertThat(status.path("mediator_reachable").asBoolean()).isTrue();
        JsonNode backend = status.path("backends").get(0);
        assertThat(backend.path("name").asText()).isEqualTo("puredriver-1");
        assertThat(backend.path("failed_over").asBoolean()).isFalse();
        assertThat(backend.path("pod").asText()).isEqualTo("cinder-pod");
        assertThat(backend.path("arrays").findValuesAsText("name")).containsExactly("pure-primary", "pure-sync",
                "pure-dr");
        assertThat(backend.path("arrays").findValuesAsText("up")).containsExactly("true", "true", "true");
        assertThat(status.path("links").findValuesAsText("up")).containsExactly("false", "true", "true");
        JsonNode primaryNode = array(status, "pure-primary");
        assertThat(primaryNode.path("name").asText()).isEqualTo("pure-primary");
        assertThat(primaryNode.path("up").asBoolean()).isTrue();
        assertThat(primaryNode.path("space").path("capacity_bytes").asLong()).isPositive();
        JsonNode members = primaryNode.path("pods").get(0).path("members");
        assertThat(members.findValuesAsText("array")).containsExactly("pure-primary", "pure-sync");
        assertThat(members.get(1).path("in_sync").asBoolean()).isTrue();
        assertThat(members.get(1).path("eta_seconds").isNull()).isTrue();
        JsonNode group = primaryNode.path("protection_groups").get(0);
        assertThat(group.path("name").asText()).isEqualTo("cinder-group");
        assertThat(group.path("schedule_enabled").asBoolean()).isTrue();
        JsonNode dr = null;
        for (JsonNode target : group.path("targets")) {
            dr = target.path("array").asText().equals("pure-dr") ? target : dr;
        }
        assertThat(dr).as("pure-dr is a target of cinder-group").isNotNull();
        assertThat(dr.path("rpo_seconds").isNull()).as("never replicated").isTrue();
        assertThat(dr.path("reachable").asBoolean()).isFalse();
        assertThat(dr.path("late").asBoolean()).isFalse();
    }

    @Test
    void watchRedrawsUntilStoppedAndSeesTheResyncProgress() throws Exception {
        makeResync(24);

        assertThat(run("--watch", "--json", "--interval", "1.2", "--iterations", "3")).isZero();

        String[] lines = stdout().strip().split("\n");
        assertThat(lines).hasSize(3);
        ObjectMapper mapper = new ObjectMapper();
        double first = member(mapper.readTree(lines[0])).path("resync_remaining_bytes").asDouble();
        JsonNode last = member(mapper.readTree(lines[2]));
        assertThat(last.path("resync_remaining_bytes").asDouble()).isLessThan(first);
        assertThat(last.path("eta_seconds").isNull() || last.path("eta_seconds").asLong() >= 0).isTrue();
    }

    @Test
    void watchClearsTheScreenBetweenRedraws() {
        assertThat(run("--watch", "--interval", "0.1", "--iterations", "2")).isZero();

        assertThat(stdout().split(java.util.regex.Pattern.quote(StatusCommand.CLEAR), -1)).hasSize(3);
    }

    private static JsonNode array(JsonNode status, String name) {
        for (JsonNode array : status.path("arrays")) {
            if (array.path("name").asText().equals(name)) {
                return array;
            }
        }
        throw new AssertionError("no array " + name + " in " + status);
    }

    private static JsonNode member(JsonNode status) {
        return array(status, "pure-primary").path("pods").get(0).path("members").get(1);
    }
}
