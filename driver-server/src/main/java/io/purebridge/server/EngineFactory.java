package io.purebridge.server;

import io.purebridge.engine.array.ArrayDirectory;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.grpc.ArrayOpener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the engine the service drives: the array connector (simulated arrays hosted here, REST
 * for real arrays) and the backend registry on top of it. This is the one place where driver-server
 * picks engine implementations.
 */
public final class EngineFactory {
    private EngineFactory() {
    }

    /**
     * The engine and what must be closed with it (e.g. the simulated arrays' stores).
     *
     * @param arrays opens hosted simulated arrays for ArrayAdminService ({@code SimulatedArrayHost::open})
     */
    public record Engine(BackendRegistry registry, AutoCloseable resources, ArrayOpener arrays) implements AutoCloseable {
        public Engine {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(resources, "resources");
            Objects.requireNonNull(arrays, "arrays");
        }

        /** An engine hosting no simulated arrays. */
        public Engine(BackendRegistry registry, AutoCloseable resources) {
            this(registry, resources, (name, token) -> {
                throw EngineException.notFound("ARRAY_NOT_FOUND", "Simulated array '" + name
                        + "' does not exist; this service hosts no simulated arrays.");
            });
        }

        @Override
        public void close() throws Exception {
            resources.close();
        }
    }

    /**
     * The simulated arrays of the config's [arrays] section (each under {@code dataDir/arrays/<name>/},
     * destroyed objects eradicated by a background check every minute), composed with the REST 2.x
     * connector for real arrays, under the Cinder backend registry.
     */
    public static Engine create(ServiceConfig config) {
        List<SimulatedArrayConfig> arrays = new ArrayList<>();
        new TreeMap<>(config.arrays()).forEach((name, token) -> arrays.add(new SimulatedArrayConfig(name, token,
                SimulatedArrayConfig.DEFAULT_CAPACITY_BYTES, Duration.ofSeconds(config.eradicationDelaySeconds()))));
        SimulatedArrayHost host = new SimulatedArrayHost(config.dataDir().resolve("arrays"), arrays, Clock.systemUTC(),
                Duration.ofMinutes(1));
        BackendRegistry registry = new ArrayBackendRegistry(new ArrayDirectory(host, new RestArrayConnector()));
        return new Engine(registry, host, host::open);
    }
}
