package io.purebridge.server.rest;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeGroupsQosTagsContractTest;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volume QoS, groups and tags through the whole REST path: RestFlashArray -> HTTPS (certificate
 * verified against the front end's CA bundle) -> RestFrontEnd -> SimulatedFlashArray.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestVolumeGroupsQosTagsContractTest extends VolumeGroupsQosTagsContractTest {
    private static final String TOKEN = "contract-api-token";

    @TempDir
    Path dir;
    private SimulatedFlashArray sim;
    private RestFrontEnd frontEnd;
    private RestFlashArray client;

    @Override
    protected FlashArray newArray() {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of("contract", TOKEN), dir.resolve("contract"),
                Clock.systemUTC());
        frontEnd = new RestFrontEnd();
        try {
            frontEnd.startWith(dir, Map.of("contract", sim), Map.of("contract", TOKEN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestClientOptions options = RestClientOptions.defaults().withPageSize(3).withRetries(2, Duration.ofMillis(1));
        client = new RestArrayConnector(options, Clock.systemUTC(), ms -> { }).connect(new ArrayEndpoint(
                frontEnd.sanIp("contract"), TOKEN, true, frontEnd.certificatePem().toString()));
        return client;
    }

    @AfterEach
    void closeArray() {
        client.close();
        frontEnd.stop();
        sim.close();
    }
}
