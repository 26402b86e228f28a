package io.purebridge.server;

import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.grpc.ArrayOpener;
import java.util.Objects;

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

    public static Engine create(ServiceConfig config) {
        // >>> ENGINE WIRING: replace with the sim host (io.purebridge.engine.sim) as ArrayConnector and
        // >>> the cinder BackendRegistry implementation once they are merged into main.
        return new Engine(new NotWiredRegistry(), () -> { });
    }

    /** Answers every call with UNIMPLEMENTED until the engine is wired. */
    private static final class NotWiredRegistry implements BackendRegistry {
        @Override
        public RegisteredBackend register(BackendConfig config) {
            throw notWired();
        }

        @Override
        public CinderBackend backend(String backendName) {
            throw notWired();
        }

        private static EngineException notWired() {
            return new EngineException(ErrorCode.UNIMPLEMENTED, "ENGINE_NOT_WIRED",
                    "this purebridge build has no engine wired in; use a build that includes the engine");
        }
    }
}
