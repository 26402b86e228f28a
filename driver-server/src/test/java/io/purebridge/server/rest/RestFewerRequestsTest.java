package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.ConnectionProperties;
import io.purebridge.engine.cinder.HostConnector;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.rest.RestSession;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend's operations on the REST path change first and read only when the array refuses
 * (issue 17), with upstream's semantics kept: a missing object, an object already there, a
 * destroyed object, a port that went away between two attaches. Every HTTPS request the client
 * sends is counted, so the counts per operation are pinned here (upstream's in parentheses).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestFewerRequestsTest {
    private static final String NAME = "pure-primary";
    private static final String TOKEN = "fewer-requests-token";
    private static final long GIB = 1L << 30;
    private static final HostConnector CONNECTOR = new HostConnector("compute-1",
            "iqn.1993-08.org.debian:01:compute-1", null, null, "", "", "10.0.0.5", true);

    @TempDir
    Path dir;
    private SimulatedFlashArray sim;
    private RestFrontEnd frontEnd;
    private RestFlashArray client;
    private CinderBackend backend;
    private final CountingHttpClient http = new CountingHttpClient();
    /** Port names the array stops reporting (a port that went away). */
    private final Set<String> gonePorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of(NAME, TOKEN), dir.resolve(NAME), Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        frontEnd.startWith(dir, Map.of(NAME, withGonePorts(sim)), Map.of(NAME, TOKEN));
        ArrayEndpoint endpoint = new ArrayEndpoint(frontEnd.sanIp(NAME), TOKEN, true,
                frontEnd.certificatePem().toString());
        // Pages of 10: a listing of the 13 volumes below would take two requests, a count takes one.
        RestClientOptions options = RestClientOptions.defaults().withRetries(2, Duration.ofMillis(1))
                .withPageSize(10);
        http.delegate = RestSession.httpClient(endpoint, options);
        RestSession session = new RestSession(endpoint, options, http, ms -> { });
        session.open();
        client = new RestFlashArray(session, Clock.systemUTC());
        ArrayBackendRegistry registry = new ArrayBackendRegistry(e -> client,
                () -> UUID.randomUUID().toString().replace("-", ""), () -> "chap-secret");
        registry.register(new BackendConfig("puredriver-1", StorageProtocol.ISCSI,
                Map.of("san_ip", frontEnd.sanIp(NAME), "pure_api_token", TOKEN, "volume_backend_name", "puredriver-1"),
                List.of(), ""));
        backend = registry.backend("puredriver-1");
        http.sent.clear();
    }

    @AfterEach
    void stop() {
        client.close();
        frontEnd.stop();
        sim.close();
    }

    /** The simulated array, except that ports named in {@link #gonePorts} are not reported. */
    private FlashArray withGonePorts(SimulatedFlashArray array) {
        return (FlashArray) Proxy.newProxyInstance(FlashArray.class.getClassLoader(), new Class<?>[] {FlashArray.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(array, args);
                        if (method.getName().equals("listPorts") && method.getParameterCount() == 0) {
                            @SuppressWarnings("unchecked")
                            List<PortRecord> ports = (List<PortRecord>) result;
                            return ports.stream().filter(p -> !gonePorts.contains(p.name())).toList();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private List<String> requests(Runnable operation) {
        http.sent.clear();
        operation.run();
        return List.copyOf(http.sent);
    }

    private static CinderVolume volume(long sizeGib) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", sizeGib, Map.of(), "");
    }

    private static CinderSnapshot snapshot(CinderVolume volume) {
        String id = UUID.randomUUID().toString();
        return new CinderSnapshot(id, "snapshot-" + id, "", volume, volume.sizeGib());
    }

    private static String arrayName(CinderVolume volume) {
        return volume.name() + "-cinder";
    }

    private static EngineException failure(Runnable call, ErrorCode code) {
        EngineException[] caught = new EngineException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(EngineException.class, e -> {
            caught[0] = e;
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        });
        return caught[0];
    }

    // --- create -----------------------------------------------------------------------------

    @Test
    void createIsOneRequestAndARetryFindsItsVolume() {
        CinderVolume v = volume(1);
        assertThat(requests(() -> backend.createVolume(v))).containsExactly("POST volumes"); // (upstream 3)
        // Already there: the array refuses the POST, then one read tells a retry from another request.
        assertThat(requests(() -> backend.createVolume(v))).containsExactly("POST volumes", "GET volumes");
        failure(() -> backend.createVolume(new CinderVolume(v.id(), v.nameId(), v.name(), "", 2, Map.of(), "")),
                ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void createOverADestroyedVolumeAsksToEradicate() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        backend.deleteVolume(v);
        EngineException e = failure(() -> backend.createVolume(v), ErrorCode.FAILED_PRECONDITION);
        assertThat(e.reason()).isEqualTo("VOLUME_DESTROYED");
    }

    // --- snapshots --------------------------------------------------------------------------

    @Test
    void snapshotIsOneRequestWithUpstreamsAnswersForMissingDestroyedAndExisting() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        CinderSnapshot s = snapshot(v);
        assertThat(requests(() -> backend.createSnapshot(s))).containsExactly("POST volume-snapshots"); // (1)
        assertThat(backend.createSnapshot(s)).isEqualTo(backend.createSnapshot(s));
        // Of a missing volume, and of a destroyed one: the volume is not found.
        CinderVolume missing = volume(1);
        assertThat(failure(() -> backend.createSnapshot(snapshot(missing)), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
        CinderVolume gone = volume(1);
        backend.createVolume(gone);
        backend.deleteVolume(gone);
        assertThat(failure(() -> backend.createSnapshot(snapshot(gone)), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
    }

    @Test
    void deleteSnapshotIsOneRequestAndSucceedsForDestroyedAndMissing() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        CinderSnapshot s = snapshot(v);
        backend.createSnapshot(s);
        assertThat(requests(() -> backend.deleteSnapshot(s))).containsExactly("PATCH volume-snapshots"); // (1)
        assertThat(client.findSnapshot(arrayName(v) + "." + s.name()).orElseThrow().destroyed()).isTrue();
        // Already destroyed, then missing altogether: both succeed, as upstream's warnings.
        assertThat(requests(() -> backend.deleteSnapshot(s))).containsExactly("PATCH volume-snapshots");
        assertThat(requests(() -> backend.deleteSnapshot(snapshot(volume(1)))))
                .containsExactly("PATCH volume-snapshots");
    }

    // --- copies and extend ------------------------------------------------------------------

    @Test
    void cloneAndFromSnapshotAreOneRequestPlusOneToGrow() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        CinderSnapshot s = snapshot(v);
        backend.createSnapshot(s);
        CinderVolume clone = volume(1);
        assertThat(requests(() -> backend.createClonedVolume(clone, v))).containsExactly("POST volumes"); // (3)
        CinderVolume bigger = volume(3);
        assertThat(requests(() -> backend.createVolumeFromSnapshot(bigger, s)))
                .containsExactly("POST volumes", "PATCH volumes");
        assertThat(client.findVolume(arrayName(bigger)).orElseThrow().provisionedBytes()).isEqualTo(3 * GIB);
        // A retry of the clone answers with the same volume.
        assertThat(backend.createClonedVolume(clone, v)).isEqualTo(backend.createClonedVolume(clone, v));
        // Missing sources.
        assertThat(failure(() -> backend.createClonedVolume(volume(1), volume(1)), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
        backend.deleteSnapshot(s);
        assertThat(failure(() -> backend.createVolumeFromSnapshot(volume(1), s), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("SNAPSHOT_NOT_FOUND");
    }

    @Test
    void aSourceLargerThanTheRequestLeavesNothingBehind() {
        CinderVolume v = volume(2);
        backend.createVolume(v);
        CinderVolume small = volume(1);
        assertThat(failure(() -> backend.createClonedVolume(small, v), ErrorCode.OUT_OF_RANGE).reason())
                .isEqualTo("SIZE_SMALLER_THAN_SOURCE");
        assertThat(client.findVolume(arrayName(small))).isEmpty();
    }

    @Test
    void extendIsOneRequestAndRefusesShrinkMissingAndDestroyed() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        assertThat(requests(() -> backend.extendVolume(v, 2))).containsExactly("PATCH volumes"); // (1)
        assertThat(client.findVolume(arrayName(v)).orElseThrow().provisionedBytes()).isEqualTo(2 * GIB);
        EngineException shrink = failure(() -> backend.extendVolume(v, 1), ErrorCode.OUT_OF_RANGE);
        assertThat(shrink.reason()).isEqualTo("SHRINK_NOT_SUPPORTED");
        assertThat(shrink.getMessage()).contains("2 GiB");
        assertThat(failure(() -> backend.extendVolume(volume(1), 2), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
        backend.deleteVolume(v);
        assertThat(failure(() -> backend.extendVolume(v, 3), ErrorCode.NOT_FOUND).reason())
                .isEqualTo("VOLUME_NOT_FOUND");
    }

    // --- delete -----------------------------------------------------------------------------

    @Test
    void deleteIsOneRequestForADetachedVolumeAndSucceedsForDestroyedAndMissing() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        assertThat(requests(() -> backend.deleteVolume(v))).containsExactly("PATCH volumes"); // (3)
        assertThat(client.findVolume(arrayName(v)).orElseThrow().destroyed()).isTrue();
        assertThat(requests(() -> backend.deleteVolume(v))).containsExactly("PATCH volumes");
        assertThat(requests(() -> backend.deleteVolume(volume(1)))).containsExactly("PATCH volumes");
    }

    @Test
    void deletingAConnectedVolumeDisconnectsEveryHostFirst() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        backend.initializeConnection(v, CONNECTOR);
        List<String> sent = requests(() -> backend.deleteVolume(v));
        assertThat(sent).startsWith("PATCH volumes", "GET connections").endsWith("PATCH volumes");
        assertThat(client.findVolume(arrayName(v)).orElseThrow().destroyed()).isTrue();
        assertThat(client.listConnections(null, arrayName(v))).isEmpty();
        // The driver-made host had nothing else, so it went too (upstream's clean-up).
        assertThat(client.listHosts()).isEmpty();
    }

    // --- attach / detach --------------------------------------------------------------------

    @Test
    void attachReadsPortsEveryTimeSoAPortThatWentAwayIsNotHandedOut() {
        CinderVolume v = volume(1);
        backend.createVolume(v);
        List<String> first = requests(() -> backend.initializeConnection(v, CONNECTOR));
        // (upstream 9: tags, host lookup and create, connect, controllers, ports twice, interfaces, volume)
        // The four reads go out together, so their order varies; the writes follow them.
        assertThat(first).hasSize(6);
        assertThat(first.subList(0, 4)).containsExactlyInAnyOrder("GET volumes", "GET controllers", "GET ports",
                "GET hosts");
        assertThat(first.subList(4, 6)).containsExactly("POST hosts", "POST connections");
        ConnectionProperties.Iscsi before = (ConnectionProperties.Iscsi) backend.initializeConnection(v, CONNECTOR);
        assertThat(before.targetPortals()).hasSize(2);

        gonePorts.add("CT1.ETH4");
        ConnectionProperties.Iscsi after = (ConnectionProperties.Iscsi) backend.initializeConnection(v, CONNECTOR);
        assertThat(after.targetPortals()).hasSize(1).doesNotContainAnyElementsOf(
                before.targetPortals().subList(1, 2));
        assertThat(after.targetLuns()).isEqualTo(before.targetLuns().subList(0, 1));

        gonePorts.add("CT0.ETH4");
        assertThat(failure(() -> backend.initializeConnection(v, CONNECTOR), ErrorCode.FAILED_PRECONDITION).reason())
                .isEqualTo("NO_TARGET_PORTS");
    }

    @Test
    void detachDeletesTheDriverMadeHostWithoutListingItsConnections() {
        CinderVolume v = volume(1);
        CinderVolume other = volume(1);
        backend.createVolume(v);
        backend.createVolume(other);
        backend.initializeConnection(v, CONNECTOR);
        backend.initializeConnection(other, CONNECTOR);
        // The host still holds the other volume: the array refuses the delete and the host stays.
        assertThat(requests(() -> backend.terminateConnection(v, Optional.of(CONNECTOR))))
                .containsExactly("GET hosts", "DELETE connections", "DELETE hosts"); // (5)
        assertThat(client.listHosts()).hasSize(1);
        assertThat(client.listConnections(null, arrayName(other))).hasSize(1);
        // Its last volume goes: so does the host.
        backend.terminateConnection(other, Optional.of(CONNECTOR));
        assertThat(client.listHosts()).isEmpty();
        // Detaching again (a retry) finds no host and succeeds.
        assertThat(requests(() -> backend.terminateConnection(other, Optional.of(CONNECTOR))))
                .containsExactly("GET hosts");
    }

    // --- stats ------------------------------------------------------------------------------

    @Test
    void statsCountWithoutListingSoTheirRequestsDoNotGrowWithTheArray() {
        CinderVolume kept = volume(1);
        backend.createVolume(kept);
        backend.createSnapshot(snapshot(kept));
        for (int i = 0; i < 12; i++) {
            CinderVolume v = volume(1);
            backend.createVolume(v);
            backend.deleteVolume(v); // destroyed ones are listed by GET /volumes, not counted
        }
        var stats = new io.purebridge.engine.cinder.BackendStats[1];
        List<String> sent = requests(() -> stats[0] = backend.volumeStats());
        // (upstream 9 with replication, 7 without: space, performance, hosts, volumes, snapshots, ...)
        assertThat(sent).containsExactlyInAnyOrder("GET arrays/space", "GET volumes", "GET volume-snapshots",
                "GET hosts", "GET arrays/performance");
        assertThat(stats[0].totalVolumes()).isEqualTo(1);
        assertThat(stats[0].totalSnapshots()).isEqualTo(1);
        assertThat(stats[0].totalHosts()).isZero();
    }

    /** Records "METHOD resource" for every request, then sends it with the real client. */
    private static final class CountingHttpClient extends ForwardingHttpClient {
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());

        CountingHttpClient() {
            super(null);
        }

        @Override
        protected void beforeSend(HttpRequest request) {
            String path = request.uri().getPath();
            String resource = path.replaceFirst("^/api/(\\d+\\.\\d+/)?", "");
            if (!resource.equals("api_version") && !resource.equals("login") && !resource.equals("logout")) {
                sent.add(request.method() + " " + resource);
            }
        }
    }
}
