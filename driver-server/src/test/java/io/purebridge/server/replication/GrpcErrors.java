package io.purebridge.server.replication;

import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.server.testing.ErrorDetails;
import java.util.function.Supplier;

/** Turns a gRPC failure back into the EngineException the service mapped, for engine-level scenarios. */
final class GrpcErrors {
    private GrpcErrors() {
    }

    static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw engine(e);
        }
    }

    static void run(Runnable rpc) {
        call(() -> {
            rpc.run();
            return null;
        });
    }

    static EngineException engine(StatusRuntimeException e) {
        ErrorInfo info = ErrorDetails.errorInfo(e);
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(e.getStatus().getCode().name());
        } catch (IllegalArgumentException notAnEngineCode) {
            code = ErrorCode.INTERNAL;
        }
        return new EngineException(code, info == null ? "NO_REASON" : info.getReason(),
                String.valueOf(e.getStatus().getDescription()), e);
    }
}
