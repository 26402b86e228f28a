package io.purebridge.server.rest;

/**
 * What one client may cost the REST front end. Every limit holds whatever the client sends or
 * withholds: bodies are counted as they stream in, slow bodies hold no thread and have a deadline,
 * idle connections are closed, and no remote address may hold more than its share of connections.
 *
 * @param maxBodyBytes largest request body, declared or chunked
 * @param bodyDeadlineMillis the whole body must arrive within this long after the headers
 * @param idleTimeoutMillis a connection with nothing sent or received for this long is closed
 *     (also the bound on a TLS handshake that never finishes)
 * @param maxConnectionsPerClient connections one remote address may hold open at once, over all
 *     served arrays; more are closed on accept
 * @param maxConnections connections over all clients; past it the service stops accepting until
 *     some close
 */
public record RestLimits(int maxBodyBytes, long bodyDeadlineMillis, long idleTimeoutMillis,
        int maxConnectionsPerClient, int maxConnections) {
    public RestLimits {
        positive(maxBodyBytes, "maxBodyBytes");
        positive(bodyDeadlineMillis, "bodyDeadlineMillis");
        positive(idleTimeoutMillis, "idleTimeoutMillis");
        positive(maxConnectionsPerClient, "maxConnectionsPerClient");
        positive(maxConnections, "maxConnections");
    }

    public static RestLimits defaults() {
        return new RestLimits(1 << 20, 10_000, 30_000, 128, 1024);
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
