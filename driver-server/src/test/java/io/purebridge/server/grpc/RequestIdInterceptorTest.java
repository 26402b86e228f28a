package io.purebridge.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RequestInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.security.BackendCredentials;
import io.purebridge.server.testing.ErrorDetails;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/** The request id a caller sends is what the service's code sees, echoes and returns with errors. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestIdInterceptorTest {
    /** Remembers, for each lookup, the MDC and gRPC context ids the engine ran under; every backend is unknown. */
    private static final class WatchingRegistry implements BackendRegistry {
        final List<String> mdcIds = new ArrayList<>();
        final List<String> contextIds = new ArrayList<>();

        @Override
        public RegisteredBackend register(BackendConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized CinderBackend backend(String backendName) {
            mdcIds.add(MDC.get(RequestIdInterceptor.MDC_KEY));
            contextIds.add(RequestIdInterceptor.current());
            throw EngineException.failedPrecondition("BACKEND_NOT_REGISTERED", "Backend " + backendName
                    + " is not registered.");
        }
    }

    private final WatchingRegistry registry = new WatchingRegistry();
    private PurebridgeServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name), "in-process:" + name)),
                registry, new MetricRegistry()).start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5, TimeUnit.SECONDS);
    }

    /** Calls GetVolumeStats with {@code requestId} (null: none); returns the failure and the trailers. */
    private StatusRuntimeException call(String requestId, AtomicReference<Metadata> trailers) {
        Metadata headers = new Metadata();
        if (requestId != null) {
            headers.put(RequestIdInterceptor.HEADER, requestId);
        }
        AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
        // With puredriver-9's credential the call passes authentication and reaches the registry.
        headers.put(BackendCredentials.HEADER, server.credentials().issue("puredriver-9", "sim://pure-primary"));
        VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub stub = VolumeDriverServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers),
                        MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers));
        return catchThrowableOfType(StatusRuntimeException.class, () -> stub.getVolumeStats(
                GetVolumeStatsRequest.newBuilder().setBackendName("puredriver-9").build()));
    }

    private static RequestInfo requestInfo(StatusRuntimeException e) throws InvalidProtocolBufferException {
        for (Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
            if (detail.is(RequestInfo.class)) {
                return detail.unpack(RequestInfo.class);
            }
        }
        throw new AssertionError("no RequestInfo in " + StatusProto.fromThrowable(e));
    }

    @Test
    void cindersRequestIdReachesTheEngineThreadAndComesBackInTheErrorDetails() throws Exception {
        String id = "req-0f7d9c5e-2a41-4b8e-9d3c-6e1f2a3b4c5d";
        AtomicReference<Metadata> trailers = new AtomicReference<>();

        StatusRuntimeException failure = call(id, trailers);

        assertThat(registry.mdcIds).containsExactly(id);
        assertThat(registry.contextIds).containsExactly(id);
        assertThat(requestInfo(failure).getRequestId()).isEqualTo(id);
        assertThat(ErrorDetails.errorInfo(failure).getReason()).as("the error table's detail is kept")
                .isEqualTo("BACKEND_NOT_REGISTERED");
        assertThat(failure.getStatus().getDescription()).isEqualTo("Backend puredriver-9 is not registered.");
        assertThat(trailers.get().get(RequestIdInterceptor.HEADER)).isEqualTo(id);
        assertThat(MDC.get(RequestIdInterceptor.MDC_KEY)).as("nothing leaks into the caller's thread").isNull();
    }

    @Test
    void aCallWithoutOrWithAnUnusableIdGetsAFreshOne() throws Exception {
        StatusRuntimeException none = call(null, new AtomicReference<>());
        StatusRuntimeException unusable = call("req 1 \"quoted\" {}", new AtomicReference<>());

        assertThat(registry.mdcIds).hasSize(2).allMatch(id -> id.matches("req-[0-9a-f-]{36}"));
        assertThat(registry.mdcIds.get(0)).isNotEqualTo(registry.mdcIds.get(1));
        assertThat(requestInfo(none).getRequestId()).isEqualTo(registry.mdcIds.get(0));
        assertThat(requestInfo(unusable).getRequestId()).isEqualTo(registry.mdcIds.get(1));
    }
}
