package io.purebridge.server;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayDirectory;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.offload.OffloadJobs;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.server.config.ConfigKeys;
import io.purebridge.server.config.S3ServerConfig;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.s3.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
     * @param offloadJobs background offloads, restores and verifies over those targets
     * @param s3 the embedded S3 server when [s3] is enabled
     */
    public record Engine(BackendRegistry registry, SimulatedArrayHost simulatedArrays, OffloadTargets offloadTargets,
            OffloadJobs offloadJobs, Optional<EmbeddedS3Server> s3) implements AutoCloseable {
        public Engine {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(simulatedArrays, "simulatedArrays");
            Objects.requireNonNull(offloadTargets, "offloadTargets");
            Objects.requireNonNull(offloadJobs, "offloadJobs");
            Objects.requireNonNull(s3, "s3");
        }

        public Engine(BackendRegistry registry, SimulatedArrayHost simulatedArrays, OffloadTargets offloadTargets) {
            this(registry, simulatedArrays, offloadTargets, new OffloadJobs(offloadTargets, Clock.systemUTC()),
                    Optional.empty());
        }

        /** Jobs first (they use the targets), then the targets, the S3 server they may use, the arrays. */
        @Override
        public void close() {
            offloadJobs.close();
            offloadTargets.close();
            s3.ifPresent(EmbeddedS3Server::close);
            simulatedArrays.close();
        }
    }

    /**
     * Builds the engine; starts the embedded S3 server first when [s3] is enabled (with no
     * [offload.NAME] section it becomes target {@value ConfigKeys.S3#TARGET_NAME}).
     */
    public static Engine create(ServiceConfig config) throws IOException {
        Optional<EmbeddedS3Server> s3 = Optional.empty();
        List<OffloadTarget> targets = new ArrayList<>(config.offload().targets());
        S3ServerConfig s3Config = config.offload().s3();
        if (s3Config.enabled()) {
            EmbeddedS3Server server = EmbeddedS3Server.start(config.dataDir(), s3Config);
            s3 = Optional.of(server);
            if (targets.isEmpty()) {
                try {
                    server.ensureBucket(s3Config.bucket());
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
                targets.add(server.target(ConfigKeys.S3.TARGET_NAME, s3Config.bucket()));
            }
        }
        try {
            return create(config, targets, s3);
        } catch (RuntimeException e) {
            s3.ifPresent(EmbeddedS3Server::close);
            throw e;
        }
    }

    private static Engine create(ServiceConfig config, List<OffloadTarget> targets, Optional<EmbeddedS3Server> s3) {
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
        // Secrets are read from the environment or files when a target connects, never kept in config.
        OffloadTargets offloadTargets = new OffloadTargets(targets, System.getenv(), Clock.systemUTC());
        return new Engine(new ArrayBackendRegistry(connector, offloadTargets), host, offloadTargets,
                new OffloadJobs(offloadTargets, Clock.systemUTC()), s3);
    }

    /** Checks often enough that short test delays expire promptly, at most once a minute. */
    static Duration eradicationCheckPeriod(Duration eradicationDelay) {
        long seconds = Math.max(1, Math.min(60, eradicationDelay.toSeconds() / 10));
        return Duration.ofSeconds(seconds);
    }
}
