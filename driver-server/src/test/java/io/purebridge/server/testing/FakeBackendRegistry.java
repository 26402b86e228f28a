package io.purebridge.server.testing;

import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Registers any backend as a {@link FakeCinderBackend}; unknown names fail as the real registry does. */
public final class FakeBackendRegistry implements BackendRegistry {
    private final Map<String, FakeCinderBackend> backends = new ConcurrentHashMap<>();
    private final List<BackendConfig> registrations = new ArrayList<>();
    private RuntimeException registerFailure;

    /** Adds a registered backend without going through RegisterBackend. */
    public FakeCinderBackend add(String backendName) {
        return backends.computeIfAbsent(backendName, FakeCinderBackend::new);
    }

    public synchronized List<BackendConfig> registrations() {
        return List.copyOf(registrations);
    }

    public synchronized void failRegisterWith(RuntimeException failure) {
        this.registerFailure = failure;
    }

    @Override
    public synchronized RegisteredBackend register(BackendConfig config) {
        if (registerFailure != null) {
            throw registerFailure;
        }
        registrations.add(config);
        add(config.backendName());
        String active = config.activeBackendId() == null || config.activeBackendId().isEmpty()
                ? config.backendName() : config.activeBackendId();
        return new RegisteredBackend("array-of-" + config.options().getOrDefault("san_ip", "?"),
                "id-" + config.backendName(), active);
    }

    @Override
    public CinderBackend backend(String backendName) {
        CinderBackend backend = backends.get(backendName);
        if (backend == null) {
            throw EngineException.failedPrecondition("BACKEND_NOT_REGISTERED",
                    "backend " + backendName + " is not registered; the driver registers it at do_setup");
        }
        return backend;
    }
}
