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

    /**
     * The id of the primary array {@code config} names, after logging in to it with the section's
     * token; nothing is registered. Lets the service recognise the same array reached at another
     * address (sim:// or its REST front end, a new IP) before it replaces a registration.
     *
     * @throws io.purebridge.engine.error.EngineException as {@link #register} for the primary
     * @throws UnsupportedOperationException when this registry cannot tell
     */
    default String primaryArrayId(BackendConfig config) {
        throw new UnsupportedOperationException("primaryArrayId");
    }
}
