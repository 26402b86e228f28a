package io.purebridge.server.security;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.purebridge.server.grpc.StatusMapper;

/** The statuses the security layer answers with, each with an ErrorInfo reason (domain purebridge.io). */
final class Refusals {
    private Refusals() {
    }

    static StatusRuntimeException status(Status.Code code, String reason, String message) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(StatusMapper.capped(message))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(StatusMapper.DOMAIN).build()))
                .build());
    }

    /** The trailers {@link StatusProto} puts the details in, for closing a ServerCall directly. */
    static Metadata trailers(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        return trailers == null ? new Metadata() : trailers;
    }
}
