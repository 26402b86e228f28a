package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.cinder.VolumeModelUpdate;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cinder's replication setup and placement with every array reached over REST: ArrayBackendRegistry
 * -> RestArrayConnector -> HTTPS -> RestFrontEnd -> three simulated arrays in one host. The result
 * is checked on the simulated arrays themselves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestReplicationTest {
    static final Map<String, String> TOKENS = new LinkedHashMap<>();

    static {
        TOKENS.put("pure-a", "tok-a-0123456789");
        TOKENS.put("pure-b", "tok-b-0123456789");
        TOKENS.put("pure-c", "tok-c-0123456789");
    }

    private static final Map<String, String> ASYNC = Map.of("replication_enabled", "<is> True");
    private static final Map<String, String> SYNC = Map.of("replication_enabled", "<is> True",
            "replication_type", "<in> sync");

    @TempDir
    Path dir;
    private SimulatedArrayHost host;
    private RestFrontEnd frontEnd;
    private ArrayBackendRegistry registry;
    private final AtomicInteger uuids = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        host = new SimulatedArrayHost(dir.resolve("arrays"), TOKENS.entrySet().stream()
                .map(e -> SimulatedArrayConfig.of(e.getKey(), e.getValue())).toList(), Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        frontEnd.startSimulators(dir, host, TOKENS);
        RestArrayConnector rest = new RestArrayConnector(RestClientOptions.defaults().withRetries(2, Duration.ofMillis(1)),
                Clock.systemUTC(), ms -> { });
        registry = new ArrayBackendRegistry(rest, () -> String.format("%032x", uuids.incrementAndGet()),
                () -> "chap-secret-0123456789");
    }

    @AfterEach
    void stop() {
        frontEnd.stop();
        host.close();
    }

    private SimulatedFlashArray sim(String name) {
        return host.open(name, TOKENS.get(name));
    }

    private CinderBackend register() {
        String cert = frontEnd.certificatePem().toString();
        Map<String, String> o = new HashMap<>();
        o.put("san_ip", frontEnd.sanIp("pure-a"));
        o.put("pure_api_token", TOKENS.get("pure-a"));
        o.put("driver_ssl_cert_verify", "true");
        o.put("driver_ssl_cert_path", cert);
        o.put("volume_backend_name", "puredriver-1");
        o.put("pure_replica_interval_default", "600");
        List<Map<String, String>> devices = List.of(
                Map.of("backend_id", "metro", "san_ip", frontEnd.sanIp("pure-b"), "api_token", TOKENS.get("pure-b"),
                        "type", "sync", "ssl_cert_verify", "true", "ssl_cert_path", cert),
                Map.of("backend_id", "dr", "san_ip", frontEnd.sanIp("pure-c"), "api_token", TOKENS.get("pure-c"),
                        "ssl_cert_verify", "true", "ssl_cert_path", cert));
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI, o, devices, ""));
        return registry.backend("puredriver-1");
    }

    private static CinderVolume volume(Map<String, String> specs) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", 1, specs, "");
    }

    @Test
    void setupOverRestBuildsThePodAndTheGroupOnTheArrays() {
        register();
        register();
        SimulatedFlashArray a = sim("pure-a");
        assertThat(a.findPod("cinder-pod").orElseThrow().arrays()).extracting(PodArrayStatus::arrayName)
                .containsExactly("pure-a", "pure-b");
        assertThat(sim("pure-b").findPod("cinder-pod")).isPresent();
        ProtectionGroupRecord group = a.findProtectionGroup("cinder-group").orElseThrow();
        assertThat(group.targets()).extracting(PgTargetRecord::arrayName).containsExactly("pure-b", "pure-c");
        assertThat(group.targets()).extracting(PgTargetRecord::allowed).containsOnly(true);
        assertThat(group.replicationSchedule().enabled()).isTrue();
        assertThat(group.replicationSchedule().frequencyMs()).isEqualTo(600_000L);
        assertThat(group.targetRetention()).isEqualTo(new RetentionPolicy(14_400, 3, 7));
        assertThat(sim("pure-c").findProtectionGroup("pure-a:cinder-group")).isPresent();
    }

    @Test
    void syncAndAsyncVolumesOverRestLandInThePodAndTheGroupAndReplicate() {
        CinderBackend backend = register();
        SimulatedFlashArray a = sim("pure-a");
        SimulatedFlashArray b = sim("pure-b");
        SimulatedFlashArray c = sim("pure-c");

        VolumeModelUpdate sync = backend.createVolume(volume(SYNC));
        assertThat(sync.providerId()).startsWith("cinder-pod::");
        assertThat(a.findVolume(sync.providerId())).isPresent();
        assertThat(b.findVolume(sync.providerId())).isPresent();
        assertThat(a.findPod("cinder-pod").orElseThrow().arrays()).extracting(PodArrayStatus::status)
                .containsOnly(PodArrayStatus.ONLINE);

        VolumeModelUpdate async = backend.createVolume(volume(ASYNC));
        assertThat(async.replicationStatus()).isEqualTo("enabled");
        ProtectionGroupRecord group = a.findProtectionGroup("cinder-group").orElseThrow();
        assertThat(group.members()).containsExactly(async.providerId());
        assertThat(group.targets()).extracting(PgTargetRecord::arrayName).contains("pure-c");

        // Replicate-now through REST, seen on the DR array as <source>:<pg>.<N>.<vol>.
        RestArrayConnector rest = new RestArrayConnector(RestClientOptions.defaults(), Clock.systemUTC(), ms -> { });
        RestFlashArray viaRest = rest.connect(new ArrayEndpoint(frontEnd.sanIp("pure-a"),
                TOKENS.get("pure-a"), true, frontEnd.certificatePem().toString()));
        PgSnapshotRecord snap = viaRest.createProtectionGroupSnapshot("cinder-group", true, false);
        assertThat(snap.volumeSnapshots()).containsExactly(snap.name() + "." + async.providerId());
        String onTarget = "pure-a:" + snap.name() + "." + async.providerId();
        assertThat(c.findSnapshot(onTarget)).isPresent();
        assertThat(viaRest.listProtectionGroupTransfers("cinder-group")).isNotEmpty()
                .allSatisfy(t -> assertThat(t.snapshotName()).isEqualTo(snap.name()));
        viaRest.close();
    }
}
