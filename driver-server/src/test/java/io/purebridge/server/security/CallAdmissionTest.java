package io.purebridge.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.grpc.RpcMetricsInterceptor;
import io.purebridge.server.grpc.StatusMapper;
import io.purebridge.server.grpc.VolumeDriverGrpcService;
import io.purebridge.server.testing.Credentials;
import io.purebridge.server.testing.FakeCinderBackend;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.GetVolumeStatsResponse;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The issue's flood: 2,000 concurrent calls while every admitted call is stuck in the engine.
 * The service answers the excess at once with RESOURCE_EXHAUSTED and a message saying what to do,
 * keeps its thread count, and answers normally once the engine moves again. A status message
 * that echoes a 100,000-character name is cut to a size every client accepts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallAdmissionTest {
    private static final String BACKEND = "puredriver-1";

    /** A backend registry whose lookups wait until the test lets them go. */
    private static final class StuckRegistry implements BackendRegistry {
        final CountDownLatch release = new CountDownLatch(1);
        final FakeCinderBackend backend = new FakeCinderBackend(BACKEND);

        @Override
        public RegisteredBackend register(BackendConfig config) {
            return new RegisteredBackend("pure-primary", "id", "");
        }

        @Override
        public CinderBackend backend(String backendName) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return backend;
        }
    }

    @Test
    void twoThousandConcurrentCallsAreRefusedAtOnceNotQueuedOnThreads() throws Exception {
        StuckRegistry registry = new StuckRegistry();
        CallAdmission admission = new CallAdmission(4, 16);
        String name = InProcessServerBuilder.generateName();
        PurebridgeServer server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name), name)),
                new VolumeDriverGrpcService(registry, new StatusMapper()), new RpcMetricsInterceptor(new MetricRegistry()),
                List.of(), admission).start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        int threadsBefore = Thread.activeCount();
        try {
            var stub = Credentials.with(VolumeDriverServiceGrpc.newStub(channel),
                    server.credentials().issue(BACKEND, "sim://pure-primary")).withDeadlineAfter(40, TimeUnit.SECONDS);
            Map<Status.Code, AtomicInteger> refused = new ConcurrentHashMap<>();
            Map<String, Boolean> messages = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(2_000);
            for (int i = 0; i < 2_000; i++) {
                stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName(BACKEND).build(),
                        new StreamObserver<GetVolumeStatsResponse>() {
                            @Override
                            public void onNext(GetVolumeStatsResponse value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                                Status s = Status.fromThrowable(t);
                                refused.computeIfAbsent(s.getCode(), c -> new AtomicInteger()).incrementAndGet();
                                messages.put(String.valueOf(s.getDescription()), true);
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
            }
            // Everything past the 16 admitted is answered while the 16 are still stuck.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (done.getCount() > 16 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(done.getCount()).as("calls still waiting while the engine is stuck").isEqualTo(16);
            assertThat(refused.get(Status.Code.RESOURCE_EXHAUSTED).get()).isEqualTo(1_984);
            assertThat(messages.keySet()).allMatch(m -> m.contains("busy") && m.contains("Retry"));
            assertThat(admission.threads()).isLessThanOrEqualTo(4);
            assertThat(Thread.activeCount() - threadsBefore).isLessThan(50);

            registry.release.countDown();
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            // The 16 admitted calls reached the engine (the fake has no stats to give: any answer
            // but RESOURCE_EXHAUSTED will do), the rest never did.
            assertThat(registry.backend.calls()).hasSize(16);
            assertThat(refused.get(Status.Code.RESOURCE_EXHAUSTED).get()).isEqualTo(1_984);
            assertThat(admission.admitted()).isZero();
            // And the next caller is served normally.
            var blocking = Credentials.with(VolumeDriverServiceGrpc.newBlockingStub(channel),
                    server.credentials().issue(BACKEND, "sim://pure-primary")).withDeadlineAfter(10, TimeUnit.SECONDS);
            try {
                blocking.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName(BACKEND).build());
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            }
            assertThat(registry.backend.calls()).hasSize(17);
        } finally {
            registry.release.countDown();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStatusEchoingAHundredThousandCharacterNameIsCut() {
        String huge = "x".repeat(100_000);
        StatusRuntimeException e = new StatusMapper().toStatus("CreateVolume",
                io.purebridge.engine.error.EngineException.invalidArgument("NAME_TOO_LONG", "Invalid volume.name '"
                        + huge + "'"));
        assertThat(e.getStatus().getDescription()).hasSizeLessThanOrEqualTo(StatusMapper.MAX_MESSAGE)
                .startsWith("Invalid volume.name 'xxx").endsWith("(100022 characters)");
        StatusRuntimeException passed = new StatusMapper().toStatus("CreateVolume",
                Status.INVALID_ARGUMENT.withDescription(huge).asRuntimeException());
        assertThat(passed.getStatus().getDescription()).hasSizeLessThanOrEqualTo(StatusMapper.MAX_MESSAGE);
    }
}
