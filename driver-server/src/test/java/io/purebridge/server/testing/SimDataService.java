package io.purebridge.server.testing;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.purebridge.server.security.BackendCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.cinder.ArrayBackendRegistry;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.UnixSocketListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real stack for data tests: a simulated array (RocksDB in a temp dir), the Cinder backend
 * registry over it and the gRPC server with every service, reached in-process (with gRPC's own
 * executors, so flow control behaves as over a socket) or over a unix socket.
 */
public final class SimDataService implements AutoCloseable {
    public static final String ARRAY = "pure-primary";
    public static final String TOKEN = "s3cret-primary-token";
    public static final String BACKEND = "puredriver-1";

    public final SimulatedArrayHost host;
    public final ArrayBackendRegistry registry;
    public final PurebridgeServer server;
    /** In-process channel (carrying {@link #credential}); null when serving a unix socket. */
    public final ManagedChannel channel;
    /** The backend's call credential, as RegisterBackend would have issued it. */
    public final String credential;

    private SimDataService(Path dataDir, Listener listener, String inProcessName) throws IOException {
        host = new SimulatedArrayHost(dataDir, List.of(SimulatedArrayConfig.of(ARRAY, TOKEN)), Clock.systemUTC());
        registry = new ArrayBackendRegistry(host);
        server = new PurebridgeServer(List.of(listener), registry, host, new MetricRegistry()).start();
        credential = server.credentials().issue(BACKEND, "sim://" + ARRAY);
        channel = inProcessName == null ? null : InProcessChannelBuilder.forName(inProcessName)
                .intercept(withCredential()).build();
    }

    public static SimDataService inProcess(Path dataDir) throws IOException {
        String name = InProcessServerBuilder.generateName();
        return new SimDataService(dataDir, Listener.of(InProcessServerBuilder.forName(name), "in-process:" + name), name);
    }

    public static SimDataService unixSocket(Path dataDir, Path socket) throws IOException {
        return new SimDataService(dataDir, new UnixSocketListener(socket), null);
    }

    /** Attaches {@link #credential} to every call of a channel. */
    public ClientInterceptor withCredential() {
        Metadata headers = new Metadata();
        headers.put(BackendCredentials.HEADER, credential);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    public SimulatedFlashArray array() {
        return host.open(ARRAY, TOKEN);
    }

    /** Registers {@link #BACKEND} on the simulated array, as the shim's do_setup would. */
    public void registerBackend() {
        registry.register(new BackendConfig(BACKEND, StorageProtocol.ISCSI,
                Map.of("san_ip", "sim://" + ARRAY, "pure_api_token", TOKEN, "volume_backend_name", BACKEND),
                List.of(), ""));
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            server.stop(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            host.close();
        }
    }
}
