package io.purebridge.server;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayDirectory;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.server.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the engine the service drives. This is the one place where driver-server picks engine
 * implementations: the simulated arrays of the [arrays] section (persisted under
 * {@code <data_dir>/arrays/<name>/}) serve {@code sim://NAME}, the REST 2.x client every other
 * san_ip, and the Cinder backend registry sits on top of both.
 */
public final class EngineFactory {
    /** Sub-directory of data_dir holding one store per simulated array. */
    public static final String ARRAYS_DIR = "arrays";

    private EngineFactory() {
    }

    /**
     * The engine and what must be closed with it.
     *
     * @param simulatedArrays the simulated arrays hosted by this service (also served by the REST
     *     front end)
     * @param offloadTargets the configured offload targets (S3 buckets for snapshot offload)
     */
    public record Engine(BackendRegistry registry, SimulatedArrayHost simulatedArrays, OffloadTargets offloadTargets)
            implements AutoCloseable {
        public Engine {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(simulatedArrays, "simulatedArrays");
            Objects.requireNonNull(offloadTargets, "offloadTargets");
        }

        @Override
        public void close() {
            offloadTargets.close();
            simulatedArrays.close();
        }
    }

    public static Engine create(ServiceConfig config) {
        Duration eradicationDelay = Duration.ofSeconds(config.eradicationDelaySeconds());
        List<SimulatedArrayConfig> arrays = new ArrayList<>();
        for (Map.Entry<String, String> array : config.arrays().entrySet()) {
            arrays.add(new SimulatedArrayConfig(array.getKey(), array.getValue(),
                    SimulatedArrayConfig.DEFAULT_CAPACITY_BYTES, eradicationDelay));
        }
        Path arraysDir = config.dataDir().resolve(ARRAYS_DIR);
        SimulatedArrayHost host = new SimulatedArrayHost(arraysDir, arrays, Clock.systemUTC(),
                eradicationCheckPeriod(eradicationDelay));
        ArrayConnector connector = new ArrayDirectory(host, new RestArrayConnector());
        OffloadTargets offloadTargets = OffloadTargets.none();
        return new Engine(new ArrayBackendRegistry(connector, offloadTargets), host, offloadTargets);
    }

    /** Checks often enough that short test delays expire promptly, at most once a minute. */
    static Duration eradicationCheckPeriod(Duration eradicationDelay) {
        long seconds = Math.max(1, Math.min(60, eradicationDelay.toSeconds() / 10));
        return Duration.ofSeconds(seconds);
    }
}
