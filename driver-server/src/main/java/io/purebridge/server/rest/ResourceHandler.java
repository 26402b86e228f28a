package io.purebridge.server.rest;

/**
 * Serves one REST collection (e.g. {@code volumes}) for every HTTP method it supports. New
 * collections (pods, protection-groups, array-connections, offloads) plug in through
 * {@link RestRoutes#register}.
 */
@FunctionalInterface
interface ResourceHandler {
    /**
     * @throws FaRestError for a request the array rejects (400) or a method it lacks (405)
     * @throws io.purebridge.engine.error.EngineException from the array; the caller maps it
     */
    Reply handle(RestCall call, ArrayContext ctx);

    static FaRestError methodNotAllowed(RestCall call) {
        return new FaRestError(405, null, "Method " + call.method() + " is not supported on /" + call.resource() + ".");
    }
}
