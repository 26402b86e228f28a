package io.purebridge.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.FailoverGroupUpdate;
import io.purebridge.engine.cinder.FailoverRequest;
import io.purebridge.engine.cinder.FailoverResult;
import io.purebridge.engine.cinder.FailoverVolumeUpdate;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.testing.Credentials;
import io.purebridge.v1.FailoverGroup;
import io.purebridge.v1.FailoverResponse;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Failover RPC: the request reaches the engine field by field, the answer comes back whole. */
@Timeout(30)
class FailoverGrpcTest {
    private final AtomicReference<FailoverRequest> seen = new AtomicReference<>();
    private final AtomicReference<Object> answer = new AtomicReference<>();
    private PurebridgeServer server;
    private ManagedChannel channel;
    private VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub stub;

    /** Only what Failover needs: the answer (a result or an error) is scripted per test. */
    private final class ScriptedRegistry implements BackendRegistry {
        @Override
        public RegisteredBackend register(BackendConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CinderBackend backend(String backendName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FailoverResult failover(String backendName, FailoverRequest request) {
            assertThat(backendName).isEqualTo("puredriver-1");
            seen.set(request);
            if (answer.get() instanceof EngineException e) {
                throw e;
            }
            return (FailoverResult) answer.get();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name).directExecutor(),
                "in-process:" + name)), new ScriptedRegistry(), new MetricRegistry()).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = Credentials.with(VolumeDriverServiceGrpc.newBlockingStub(channel),
                server.credentials().issue("puredriver-1", "sim://pure-primary"));
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5, TimeUnit.SECONDS);
    }

    private static io.purebridge.v1.FailoverRequest request() {
        return io.purebridge.v1.FailoverRequest.newBuilder()
                .setBackendName("puredriver-1")
                .setSecondaryId("pure-dr")
                .addVolumes(Volume.newBuilder().setId("v1").setNameId("v1").setName("volume-v1").setSizeGib(1)
                        .setProviderId("volume-v1-cinder").putVolumeTypeExtraSpecs("replication_enabled", "<is> True")
                        .setReplicationStatus("enabled"))
                .addVolumes(Volume.newBuilder().setId("v2").setNameId("v2").setName("volume-v2").setSizeGib(1))
                .addGroups(FailoverGroup.newBuilder().setId("g1").addVolumeIds("v1"))
                .build();
    }

    @Test
    void requestAndAnswerCrossFieldByField() {
        answer.set(new FailoverResult("pure-dr", List.of(
                new FailoverVolumeUpdate("v1", "", "failed-over", "volume-v1-cinder",
                        Map.of("array_name", "pure-dr"), ""),
                new FailoverVolumeUpdate("v2", "error", "not-capable", "", Map.of(), "not replicated")),
                List.of(new FailoverGroupUpdate("g1", "", "failed-over"))));

        FailoverResponse response = stub.failover(request());

        FailoverRequest engine = seen.get();
        assertThat(engine.secondaryId()).isEqualTo("pure-dr");
        assertThat(engine.volumes()).extracting(v -> v.id()).containsExactly("v1", "v2");
        assertThat(engine.volumes().get(0).extraSpecs()).containsEntry("replication_enabled", "<is> True");
        assertThat(engine.volumes().get(0).providerId()).isEqualTo("volume-v1-cinder");
        assertThat(engine.volumeGroups()).containsExactly(Map.entry("v1", "g1"));
        assertThat(engine.groupIds()).containsExactly("g1");
        assertThat(response.getActiveBackendId()).isEqualTo("pure-dr");
        assertThat(response.getVolumeUpdates(0).getReplicationStatus()).isEqualTo("failed-over");
        assertThat(response.getVolumeUpdates(0).getMetadataMap()).containsEntry("array_name", "pure-dr");
        assertThat(response.getVolumeUpdates(1).getStatus()).isEqualTo("error");
        assertThat(response.getVolumeUpdates(1).getDetail()).isEqualTo("not replicated");
        assertThat(response.getGroupUpdates(0).getGroupId()).isEqualTo("g1");
    }

    @Test
    void refusalsArriveAsFailedPreconditionWithTheirReason() {
        answer.set(EngineException.failedPrecondition("FAILOVER_REFUSED", "Backend puredriver-1 cannot fail over to"
                + " 'pure-dr': the replication target 'pure-dr' (sim://pure-dr) is unreachable."));

        assertThatThrownBy(() -> stub.failover(request())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("'pure-dr'");
            com.google.rpc.Status status = StatusProto.fromThrowable(e);
            assertThat(status.getDetailsList()).anySatisfy(d -> {
                try {
                    assertThat(d.unpack(ErrorInfo.class).getReason()).isEqualTo("FAILOVER_REFUSED");
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            });
        });
    }

    @Test
    void aMissingVolumeIdIsInvalidArgumentNamingTheField() {
        io.purebridge.v1.FailoverRequest bad = request().toBuilder()
                .setVolumes(1, Volume.newBuilder().setNameId("v2").setName("volume-v2").setSizeGib(1)).build();
        assertThatThrownBy(() -> stub.failover(bad)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("volumes[1].id");
        });
        assertThat(seen.get()).isNull();
    }
}
