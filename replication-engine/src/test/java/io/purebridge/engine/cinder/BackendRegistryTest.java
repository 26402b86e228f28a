package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.baseOptions;
import static io.purebridge.engine.cinder.CinderFixture.config;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Registration checks, all-or-nothing, replacement, unknown backends. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BackendRegistryTest {
    private final CinderFixture fixture = new CinderFixture();
    private final InMemoryFlashArray dr = fixture.connector.addArray("pure-dr", "dr-token");

    private static Map<String, String> drDevice(String token) {
        return Map.of("backend_id", "dr", "san_ip", "sim://pure-dr", "api_token", token);
    }

    @Test
    void unknownBackendIsAPrecondition() {
        assertThat(failure(() -> fixture.registry.backend("nope"), ErrorCode.FAILED_PRECONDITION).reason())
                .isEqualTo("BACKEND_NOT_REGISTERED");
    }

    @Test
    void registerReportsTheArray() {
        RegisteredBackend registered = fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(),
                List.of(drDevice("dr-token"))));
        assertThat(registered.arrayName()).isEqualTo("pure-primary");
        assertThat(registered.arrayId()).isEqualTo(fixture.array.arrayInfo().id());
        assertThat(registered.activeBackendId()).isEmpty();
    }

    @Test
    void wrongTokensAndUnknownArraysKeepNothing() {
        var badPrimary = baseOptions();
        badPrimary.put("pure_api_token", "wrong-secret");
        EngineException error = failure(() -> fixture.registry.register(config(StorageProtocol.ISCSI, badPrimary,
                List.of())), ErrorCode.UNAUTHENTICATED);
        assertThat(error.getMessage()).doesNotContain("wrong-secret");

        error = failure(() -> fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(),
                List.of(drDevice("wrong-secret")))), ErrorCode.UNAUTHENTICATED);
        assertThat(error.getMessage()).contains("dr").doesNotContain("wrong-secret");

        var unknown = baseOptions();
        unknown.put("san_ip", "sim://nowhere");
        failure(() -> fixture.registry.register(config(StorageProtocol.ISCSI, unknown, List.of())), ErrorCode.NOT_FOUND);

        failure(() -> fixture.registry.backend("puredriver-1"), ErrorCode.FAILED_PRECONDITION);
    }

    @Test
    void unreachableTargetIsSkippedUnlessItIsServing() {
        fixture.connector.setUnreachable("sim://pure-dr", true);
        RegisteredBackend registered = fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(),
                List.of(drDevice("dr-token"))));
        assertThat(registered.arrayName()).isEqualTo("pure-primary");
        assertThat(fixture.registry.backend("puredriver-1").backendName()).isEqualTo("puredriver-1");
        // Stats name only the targets reached, as upstream's replication_targets does.
        BackendStats stats = fixture.registry.backend("puredriver-1").volumeStats();
        assertThat(stats.replicationEnabled()).isTrue();
        assertThat(stats.replicationCount()).isZero();
        assertThat(stats.replicationTargets()).isEmpty();

        fixture.connector.setUnreachable("sim://pure-dr", false);
        fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(), List.of(drDevice("dr-token"))));
        assertThat(fixture.registry.backend("puredriver-1").volumeStats().replicationTargets()).containsExactly("dr");

        fixture.connector.setUnreachable("sim://pure-dr", true);
        BackendConfig failedOver = new BackendConfig("puredriver-1", StorageProtocol.ISCSI, baseOptions(),
                List.of(drDevice("dr-token")), "dr");
        EngineException error = failure(() -> fixture.registry.register(failedOver), ErrorCode.UNAVAILABLE);
        assertThat(error.getMessage()).contains("replication_device 'dr'");
    }

    @Test
    void targetThatIsThePrimaryUnderAnotherAddressIsRejected() {
        fixture.connector.add("10.0.0.5", CinderFixture.TOKEN, fixture.array);
        EngineException error = failure(() -> fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(),
                List.of(Map.of("backend_id", "loop", "san_ip", "10.0.0.5", "api_token", CinderFixture.TOKEN)))),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("replication_device").contains("loop");
    }

    @Test
    void failedReRegistrationKeepsTheOldOneAndGoodOneReplacesIt() {
        fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(), List.of()));
        CinderBackend first = fixture.registry.backend("puredriver-1");
        var bad = baseOptions();
        bad.put("reserved_percentage", "500");
        failure(() -> fixture.registry.register(config(StorageProtocol.ISCSI, bad, List.of())), ErrorCode.INVALID_ARGUMENT);
        assertThat(fixture.registry.backend("puredriver-1")).isSameAs(first);

        var changed = baseOptions();
        changed.put("reserved_percentage", "5");
        fixture.registry.register(config(StorageProtocol.ISCSI, changed, List.of()));
        assertThat(fixture.registry.backend("puredriver-1")).isNotSameAs(first);
        assertThat(fixture.registry.backend("puredriver-1").volumeStats().reservedPercentage()).isEqualTo(5);
    }

    @Test
    void failedOverBackendServesTheTargetArray() {
        RegisteredBackend registered = fixture.registry.register(new BackendConfig("puredriver-1",
                StorageProtocol.ISCSI, baseOptions(), List.of(drDevice("dr-token")), "dr"));
        assertThat(registered.arrayName()).isEqualTo("pure-dr");
        assertThat(registered.activeBackendId()).isEqualTo("dr");
        CinderVolume volume = volume(1);
        fixture.registry.backend("puredriver-1").createVolume(volume);
        assertThat(dr.findVolume(CinderFixture.arrayName(volume))).isPresent();
        assertThat(fixture.array.listVolumes()).isEmpty();
    }

    @Test
    void replicatedTypeWithDevicesIsNotBuiltYet() {
        fixture.registry.register(config(StorageProtocol.ISCSI, baseOptions(), List.of(drDevice("dr-token"))));
        CinderBackend backend = fixture.registry.backend("puredriver-1");
        CinderVolume replicated = CinderFixture.withSpecs(volume(1),
                Map.of("replication_enabled", "<is> True", "replication_type", "<in> sync"));
        EngineException error = failure(() -> backend.createVolume(replicated), ErrorCode.UNIMPLEMENTED);
        assertThat(error.reason()).isEqualTo("REPLICATION_NOT_BUILT");
        assertThat(error.getMessage()).contains(replicated.id()).contains("sync");
        assertThat(fixture.array.listVolumes()).isEmpty();
    }

    @Test
    void concurrentRegistrationsAndCallsAreSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "backend-" + i;
                futures.add(pool.submit(() -> {
                    fixture.registry.register(new BackendConfig(name, StorageProtocol.ISCSI, baseOptions(), List.of(), ""));
                    fixture.registry.backend(name).createVolume(volume(1));
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fixture.array.listVolumes()).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(fixture.registry.backend("backend-" + i).backendName()).isEqualTo("backend-" + i);
        }
    }
}
