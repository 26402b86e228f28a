package io.purebridge.server.grpc;

import static io.purebridge.server.testing.InProcessService.BACKEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.testing.Credentials;
import io.purebridge.server.testing.FakeBackendRegistry;
import io.purebridge.server.testing.InProcessService;
import io.purebridge.server.testing.Requests;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RpcMetricsInterceptorTest {
    private InProcessService service;

    @BeforeEach
    void start() throws Exception {
        service = new InProcessService();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    private void createVolume() {
        service.stub.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                .setVolume(Requests.volume("v1")).build());
    }

    @Test
    void everyCallIsTimedAndFailuresAreCountedByCode() {
        createVolume();
        createVolume();
        service.backend.failWith(EngineException.notFound("VOLUME_NOT_FOUND", "volume v1 not found"));
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::createVolume);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        assertThat(service.metrics.timer("purebridge.rpc.CreateVolume.latency").getCount()).isEqualTo(3);
        assertThat(service.metrics.counter("purebridge.rpc.CreateVolume.errors").getCount()).isEqualTo(1);
        assertThat(service.metrics.counter("purebridge.rpc.CreateVolume.errors.NOT_FOUND").getCount()).isEqualTo(1);
        assertThat(service.metrics.getCounters()).doesNotContainKey("purebridge.rpc.CreateVolume.errors.OK");
    }

    @Test
    void elapsedTimeComesFromTheInjectedClock() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        AtomicLong now = new AtomicLong();
        // Each reading advances 5 ms: the call starts at one reading and closes at the next.
        RpcMetricsInterceptor interceptor = new RpcMetricsInterceptor(metrics, () -> now.addAndGet(5_000_000L));
        FakeBackendRegistry registry = new FakeBackendRegistry();
        registry.add(BACKEND);
        String name = InProcessServerBuilder.generateName();
        PurebridgeServer server = new PurebridgeServer(
                List.of(Listener.of(InProcessServerBuilder.forName(name).directExecutor(), name)),
                new VolumeDriverGrpcService(registry, new StatusMapper()), interceptor).start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            Credentials.with(VolumeDriverServiceGrpc.newBlockingStub(channel),
                    server.credentials().issue(BACKEND, "sim://fake")).deleteVolume(DeleteVolumeRequest.newBuilder()
                    .setBackendName(BACKEND).setVolume(Requests.volume("v1")).build());
        } finally {
            channel.shutdownNow();
            server.stop(5, TimeUnit.SECONDS);
        }

        Timer timer = metrics.timer(RpcMetricsInterceptor.latencyName("DeleteVolume"));
        assertThat(timer.getCount()).isEqualTo(1);
        assertThat(timer.getSnapshot().getMax()).isEqualTo(5_000_000L);
        assertThat(metrics.getCounters()).isEmpty();
    }
}
