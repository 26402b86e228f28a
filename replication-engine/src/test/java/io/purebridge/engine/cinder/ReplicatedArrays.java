package io.purebridge.engine.cinder;

import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Cinder-layer replication tests' world: three simulated arrays on one host (pure-a, the
 * primary; pure-b, the sync target "metro"; pure-c, the async target "dr") and a backend registry
 * over them with predictable host-name uuids and CHAP secrets.
 */
final class ReplicatedArrays implements AutoCloseable {
    static final String BACKEND = "puredriver-1";

    final SimulatedArrayHost host;
    final SimulatedFlashArray a;
    final SimulatedFlashArray b;
    final SimulatedFlashArray c;
    ArrayBackendRegistry registry;
    private final AtomicInteger uuids = new AtomicInteger();

    ReplicatedArrays(Path dir) {
        host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", "tok-a-0123456789"),
                SimulatedArrayConfig.of("pure-b", "tok-b-0123456789"), SimulatedArrayConfig.of("pure-c",
                        "tok-c-0123456789")), Clock.systemUTC());
        a = host.open("pure-a", "tok-a-0123456789");
        b = host.open("pure-b", "tok-b-0123456789");
        c = host.open("pure-c", "tok-c-0123456789");
        registry = newRegistry();
    }

    /** A fresh registry, as a restarted service has, which {@link #register} uses from now on. */
    ArrayBackendRegistry restartRegistry() {
        registry = newRegistry();
        return registry;
    }

    private ArrayBackendRegistry newRegistry() {
        return new ArrayBackendRegistry(host, () -> String.format("%032x", uuids.incrementAndGet()),
                () -> "chap-secret-0123456789");
    }

    /** pure-a's cinder.conf options, in a new map a test may add to. */
    static Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        o.put("san_ip", "sim://pure-a");
        o.put("pure_api_token", "tok-a-0123456789");
        o.put("volume_backend_name", BACKEND);
        o.put("pure_replica_interval_default", "600");
        return o;
    }

    /** The replication_device lines: metro (type sync) on pure-b, dr (async) on pure-c. */
    static List<Map<String, String>> devices() {
        return List.of(Map.of("backend_id", "metro", "san_ip", "sim://pure-b", "api_token", "tok-b-0123456789",
                "type", "sync"), Map.of("backend_id", "dr", "san_ip", "sim://pure-c", "api_token", "tok-c-0123456789"));
    }

    /** Registers the backend with these options and devices ("" or null: not failed over). */
    CinderBackend register(Map<String, String> options, List<Map<String, String>> devices, String activeBackendId) {
        registry.register(new BackendConfig(BACKEND, StorageProtocol.ISCSI, options, devices, activeBackendId));
        return registry.backend(BACKEND);
    }

    @Override
    public void close() {
        host.close();
    }
}
