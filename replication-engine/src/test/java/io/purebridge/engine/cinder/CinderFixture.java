package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.InMemoryArrayConnector;
import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** One primary in-memory array, a registry over it, and Cinder objects to feed the backend. */
final class CinderFixture {
    static final String TOKEN = "primary-token";
    static final long GIB = 1L << 30;

    final InMemoryArrayConnector connector = new InMemoryArrayConnector();
    final InMemoryFlashArray array = connector.addArray("pure-primary", TOKEN);
    final AtomicInteger uuids = new AtomicInteger();
    final AtomicInteger secrets = new AtomicInteger();
    final ArrayBackendRegistry registry = new ArrayBackendRegistry(connector,
            () -> String.format("%032x", uuids.incrementAndGet()), () -> "chap-secret-" + secrets.incrementAndGet());

    static Map<String, String> baseOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("san_ip", "sim://pure-primary");
        options.put("pure_api_token", TOKEN);
        options.put("volume_backend_name", "puredriver-1");
        return options;
    }

    static BackendConfig config(StorageProtocol protocol, Map<String, String> options, List<Map<String, String>> devices) {
        return new BackendConfig("puredriver-1", protocol, options, devices, "");
    }

    CinderBackend backend(StorageProtocol protocol, Map<String, String> options) {
        registry.register(config(protocol, options, List.of()));
        return registry.backend("puredriver-1");
    }

    CinderBackend backend() {
        return backend(StorageProtocol.ISCSI, baseOptions());
    }

    static CinderVolume volume(long sizeGib) {
        String id = UUID.randomUUID().toString();
        return new CinderVolume(id, id, "volume-" + id, "", sizeGib, Map.of(), "");
    }

    static CinderVolume withSize(CinderVolume volume, long sizeGib) {
        return new CinderVolume(volume.id(), volume.nameId(), volume.name(), volume.providerId(), sizeGib,
                volume.extraSpecs(), volume.replicationStatus());
    }

    static CinderVolume withSpecs(CinderVolume volume, Map<String, String> specs) {
        return new CinderVolume(volume.id(), volume.nameId(), volume.name(), volume.providerId(), volume.sizeGib(),
                specs, volume.replicationStatus());
    }

    static CinderSnapshot snapshot(CinderVolume volume) {
        String id = UUID.randomUUID().toString();
        return new CinderSnapshot(id, "snapshot-" + id, "", volume, volume.sizeGib());
    }

    static String arrayName(CinderVolume volume) {
        return volume.name() + "-cinder";
    }

    static EngineException failure(ThrowingCallable call, ErrorCode code) {
        EngineException[] caught = new EngineException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class, e -> {
            caught[0] = e;
            org.assertj.core.api.Assertions.assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        });
        return caught[0];
    }
}
