package io.purebridge.server.replication;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's replication scenarios through the service: the operator controls (link, array,
 * mediator, heartbeat, pod/pg/network status) go through ReplicationAdminService and every byte
 * written, read or summed through ArrayAdminService, over gRPC with the service's real wiring
 * ({@link PurebridgeServer} over a {@link SimulatedArrayHost}). Pods and protection groups are
 * created through the engine objects: the service has no gRPC API for them (Cinder's registration
 * creates them in production). The host runs on a manual clock the test moves. The per-array
 * consistency check after each scenario stays in the engine's in-process binding (package-private).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GrpcReplicationScenariosTest extends ReplicationScenarios {
    @TempDir
    Path dir;

    @Override
    protected ReplicationWorld newWorld() {
        return new GrpcWorld(dir);
    }

    static final class GrpcWorld implements ReplicationWorld {
        static final Map<String, String> TOKENS = new LinkedHashMap<>();

        static {
            TOKENS.put("pure-a", "tok-a-0123456789");
            TOKENS.put("pure-b", "tok-b-0123456789");
            TOKENS.put("pure-c", "tok-c-0123456789");
        }

        private final Path dir;
        private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        private SimulatedArrayHost host;
        private PurebridgeServer server;
        private ManagedChannel channel;
        private ReplicationControls controls;

        GrpcWorld(Path dir) {
            this.dir = dir;
            open();
        }

        private void open() {
            host = new SimulatedArrayHost(dir, TOKENS.entrySet().stream()
                    .map(e -> SimulatedArrayConfig.of(e.getKey(), e.getValue())).toList(), clock);
            String name = InProcessServerBuilder.generateName();
            try {
                server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name),
                        "in-process:" + name)), new ArrayBackendRegistry(host), host, new MetricRegistry()).start();
            } catch (IOException e) {
                host.close();
                throw new UncheckedIOException(e);
            }
            channel = InProcessChannelBuilder.forName(name).build();
            controls = new GrpcReplicationControls(channel, TOKENS);
        }

        @Override
        public ArrayUnderTest array(String name) {
            SimulatedFlashArray a = host.open(name, TOKENS.get(name));
            return new ArrayUnderTest(name, a, new GrpcBlockData(channel, name, TOKENS.get(name)), a);
        }

        @Override
        public ReplicationControls controls() {
            return controls;
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
        public void restart() {
            close();
            open();
        }

        @Override
        public void close() {
            channel.shutdownNow();
            server.stop(0, TimeUnit.SECONDS);
            host.close();
        }
    }
}
