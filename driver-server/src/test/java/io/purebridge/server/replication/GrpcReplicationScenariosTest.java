package io.purebridge.server.replication;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.replication.ReplicationScenarios;
import io.purebridge.engine.replication.ReplicationWorld;
import io.purebridge.engine.replication.SimulatedReplicationWorld;
import io.purebridge.engine.sim.ReplicationControls;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's replication scenarios through the service: the operator controls (link, array,
 * mediator, heartbeat, pod/pg/network status) go through ReplicationAdminService and every byte
 * written, read or summed through ArrayAdminService, over gRPC with the service's real wiring
 * ({@link PurebridgeServer} over a simulated array host). Pods and protection groups are
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

    static final class GrpcWorld extends SimulatedReplicationWorld {
        private PurebridgeServer server;
        private ManagedChannel channel;
        private ReplicationControls controls;

        GrpcWorld(Path dir) {
            super(dir);
            open();
        }

        @Override
        protected void openWiring() {
            String name = InProcessServerBuilder.generateName();
            try {
                server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name),
                        "in-process:" + name)), new ArrayBackendRegistry(host()), host(), new MetricRegistry()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            channel = InProcessChannelBuilder.forName(name).build();
            controls = new GrpcReplicationControls(channel, TOKENS);
        }

        @Override
        protected void closeWiring() {
            channel.shutdownNow();
            server.stop(0, TimeUnit.SECONDS);
        }

        @Override
        public ArrayUnderTest array(String name) {
            SimulatedFlashArray a = simulated(name);
            return new ArrayUnderTest(name, a, new GrpcBlockData(channel, name, TOKENS.get(name)), a);
        }

        @Override
        public ReplicationControls controls() {
            return controls;
        }
    }
}
