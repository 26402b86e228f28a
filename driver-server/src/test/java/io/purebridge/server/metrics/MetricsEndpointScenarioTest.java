package io.purebridge.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.engine.sim.SimulatedHosts;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.grpc.RequestIdInterceptor;
import io.purebridge.server.security.BackendCredentials;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The metrics endpoint scraped over HTTP while the replication network goes through a link cut, a
 * resync and replicate-now, against three real simulated arrays set up by a Cinder backend
 * registration (pod to pure-sync, protection group to pure-dr). The clock is moved by hand and the
 * network ticked by hand, so every value is exact.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointScenarioTest {
    static final Map<String, String> TOKENS = Map.of("pure-primary", "tok-primary-0123456789",
            "pure-sync", "tok-sync-0123456789", "pure-dr", "tok-dr-0123456789");
    static final String POD = "cinder-pod";
    static final String PG = "cinder-group";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T12:00:00Z"));
    private SimulatedArrayHost host;
    private PurebridgeServer server;
    private ManagedChannel channel;
    private MetricsEndpoint endpoint;
    private SimulatedFlashArray primary;

    @BeforeEach
    void start() throws Exception {
        List<SimulatedArrayConfig> configs = new ArrayList<>();
        for (String name : List.of("pure-primary", "pure-sync", "pure-dr")) {
            configs.add(SimulatedArrayConfig.of(name, TOKENS.get(name)));
        }
        host = SimulatedHosts.withResyncBlocksPerTick(dir, configs, clock, 2);
        ArrayBackendRegistry registry = new ArrayBackendRegistry(host);
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, Map.of(
                "san_ip", "sim://pure-primary", "pure_api_token", TOKENS.get("pure-primary"),
                "volume_backend_name", "puredriver-1"),
                List.of(Map.of("backend_id", "metro", "san_ip", "sim://pure-sync", "api_token",
                        TOKENS.get("pure-sync"), "type", "sync"),
                        Map.of("backend_id", "dr", "san_ip", "sim://pure-dr", "api_token", TOKENS.get("pure-dr"))),
                ""));
        MetricRegistry dropwizard = new MetricRegistry();
        BackendStatsRecorder backends = new BackendStatsRecorder(clock);
        String name = InProcessServerBuilder.generateName();
        server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name), "in-process:" + name)),
                registry, host, dropwizard).observeVolumeDriver(backends).start();
        channel = InProcessChannelBuilder.forName(name).build();
        Map<String, FlashArray> arrays = new LinkedHashMap<>();
        TOKENS.forEach((array, token) -> arrays.put(array, host.open(array, token)));
        List<io.prometheus.metrics.model.registry.MultiCollector> collectors = new ArrayList<>(
                MetricsEndpoint.simulatedArrayCollectors(new ArraysCollector(() -> arrays), host.replication()));
        collectors.add(backends);
        endpoint = MetricsEndpoint.start(MetricsEndpoint.registry(dropwizard, collectors), "127.0.0.1", 0);
        primary = host.open("pure-primary", TOKENS.get("pure-primary"));
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5, TimeUnit.SECONDS);
        host.close();
    }

    private Scrape scrape() throws Exception {
        return Scrape.of(endpoint.port());
    }

    private VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub driver(String requestId) {
        Metadata headers = new Metadata();
        headers.put(RequestIdInterceptor.HEADER, requestId);
        headers.put(BackendCredentials.HEADER, server.credentials().issue("puredriver-1", "sim://pure-primary"));
        return VolumeDriverServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void linkCutShowsThePeerOutOfSyncAndTheResyncProgressRisesToInSync() throws Exception {
        int block = SimulatedHosts.blockBytes();
        primary.createVolume(POD + "::v1", 16L * block);
        Scrape before = scrape();
        assertThat(before.value(ReplicationCollector.IN_SYNC, "array", "pure-sync", "pod", POD)).isEqualTo(1);
        assertThat(before.value(ReplicationCollector.LINK_UP, "array_a", "pure-primary", "array_b", "pure-sync"))
                .isEqualTo(1);
        assertThat(before.value(ReplicationCollector.MEDIATOR)).isEqualTo(1);

        host.replication().cutLink("pure-primary", "pure-sync");
        Random random = new Random(18);
        byte[] data = new byte[block];
        for (int i = 0; i < 6; i++) {
            random.nextBytes(data);
            primary.write(POD + "::v1", (long) i * block, data);
        }
        Scrape cut = scrape();
        assertThat(cut.value(ReplicationCollector.LINK_UP, "array_a", "pure-primary", "array_b", "pure-sync"))
                .isEqualTo(0);
        assertThat(cut.value(ReplicationCollector.LINK_UP, "array_a", "pure-dr", "array_b", "pure-primary"))
                .isEqualTo(1);
        assertThat(cut.value(ReplicationCollector.IN_SYNC, "array", "pure-sync", "pod", POD)).isEqualTo(0);
        assertThat(cut.value(ReplicationCollector.MEMBER_STATUS, "array", "pure-sync", "pod", POD, "status", "offline"))
                .isEqualTo(1);
        assertThat(cut.value(ReplicationCollector.MEMBER_STATUS, "array", "pure-sync", "pod", POD, "status", "online"))
                .isEqualTo(0);
        assertThat(cut.value(ReplicationCollector.IN_SYNC, "array", "pure-primary", "pod", POD)).isEqualTo(1);

        host.replication().restoreLink("pure-primary", "pure-sync");
        host.replication().tick();
        Scrape first = scrape();
        host.replication().tick();
        Scrape second = scrape();
        String[] sync = {"array", "pure-sync", "pod", POD};
        assertThat(first.value(ReplicationCollector.MEMBER_STATUS, "array", "pure-sync", "pod", POD, "status",
                "resyncing")).isEqualTo(1);
        assertThat(first.value(ReplicationCollector.PROGRESS, sync)).isCloseTo(2.0 / 6, within(1e-9));
        assertThat(second.value(ReplicationCollector.PROGRESS, sync)).isCloseTo(4.0 / 6, within(1e-9));
        assertThat(first.value(ReplicationCollector.REMAINING, sync)).isEqualTo(4.0 * block);
        assertThat(second.value(ReplicationCollector.REMAINING, sync)).isEqualTo(2.0 * block);

        host.replication().tick();
        Scrape done = scrape();
        assertThat(done.value(ReplicationCollector.IN_SYNC, sync)).isEqualTo(1);
        assertThat(done.value(ReplicationCollector.PROGRESS, sync)).isEqualTo(1);
        assertThat(done.value(ReplicationCollector.REMAINING, sync)).isZero();
    }

    @Test
    void rpoGrowsWithTheClockAndDropsAfterReplicateNow() throws Exception {
        primary.createVolume("v2", 1L << 20);
        primary.write("v2", 0, new byte[] {1, 2, 3});
        primary.addProtectionGroupMembers(PG, List.of("v2"));
        String[] dr = {"pg", PG, "source_array", "pure-primary", "target_array", "pure-dr"};
        String[] group = {"pg", PG, "source_array", "pure-primary"};
        Scrape never = scrape();
        assertThat(never.has(ReplicationCollector.RPO, dr)).as("no RPO before the first transfer").isFalse();
        assertThat(never.value(ReplicationCollector.SCHEDULE_ENABLED, group)).isEqualTo(1);
        double interval = never.value(ReplicationCollector.INTERVAL, group);
        assertThat(interval).isPositive();

        primary.createProtectionGroupSnapshot(PG, true, false);
        clock.advance(Duration.ofSeconds(600));
        Scrape stale = scrape();
        primary.write("v2", 4096, new byte[] {4, 5, 6});
        primary.createProtectionGroupSnapshot(PG, true, false);
        Scrape fresh = scrape();

        assertThat(stale.value(ReplicationCollector.RPO, dr)).isEqualTo(600);
        assertThat(fresh.value(ReplicationCollector.RPO, dr)).isZero();
        assertThat(fresh.value(ReplicationCollector.LAST_COMPLETED, dr))
                .isEqualTo(clock.millis() / 1000.0);
        assertThat(fresh.value(ReplicationCollector.SENT + "_total", dr))
                .isGreaterThan(stale.value(ReplicationCollector.SENT + "_total", dr));
        assertThat(fresh.value(ReplicationCollector.TARGET_SNAPSHOTS, dr)).isEqualTo(2);
        assertThat(fresh.value(ReplicationCollector.TARGET_REACHABLE, dr)).isEqualTo(1);
    }

    @Test
    void arraysRpcsAndBackendsAreCountedAndAStoppedArrayIsDown() throws Exception {
        primary.createVolume("v3", 1L << 20);
        primary.createSnapshot("v3", "s1");
        driver("req-metrics-1").getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-1")
                .build());
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class, () ->
                driver("req-metrics-2").getVolumeStats(GetVolumeStatsRequest.newBuilder()
                        .setBackendName("not-registered").build()));
        host.replication().stopArray("pure-dr");

        Scrape s = scrape();

        assertThat(unknown).isNotNull();
        assertThat(s.value(ArraysCollector.UP, "array", "pure-primary")).isEqualTo(1);
        assertThat(s.value(ArraysCollector.UP, "array", "pure-dr")).isEqualTo(0);
        assertThat(s.has(ArraysCollector.CAPACITY, "array", "pure-dr")).isFalse();
        assertThat(s.value(ArraysCollector.VOLUMES, "array", "pure-primary")).isEqualTo(1);
        assertThat(s.value(ArraysCollector.SNAPSHOTS, "array", "pure-primary")).isEqualTo(1);
        assertThat(s.value(ArraysCollector.CAPACITY, "array", "pure-primary")).isPositive();
        assertThat(s.value(RpcCollector.REQUESTS + "_total", "method", "GetVolumeStats")).isEqualTo(2);
        assertThat(s.value(RpcCollector.ERRORS + "_total", "code", "FAILED_PRECONDITION", "method", "GetVolumeStats"))
                .isEqualTo(1);
        assertThat(s.value(RpcCollector.DURATION + "_count", "method", "GetVolumeStats")).isEqualTo(2);
        assertThat(s.value(RpcCollector.DURATION + "_bucket", "method", "GetVolumeStats", "le", "+Inf"))
                .isEqualTo(2);
        assertThat(s.value(BackendStatsRecorder.VOLUMES, "backend", "puredriver-1")).isEqualTo(1);
        assertThat(s.value(BackendStatsRecorder.TARGETS, "backend", "puredriver-1")).isEqualTo(2);
        assertThat(s.value(BackendStatsRecorder.CAPACITY, "backend", "puredriver-1")).isPositive();
        assertThat(s.value(BackendStatsRecorder.STATS_TIME, "backend", "puredriver-1"))
                .isEqualTo(clock.millis() / 1000.0);
        assertThat(s.has(BackendStatsRecorder.VOLUMES, "backend", "not-registered")).isFalse();
    }

    @Test
    void theEndpointNeverShowsATokenAndSpeaksOpenMetricsWhenAsked() throws Exception {
        driver("req-metrics-3").getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-1")
                .build());
        host.replication().cutLink("pure-primary", "pure-dr");
        HttpResponse<String> openMetrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Scrape text = scrape();

        for (String body : List.of(text.body(), openMetrics.body())) {
            for (String token : TOKENS.values()) {
                assertThat(body).doesNotContain(token);
            }
            assertThat(body.toLowerCase(java.util.Locale.ROOT)).doesNotContain("token");
        }
        assertThat(openMetrics.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/openmetrics-text");
        assertThat(openMetrics.body()).endsWith("# EOF\n").contains("# TYPE purebridge_rpc_duration_seconds histogram");
        assertThat(text.body()).contains("# TYPE purebridge_pg_target_transferred_bytes_total counter");
    }

    @Test
    void theSampleAlertsAndDashboardUseOnlyMetricsTheEndpointExports() throws Exception {
        primary.createVolume(POD + "::v4", 1L << 20);
        primary.createVolume("v5", 1L << 20);
        primary.addProtectionGroupMembers(PG, List.of("v5"));
        primary.createProtectionGroupSnapshot(PG, true, false);
        driver("req-metrics-4").getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-1")
                .build());
        catchThrowableOfType(StatusRuntimeException.class, () -> driver("req-metrics-5").getVolumeStats(
                GetVolumeStatsRequest.newBuilder().setBackendName("not-registered").build()));
        java.util.Set<String> exported = new java.util.TreeSet<>();
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape().body());
        while (type.find()) {
            exported.add(MonitoringSamples.family(type.group(1)));
        }

        java.util.Set<String> alerts = MonitoringSamples.families(MonitoringSamples.ALERTS);
        java.util.Set<String> dashboard = MonitoringSamples.families(MonitoringSamples.DASHBOARD);

        assertThat(alerts).hasSizeGreaterThan(8);
        assertThat(dashboard).hasSizeGreaterThan(15);
        assertThat(exported).containsAll(alerts).containsAll(dashboard);
    }
}
