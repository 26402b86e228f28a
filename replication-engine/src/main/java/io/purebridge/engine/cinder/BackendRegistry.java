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
     * Cinder's failover or failback ({@code secondary_id == "default"}) of a registered backend's
     * volumes; the backend keeps serving from where it was until it is registered with the new active_backend_id.
     *
     * @throws io.purebridge.engine.error.EngineException FAILED_PRECONDITION with reason
     *     INVALID_REPLICATION_TARGET (unknown backend_id, failback while not failed over) or
     *     FAILOVER_REFUSED (nothing replicated, an array down, a pod not online); nothing changed
     */
    default FailoverResult failover(String backendName, FailoverRequest request) {
        throw new io.purebridge.engine.error.EngineException(io.purebridge.engine.error.ErrorCode.UNIMPLEMENTED,
                "FAILOVER_NOT_SUPPORTED", "Backend " + backendName + " cannot fail over in this service.");
    }

    /** Every registered backend's arrays and replication objects, by backend name. */
    default java.util.List<BackendSummary> backendSummaries() {
        return java.util.List.of();
    }

    /** DR drills (test copies on a replication target) for a registered backend. */
    default DrTest drTest(String backendName) {
        throw new io.purebridge.engine.error.EngineException(io.purebridge.engine.error.ErrorCode.UNIMPLEMENTED,
                "DR_TEST_NOT_SUPPORTED", "Backend " + backendName + " cannot run DR tests in this service.");
    }

    /**
     * The array a registered backend writes now (its primary, or the replication target it is failed
     * over to, a FlashArray over REST included), for an administrator's restore into it; after
     * checking that {@code apiToken} is that array's token in the backend's section.
     *
     * @throws io.purebridge.engine.error.EngineException FAILED_PRECONDITION (BACKEND_NOT_REGISTERED)
     *     or UNAUTHENTICATED (INVALID_API_TOKEN)
     */
    default io.purebridge.engine.array.FlashArray activeArray(String backendName, String apiToken) {
        throw new io.purebridge.engine.error.EngineException(io.purebridge.engine.error.ErrorCode.UNIMPLEMENTED,
                "BACKEND_ARRAY_NOT_SUPPORTED", "Backend " + backendName + "'s array cannot be reached for"
                        + " administration in this service.");
    }

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
