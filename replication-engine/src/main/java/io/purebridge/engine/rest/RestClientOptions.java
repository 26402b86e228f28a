package io.purebridge.engine.rest;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning for the REST client.
 *
 * @param maxVersion the newest REST version to negotiate
 * @param connectTimeout TCP and TLS connect timeout
 * @param requestTimeout time allowed for one HTTP exchange
 * @param maxAttempts attempts for a retryable call (1 = no retry)
 * @param initialBackoff wait before the first retry; doubles each time
 * @param pageSize items asked for per page when listing
 * @param maxRequestsInFlight requests one session has on the wire at once; more wait their turn.
 *     Each is one HTTPS connection, and arrays (the REST front end too) cap the connections one
 *     client may hold, so a burst of Cinder calls must not open one per caller
 */
public record RestClientOptions(
        RestApiVersion maxVersion,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        int pageSize,
        int maxRequestsInFlight) {
    public RestClientOptions {
        Objects.requireNonNull(maxVersion, "maxVersion");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        if (maxRequestsInFlight < 1) {
            throw new IllegalArgumentException("maxRequestsInFlight must be at least 1");
        }
    }

    public static RestClientOptions defaults() {
        return new RestClientOptions(RestApiVersion.IMPLEMENTED, Duration.ofSeconds(10), Duration.ofSeconds(60), 4,
                Duration.ofMillis(500), 500, 16);
    }

    public RestClientOptions withPageSize(int size) {
        return new RestClientOptions(maxVersion, connectTimeout, requestTimeout, maxAttempts, initialBackoff, size,
                maxRequestsInFlight);
    }

    public RestClientOptions withRetries(int attempts, Duration backoff) {
        return new RestClientOptions(maxVersion, connectTimeout, requestTimeout, attempts, backoff, pageSize,
                maxRequestsInFlight);
    }

    public RestClientOptions withMaxVersion(RestApiVersion version) {
        return new RestClientOptions(version, connectTimeout, requestTimeout, maxAttempts, initialBackoff, pageSize,
                maxRequestsInFlight);
    }

    public RestClientOptions withMaxRequestsInFlight(int requests) {
        return new RestClientOptions(maxVersion, connectTimeout, requestTimeout, maxAttempts, initialBackoff, pageSize,
                requests);
    }
}
