package io.purebridge.server.rest;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The REST binding of the engine's contract tests: a simulated array behind the front end, driven by
 * RestFlashArray with the certificate verified against the front end's CA bundle. Small pages and
 * quick retries so paging and retry paths run too.
 */
final class RestContractArray implements AutoCloseable {
    private static final String NAME = "contract";
    private static final String TOKEN = "contract-api-token";

    private final SimulatedFlashArray sim;
    private final RestFrontEnd frontEnd;
    private final RestFlashArray client;

    RestContractArray(Path dir) {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of(NAME, TOKEN), dir.resolve(NAME), Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        try {
            frontEnd.startWith(dir, Map.of(NAME, sim), Map.of(NAME, TOKEN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestClientOptions options = RestClientOptions.defaults().withPageSize(3).withRetries(2, Duration.ofMillis(1));
        client = new RestArrayConnector(options, Clock.systemUTC(), ms -> { }).connect(new ArrayEndpoint(
                frontEnd.sanIp(NAME), TOKEN, true, frontEnd.certificatePem().toString()));
    }

    RestFlashArray client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        frontEnd.stop();
        sim.close();
    }
}
