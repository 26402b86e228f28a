package io.purebridge.server.grpc;

import io.purebridge.engine.array.FlashArray;

/**
 * Opens a simulated array hosted by this service after checking its API token;
 * {@code SimulatedArrayHost::open} in the service.
 */
@FunctionalInterface
public interface ArrayOpener {
    /**
     * @throws io.purebridge.engine.error.EngineException NOT_FOUND (ARRAY_NOT_FOUND) or
     *     UNAUTHENTICATED (INVALID_API_TOKEN)
     */
    FlashArray open(String arrayName, String apiToken);
}
