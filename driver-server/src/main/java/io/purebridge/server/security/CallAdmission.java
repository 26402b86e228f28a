package io.purebridge.server.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure for the gRPC service: a fixed pool of {@code threads} runs the calls, and at most
 * {@code maxCalls} calls are admitted at once (running or waiting for a thread). A call past that is
 * answered RESOURCE_EXHAUSTED on the transport thread, at once and without a thread of its own, so
 * a flood of 2,000 calls costs 2,000 short refusals instead of 2,000 threads, and the calls admitted
 * (stats included) keep their latency.
 *
 * <p>Admission is decided when the stream opens ({@link ServerStreamTracer}, which also sees it
 * close exactly once, whatever happens to the call) and carried to the executor choice and the
 * interceptor in a header the service sets itself (one a client sends is removed first).
 */
public final class CallAdmission implements ServerCallExecutorSupplier, ServerInterceptor, AutoCloseable {
    /** Defaults: 32 threads (the engine's calls are short and mostly I/O), 256 calls admitted. */
    public static final int DEFAULT_THREADS = 32;
    public static final int DEFAULT_MAX_CALLS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(CallAdmission.class);
    private static final Metadata.Key<String> REFUSED =
            Metadata.Key.of("x-purebridge-admission-refused", Metadata.ASCII_STRING_MARSHALLER);
    private static final Executor DIRECT = Runnable::run;

    private final int maxCalls;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor dispatcher;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger refusedTotal = new AtomicInteger();

    public CallAdmission(int threads, int maxCalls) {
        if (threads <= 0 || maxCalls < threads) {
            throw new IllegalArgumentException("need 0 < threads <= maxCalls: " + threads + ", " + maxCalls);
        }
        this.maxCalls = maxCalls;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "purebridge-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // The queue is bounded by admission (at most maxCalls - threads calls wait in it).
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory);
        // gRPC looks the method up and asks getExecutor on the server's default executor, before
        // the call has its own: that must never wait behind handlers, or a flood that fills the
        // workers would also stop the refusals. Two threads doing only that (and refusing).
        AtomicInteger d = new AtomicInteger();
        this.dispatcher = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "purebridge-dispatch-" + d.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static CallAdmission defaults() {
        return new CallAdmission(DEFAULT_THREADS, DEFAULT_MAX_CALLS);
    }

    /** Counts streams as they open and close; add to the server builder. */
    public ServerStreamTracer.Factory tracerFactory() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                headers.removeAll(REFUSED);
                if (admitted.incrementAndGet() > maxCalls) {
                    admitted.decrementAndGet();
                    headers.put(REFUSED, "1");
                    return new ServerStreamTracer() {
                    };
                }
                AtomicBoolean released = new AtomicBoolean();
                return new ServerStreamTracer() {
                    @Override
                    public void streamClosed(Status status) {
                        if (released.compareAndSet(false, true)) {
                            admitted.decrementAndGet();
                        }
                    }
                };
            }
        };
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return headers.containsKey(REFUSED) ? DIRECT : workers;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!headers.containsKey(REFUSED)) {
            return next.startCall(call, headers);
        }
        if (refusedTotal.incrementAndGet() % 1000 == 1) {
            LOG.warn("purebridge: {} calls in progress (the limit); refusing more with RESOURCE_EXHAUSTED"
                    + " ({} refused so far)", maxCalls, refusedTotal.get());
        }
        StatusRuntimeException busy = Refusals.status(Status.Code.RESOURCE_EXHAUSTED, "SERVICE_BUSY",
                "The purebridge service is busy: " + maxCalls + " calls are in progress, the most it admits at"
                        + " once. Retry after a short wait.");
        call.close(busy.getStatus(), Refusals.trailers(busy));
        return new ServerCall.Listener<>() {
        };
    }

    /** The server's default executor: method lookup, executor choice and refusals only. */
    public Executor dispatcher() {
        return dispatcher;
    }

    /** The bounded pool that runs admitted calls. */
    public Executor workers() {
        return workers;
    }

    /** Calls admitted now (running or waiting for a thread). */
    public int admitted() {
        return admitted.get();
    }

    /** The worker pool's current size; never above {@code threads}. */
    public int threads() {
        return workers.getPoolSize();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        dispatcher.shutdownNow();
    }
}
