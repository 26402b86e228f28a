package io.purebridge.engine.array;

import java.util.Objects;

/**
 * The service's one connector: {@code sim://NAME} endpoints go to the simulated arrays hosted by
 * this service, every other san_ip to the REST 2.x connector.
 */
public final class ArrayDirectory implements ArrayConnector {
    private final ArrayConnector simulated;
    private final ArrayConnector remote;

    /**
     * @param simulated serves {@code sim://} endpoints (the simulated array host)
     * @param remote serves every other endpoint (the REST 2.x client)
     */
    public ArrayDirectory(ArrayConnector simulated, ArrayConnector remote) {
        this.simulated = Objects.requireNonNull(simulated, "simulated");
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    @Override
    public FlashArray connect(ArrayEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return endpoint.isSimulated() ? simulated.connect(endpoint) : remote.connect(endpoint);
    }
}
