package io.purebridge.engine.array;

/**
 * Opens a session to an array. The service has one connector that sends {@code sim://} endpoints to
 * its simulated arrays and every other san_ip to the REST 2.x client.
 */
@FunctionalInterface
public interface ArrayConnector {
    /**
     * Returns a session to the array, after checking its API token.
     *
     * @throws io.purebridge.engine.error.EngineException UNAUTHENTICATED for a refused token,
     *     NOT_FOUND for an unknown simulated array, UNAVAILABLE when the array does not answer
     */
    FlashArray connect(ArrayEndpoint endpoint);
}
