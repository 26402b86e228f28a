package io.purebridge.server.grpc;

import io.grpc.stub.StreamObserver;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.DrTest;
import io.purebridge.server.mapping.RequestMapper;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.DrTestCopy;
import io.purebridge.v1.DrTestServiceGrpc;
import io.purebridge.v1.DrTestTarget;
import io.purebridge.v1.GetDrTestStatusRequest;
import io.purebridge.v1.GetDrTestStatusResponse;
import io.purebridge.v1.StartDrTestRequest;
import io.purebridge.v1.StartDrTestResponse;
import io.purebridge.v1.StopDrTestRequest;
import io.purebridge.v1.StopDrTestResponse;
import java.util.List;
import java.util.Objects;

/**
 * The gRPC adapter of DR drills ({@link DrTest}) for registered backends. The target's API token
 * comes in the request, or in the call metadata {@code x-api-token}.
 */
public final class DrTestGrpcService extends DrTestServiceGrpc.DrTestServiceImplBase {
    private final BackendRegistry registry;
    private final StatusMapper statusMapper;

    public DrTestGrpcService(BackendRegistry registry, StatusMapper statusMapper) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public void startDrTest(StartDrTestRequest request, StreamObserver<StartDrTestResponse> out) {
        statusMapper.respond("StartDrTest", out, () -> {
            Drill d = drill(request.hasTarget(), request.getTarget());
            return StartDrTestResponse.newBuilder().addAllCopies(copies(d.test().start(d.targetId(), d.token())))
                    .build();
        });
    }

    @Override
    public void getDrTestStatus(GetDrTestStatusRequest request, StreamObserver<GetDrTestStatusResponse> out) {
        statusMapper.respond("GetDrTestStatus", out, () -> {
            Drill d = drill(request.hasTarget(), request.getTarget());
            return GetDrTestStatusResponse.newBuilder().addAllCopies(copies(d.test().status(d.targetId(), d.token())))
                    .build();
        });
    }

    @Override
    public void stopDrTest(StopDrTestRequest request, StreamObserver<StopDrTestResponse> out) {
        statusMapper.respond("StopDrTest", out, () -> {
            Drill d = drill(request.hasTarget(), request.getTarget());
            return StopDrTestResponse.newBuilder().addAllRemoved(d.test().stop(d.targetId(), d.token())).build();
        });
    }

    private record Drill(DrTest test, String targetId, String token) {
    }

    private Drill drill(boolean present, DrTestTarget target) {
        Required.present(present, "target");
        String backend = RequestMapper.backendName(target.getBackendName());
        String targetId = Required.text(target.getTargetBackendId(), "target.target_backend_id");
        String token = target.getApiToken().isEmpty() ? ApiTokenInterceptor.API_TOKEN.get() : target.getApiToken();
        Required.text(token, "target.api_token");
        return new Drill(registry.drTest(backend), targetId, token);
    }

    private static List<DrTestCopy> copies(List<io.purebridge.engine.cinder.DrTestCopy> copies) {
        return copies.stream().map(c -> DrTestCopy.newBuilder()
                .setName(c.name())
                .setSourceVolume(c.sourceVolume())
                .setSnapshot(c.snapshot())
                .setDataAsOfEpochMs(c.dataAsOfEpochMillis())
                .setCreatedEpochMs(c.createdEpochMillis())
                .setRpoMs(c.rpoMillis())
                .build()).toList();
    }
}
