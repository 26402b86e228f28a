package io.purebridge.server.testing;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.purebridge.server.security.BackendCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole gRPC stack (adapter, interceptor, health) on an in-process transport with a direct
 * executor, over a {@link FakeBackendRegistry}. Close it in {@code @AfterEach}.
 */
public final class InProcessService implements AutoCloseable {
    public static final String BACKEND = "puredriver-1";

    public final FakeBackendRegistry registry = new FakeBackendRegistry();
    public final FakeCinderBackend backend = registry.add(BACKEND);
    public final MetricRegistry metrics = new MetricRegistry();
    public final PurebridgeServer server;
    public final ManagedChannel channel;
    public final VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub stub;

    public InProcessService() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = new PurebridgeServer(
                List.of(Listener.of(InProcessServerBuilder.forName(name).directExecutor(), "in-process:" + name)),
                registry, metrics).start();
        // The backend's calls carry its credential, as the shim's do after RegisterBackend.
        Metadata credential = new Metadata();
        credential.put(BackendCredentials.HEADER, server.credentials().issue(BACKEND, "sim://fake"));
        channel = InProcessChannelBuilder.forName(name).directExecutor()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(credential)).build();
        stub = VolumeDriverServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
