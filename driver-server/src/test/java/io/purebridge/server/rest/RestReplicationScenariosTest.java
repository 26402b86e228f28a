package io.purebridge.server.rest;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import io.purebridge.engine.replication.SimulatedReplicationWorld;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's replication scenarios with every control and metadata call of the array SPI and of
 * ReplicationArray going RestFlashArray -> HTTPS -> RestFrontEnd -> simulated arrays; bytes are
 * written, read and summed through the simulator's BlockDataAccess (REST has no data path) and the
 * operator controls (link, array, mediator, tick) are the host's own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestReplicationScenariosTest extends ReplicationScenarios {
    @TempDir
    Path dir;

    @Override
    protected ReplicationWorld newWorld() {
        return new RestWorld(dir);
    }

    static final class RestWorld extends SimulatedReplicationWorld {
        private final Path dir;
        private final Map<String, RestFlashArray> clients = new HashMap<>();
        private RestFrontEnd frontEnd;

        RestWorld(Path dir) {
            super(dir.resolve("arrays"));
            this.dir = dir;
            open();
        }

        @Override
        protected void openWiring() {
            frontEnd = new RestFrontEnd(RestFrontEndOptions.defaults(), clock);
            try {
                frontEnd.startSimulators(dir, host(), TOKENS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void closeWiring() {
            clients.values().forEach(RestFlashArray::close);
            clients.clear();
            frontEnd.stop();
        }

        @Override
        public synchronized ArrayUnderTest array(String name) {
            RestFlashArray rest = clients.computeIfAbsent(name, n -> {
                // One attempt: a stopped array's 503 must reach the scenario, not be retried.
                RestArrayConnector connector = new RestArrayConnector(
                        RestClientOptions.defaults().withRetries(1, Duration.ofMillis(1)), clock, ms -> { });
                return connector.connect(new ArrayEndpoint(frontEnd.sanIp(n), TOKENS.get(n), true,
                        frontEnd.certificatePem().toString()));
            });
            return new ArrayUnderTest(name, rest, simulated(name), rest);
        }
    }
}
