package io.purebridge.server.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.error.EngineException;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from engine errors to gRPC statuses (docs: DESIGN.md section 3). An
 * {@link EngineException} keeps its code name and message and gains a {@code google.rpc.ErrorInfo}
 * (reason, domain {@value #DOMAIN}); anything else is a bug and becomes INTERNAL with a generic
 * message and an error id that finds the full stack trace in the service log.
 */
public final class StatusMapper {
    public static final String DOMAIN = "purebridge.io";
    /** ErrorInfo reason of an unexpected failure (a bug). */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(StatusMapper.class);

    private final Supplier<String> errorIds;

    public StatusMapper() {
        this(() -> UUID.randomUUID().toString().substring(0, 8));
    }

    /** @param errorIds makes the id quoted to clients and logged with an unexpected failure */
    public StatusMapper(Supplier<String> errorIds) {
        this.errorIds = errorIds;
    }

    /** The gRPC code for an engine error code; exhaustive on purpose (no default). */
    public static Status.Code code(ErrorCode code) {
        switch (code) {
            case INVALID_ARGUMENT:
                return Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND:
                return Status.Code.NOT_FOUND;
            case ALREADY_EXISTS:
                return Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION:
                return Status.Code.FAILED_PRECONDITION;
            case ABORTED:
                return Status.Code.ABORTED;
            case RESOURCE_EXHAUSTED:
                return Status.Code.RESOURCE_EXHAUSTED;
            case OUT_OF_RANGE:
                return Status.Code.OUT_OF_RANGE;
            case UNAVAILABLE:
                return Status.Code.UNAVAILABLE;
            case UNAUTHENTICATED:
                return Status.Code.UNAUTHENTICATED;
            case UNIMPLEMENTED:
                return Status.Code.UNIMPLEMENTED;
            case INTERNAL:
                return Status.Code.INTERNAL;
        }
        throw new IllegalArgumentException("unmapped error code " + code);
    }

    /**
     * Answers a unary call with {@code call}'s result, or closes it with the status of what it
     * threw: every gRPC service answers through here, so each maps failures the same way (the JVM's
     * own errors excepted, which no answer can mend).
     */
    public <T> void respond(String rpc, StreamObserver<T> out, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            out.onError(toStatus(rpc, failure));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    /**
     * The status to close an RPC with after {@code failure}.
     *
     * @param rpc the RPC's method name, for the server-side log of unexpected failures
     */
    public StatusRuntimeException toStatus(String rpc, Throwable failure) {
        if (failure instanceof EngineException engine) {
            if (engine.code() == ErrorCode.INTERNAL) {
                LOG.error("{}: engine reported an internal error ({})", rpc, engine.reason(), engine);
            }
            return withErrorInfo(code(engine.code()), engine.getMessage(), engine.reason());
        }
        if (failure instanceof StatusRuntimeException status) {
            String description = status.getStatus().getDescription();
            if (description != null && description.length() > MAX_MESSAGE) {
                return status.getStatus().withDescription(capped(description)).asRuntimeException(status.getTrailers());
            }
            return status;
        }
        if (failure instanceof StatusException status) {
            return status.getStatus().asRuntimeException(status.getTrailers());
        }
        String id = errorIds.get();
        LOG.error("{}: unexpected failure, error id {}", rpc, id, failure);
        return withErrorInfo(Status.Code.INTERNAL,
                "internal error in purebridge service (error id " + id + "); see the service log", INTERNAL_ERROR);
    }

    /** Longest status message sent, in characters; longer ones are cut (they often echo input). */
    public static final int MAX_MESSAGE = 1024;

    /**
     * {@code message} cut to {@link #MAX_MESSAGE} characters. A message echoing a 100,000-character
     * name would otherwise make the status trailers larger than the client accepts, and the client
     * would see a reset stream instead of the code.
     */
    public static String capped(String message) {
        if (message == null) {
            return "";
        }
        if (message.length() <= MAX_MESSAGE) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE - 30) + "... (" + message.length() + " characters)";
    }

    private static StatusRuntimeException withErrorInfo(Status.Code code, String message, String reason) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(capped(message))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }
}
