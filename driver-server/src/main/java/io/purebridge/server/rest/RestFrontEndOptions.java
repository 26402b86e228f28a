package io.purebridge.server.rest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the REST front end.
 *
 * @param bindAddress address every array's port listens on, e.g. "127.0.0.1" or "0.0.0.0"
 * @param fixedPorts array name to port; arrays not listed reuse the port they had last time
 *     (kept in the data directory) or take a free one
 * @param sessionIdleTimeout a session token unused this long stops working (401)
 * @param eradicationDelayMs how long destroyed objects wait, for {@code time_remaining}
 * @param limits what one client may cost: body size and deadline, idle timeout, connections
 */
public record RestFrontEndOptions(String bindAddress, Map<String, Integer> fixedPorts, Duration sessionIdleTimeout,
        long eradicationDelayMs, RestLimits limits) {
    public RestFrontEndOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        fixedPorts = Map.copyOf(fixedPorts);
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(limits, "limits");
    }

    /** With the default {@link RestLimits}. */
    public RestFrontEndOptions(String bindAddress, Map<String, Integer> fixedPorts, Duration sessionIdleTimeout,
            long eradicationDelayMs) {
        this(bindAddress, fixedPorts, sessionIdleTimeout, eradicationDelayMs, RestLimits.defaults());
    }

    public static RestFrontEndOptions defaults() {
        return new RestFrontEndOptions("127.0.0.1", Map.of(), Duration.ofMinutes(30), 86_400_000L);
    }

    public RestFrontEndOptions withLimits(RestLimits newLimits) {
        return new RestFrontEndOptions(bindAddress, fixedPorts, sessionIdleTimeout, eradicationDelayMs, newLimits);
    }
}
