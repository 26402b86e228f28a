package io.purebridge.server.rest;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    static final class RestWorld implements ReplicationWorld {
        static final Map<String, String> TOKENS = new LinkedHashMap<>();

        static {
            TOKENS.put("pure-a", "tok-a-0123456789");
            TOKENS.put("pure-b", "tok-b-0123456789");
            TOKENS.put("pure-c", "tok-c-0123456789");
        }

        private final Path dir;
        private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        private final Map<String, RestFlashArray> clients = new HashMap<>();
        private SimulatedArrayHost host;
        private RestFrontEnd frontEnd;

        RestWorld(Path dir) {
            this.dir = dir;
            open();
        }

        private void open() {
            host = new SimulatedArrayHost(dir.resolve("arrays"), TOKENS.entrySet().stream()
                    .map(e -> SimulatedArrayConfig.of(e.getKey(), e.getValue())).toList(), clock);
            frontEnd = new RestFrontEnd(RestFrontEndOptions.defaults(), clock);
            try {
                frontEnd.startSimulators(dir, host, TOKENS);
            } catch (IOException e) {
                host.close();
                throw new UncheckedIOException(e);
            }
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
            SimulatedFlashArray sim = host.open(name, TOKENS.get(name));
            return new ArrayUnderTest(name, rest, sim, rest);
        }

        @Override
        public ReplicationControls controls() {
            return host.replication();
        }

        @Override
        public void advanceClock(Duration d) {
            clock.advance(d);
        }

        @Override
        public List<String> consistencyProblems() {
            return host.checkConsistency();
        }

        @Override
        public long nowMillis() {
            return clock.millis();
        }

        @Override
        public synchronized void restart() {
            close();
            open();
        }

        @Override
        public synchronized void close() {
            clients.values().forEach(RestFlashArray::close);
            clients.clear();
            frontEnd.stop();
            host.close();
        }
    }
}
