package io.purebridge.server.grpc;

import com.google.protobuf.Any;
import com.google.rpc.RequestInfo;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * One request id per call, end to end: Cinder's {@code context.request_id} arrives as the
 * {@code x-openstack-request-id} metadata (the shim sends it; other clients get a fresh
 * {@code req-<uuid>}), is put in the logging MDC under {@value #MDC_KEY} while the call's code
 * runs, so every service log line of the call carries it, is echoed in the response headers (the
 * trailers of a call that fails before answering), and
 * is added to a failed call's error details as a {@code google.rpc.RequestInfo}.
 *
 * <p>Install it outermost, so the other interceptors' log lines carry the id too.
 */
public final class RequestIdInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("x-openstack-request-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final String MDC_KEY = "request_id";

    /** What a request id may hold (oslo's req-<uuid> and the like); anything else is replaced, not logged. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    /** Where gRPC carries rich error details (StatusProto reads it on the client). */
    private static final Metadata.Key<com.google.rpc.Status> DETAILS = Metadata.Key.of("grpc-status-details-bin",
            ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

    private final Supplier<String> newIds;

    public RequestIdInterceptor() {
        this(() -> "req-" + UUID.randomUUID());
    }

    /** @param newIds makes the id of a call that brought none (or an unusable one) */
    public RequestIdInterceptor(Supplier<String> newIds) {
        this.newIds = newIds;
    }

    /** The request id of the call the current thread serves, or null outside a call. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String sent = headers.get(HEADER);
        String id = sent != null && SAFE.matcher(sent).matches() ? sent : newIds.get();
        ServerCall<Q, R> tagging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            private volatile boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(HEADER, id);
                headersSent = true;
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!headersSent) {
                    // A call that fails before answering has only trailers.
                    trailers.put(HEADER, id);
                }
                if (!status.isOk()) {
                    withRequestInfo(status, trailers, id);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        String previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, id);
        try {
            listener = next.startCall(tagging, headers);
        } finally {
            restore(previous);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                run(id, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                run(id, super::onHalfClose);
            }

            @Override
            public void onCancel() {
                run(id, super::onCancel);
            }

            @Override
            public void onComplete() {
                run(id, super::onComplete);
            }

            @Override
            public void onReady() {
                run(id, super::onReady);
            }
        };
    }

    private static void run(String id, Runnable callback) {
        String previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, id);
        try {
            callback.run();
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            MDC.remove(MDC_KEY);
        } else {
            MDC.put(MDC_KEY, previous);
        }
    }

    /** Adds a RequestInfo to the status details in {@code trailers} (made from the status when absent). */
    static void withRequestInfo(Status status, Metadata trailers, String id) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        for (Any detail : details.getDetailsList()) {
            if (detail.is(RequestInfo.class)) {
                return;
            }
        }
        trailers.discardAll(DETAILS);
        trailers.put(DETAILS, details.toBuilder()
                .addDetails(Any.pack(RequestInfo.newBuilder().setRequestId(id).build())).build());
    }
}
