package io.purebridge.server.grpc;

import static io.purebridge.server.testing.ErrorDetails.errorInfo;
import static io.purebridge.server.testing.InProcessService.BACKEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.server.testing.InProcessService;
import io.purebridge.server.testing.Requests;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.StorageProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Engine errors reach the client with the same code name, the message and an ErrorInfo. */
@Timeout(30)
class ErrorMappingTest {
    private InProcessService service;

    @BeforeEach
    void start() throws Exception {
        service = new InProcessService();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    private StatusRuntimeException createVolumeFailure() {
        return catchThrowableOfType(StatusRuntimeException.class, () -> service.stub.createVolume(
                CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(Requests.volume("v1")).build()));
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyEngineCodeMapsToTheSameGrpcCode(ErrorCode code) {
        String reason = "REASON_OF_" + code.name();
        String message = "volume volume-v1 failed with " + code + "; do something";
        service.backend.failWith(new EngineException(code, reason, message));

        StatusRuntimeException e = createVolumeFailure();

        assertThat(e.getStatus().getCode().name()).isEqualTo(code.name());
        assertThat(e.getStatus().getDescription()).isEqualTo(message);
        ErrorInfo info = errorInfo(e);
        assertThat(info.getReason()).isEqualTo(reason);
        assertThat(info.getDomain()).isEqualTo("purebridge.io");
    }

    @Test
    void unknownBackendIsFailedPreconditionSoTheShimReRegisters() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                service.stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName("never-registered")
                        .build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(errorInfo(e).getReason()).isEqualTo("BACKEND_NOT_REGISTERED");
    }

    @Test
    void unexpectedExceptionIsInternalWithAnIdAndNoDetailsOfTheBug() {
        service.backend.failWith(new IllegalStateException("pure_api_token=s3cr3t leaked into a bug"));

        StatusRuntimeException e = createVolumeFailure();

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).matches("internal error in purebridge service "
                + "\\(error id [0-9a-f]{8}\\); see the service log");
        assertThat(e.getStatus().getDescription()).doesNotContain("s3cr3t").doesNotContain("IllegalState");
        assertThat(errorInfo(e).getReason()).isEqualTo(StatusMapper.INTERNAL_ERROR);
    }

    @Test
    void registerFailureIsMappedToo() {
        service.registry.failRegisterWith(new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_REFUSED",
                "array pure-primary refused pure_api_token; check the option in [puredriver-1]"));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                service.stub.registerBackend(RegisterBackendRequest.newBuilder().setBackendName("puredriver-1")
                        .setProtocol(StorageProtocol.STORAGE_PROTOCOL_ISCSI).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(errorInfo(e).getReason()).isEqualTo("API_TOKEN_REFUSED");
    }

    @Test
    void statusMapperUsesTheInjectedErrorId() {
        StatusMapper mapper = new StatusMapper(() -> "fixed-id");

        StatusRuntimeException e = mapper.toStatus("CreateVolume", new NullPointerException());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).contains("error id fixed-id");
    }

    @Test
    void statusExceptionsPassThrough() {
        StatusRuntimeException original = Status.DEADLINE_EXCEEDED.withDescription("too slow").asRuntimeException();

        assertThat(new StatusMapper().toStatus("CreateVolume", original)).isSameAs(original);
    }
}
