package io.purebridge.engine.rest;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.Objects;

/**
 * Connects to real arrays (and simulated arrays behind the REST front end) at
 * {@code https://<san_ip>}; san_ip may carry a port ("10.0.0.5:8443"). Negotiates the REST
 * version and logs in before returning, so a bad token or address fails here.
 * {@code sim://} endpoints are not served here: compose with the simulator host through
 * {@link io.purebridge.engine.array.ArrayDirectory}. Sessions made here share their
 * connections when their TLS settings match ({@link RestHttpClients}).
 */
public final class RestArrayConnector implements ArrayConnector {
    private final RestClientOptions options;
    private final Clock clock;
    private final RestSession.Sleeper sleeper;
    private final RestHttpClients clients;

    public RestArrayConnector(RestClientOptions options, Clock clock, RestSession.Sleeper sleeper) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clients = new RestHttpClients(options);
    }

    public RestArrayConnector() {
        this(RestClientOptions.defaults(), Clock.systemUTC(), Thread::sleep);
    }

    @Override
    public RestFlashArray connect(ArrayEndpoint endpoint) {
        if (endpoint.isSimulated()) {
            throw EngineException.invalidArgument("NOT_A_REST_ENDPOINT", "san_ip " + endpoint.sanIp()
                    + " names a simulated array; the REST connector serves only real array addresses.");
        }
        RestSession session = new RestSession(endpoint, options, clients.forEndpoint(endpoint), sleeper);
        session.open();
        return new RestFlashArray(session, clock);
    }
}
