package io.purebridge.server.grpc;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.purebridge.server.metrics.LatencyBuckets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-RPC metrics and one DEBUG line per call (method, backend, status, elapsed ms). Request bodies
 * are never logged: they carry API tokens (RegisterBackend); only the backend_name field is read.
 *
 * <p>Metric names (dropwizard, in the registry given):
 * <ul>
 *   <li>{@code purebridge.rpc.<Method>.latency}: timer of the whole call, nanoseconds recorded, with
 *       Prometheus histogram buckets ({@link LatencyBuckets});
 *   <li>{@code purebridge.rpc.<Method>.errors}: counter of calls closed with a non-OK status;
 *   <li>{@code purebridge.rpc.<Method>.errors.<CODE>}: the same, per gRPC status code.
 * </ul>
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
    public static final String PREFIX = "purebridge.rpc.";

    private static final Logger LOG = LoggerFactory.getLogger(RpcMetricsInterceptor.class);

    private final MetricRegistry metrics;
    private final LongSupplier nanoTime;
    /** The latency timer of each method, so a call does not build its name. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RpcMetricsInterceptor(MetricRegistry metrics) {
        this(metrics, System::nanoTime);
    }

    /** @param nanoTime the clock elapsed times are read from */
    public RpcMetricsInterceptor(MetricRegistry metrics, LongSupplier nanoTime) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public static String latencyName(String method) {
        return PREFIX + method + ".latency";
    }

    public static String errorsName(String method) {
        return PREFIX + method + ".errors";
    }

    public static String errorsName(String method, Status.Code code) {
        return errorsName(method) + "." + code.name();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        long start = nanoTime.getAsLong();
        CallRecord record = new CallRecord(method == null ? "unknown" : method, start);
        ServerCall<ReqT, RespT> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record.closed(status);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<ReqT> listener = next.startCall(recording, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(ReqT message) {
                if (LOG.isDebugEnabled()) {
                    // Only for the DEBUG line: reading a field by descriptor costs more than the metrics.
                    record.backend = backendName(message);
                }
                super.onMessage(message);
            }
        };
    }

    private static String backendName(Object message) {
        if (message instanceof Message proto) {
            Descriptors.FieldDescriptor field = proto.getDescriptorForType().findFieldByName("backend_name");
            if (field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
                return (String) proto.getField(field);
            }
        }
        return "";
    }

    /** One call's measurements; closed once by gRPC. */
    private final class CallRecord {
        private final String method;
        private final long startNanos;
        private volatile String backend = "";

        CallRecord(String method, long startNanos) {
            this.method = method;
            this.startNanos = startNanos;
        }

        void closed(Status status) {
            long elapsed = nanoTime.getAsLong() - startNanos;
            timers.computeIfAbsent(method, m -> metrics.timer(latencyName(m), LatencyBuckets::newTimer))
                    .update(elapsed, TimeUnit.NANOSECONDS);
            if (!status.isOk()) {
                metrics.counter(errorsName(method)).inc();
                metrics.counter(errorsName(method, status.getCode())).inc();
            }
            LOG.debug("{}: backend={} status={} elapsed_ms={}", method, backend, status.getCode(),
                    TimeUnit.NANOSECONDS.toMillis(elapsed));
        }
    }
}
