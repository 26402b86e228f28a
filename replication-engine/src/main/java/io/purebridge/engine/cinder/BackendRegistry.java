package io.purebridge.engine.cinder;

/**
 * The backends registered by cinder-volume hosts. Registration validates the whole section
 * (options, replication devices, tokens, reachability) before anything is kept, so a bad section
 * leaves no trace. Registering the same backend name again replaces the earlier registration.
 */
public interface BackendRegistry {

    /**
     * @throws io.purebridge.engine.error.EngineException INVALID_ARGUMENT naming the bad option,
     *     UNAUTHENTICATED, NOT_FOUND (unknown sim:// array), UNAVAILABLE
     */
    RegisteredBackend register(BackendConfig config);

    /**
     * @throws io.purebridge.engine.error.EngineException FAILED_PRECONDITION with reason
     *     {@code BACKEND_NOT_REGISTERED} when the backend is unknown (e.g. after a restart)
     */
    CinderBackend backend(String backendName);
}
