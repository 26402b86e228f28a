package io.purebridge.server.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * slf4j-simple, with the request id of the call being served ({@code MDC request_id}) written at
 * the head of every message, as oslo.log does in cinder-volume.log:
 * {@code 2026-12-04T18:00:00.000Z [grpc-default-executor-0] INFO VolumeDriverGrpcService - [req-6f0c...] ...}.
 * So one grep for Cinder's request id finds the call in both logs. Lines outside a call are
 * unchanged. slf4j-simple's settings (simplelogger.properties, -Dorg.slf4j.simpleLogger.*) apply.
 *
 * <p>Selected with {@code -Dslf4j.provider=io.purebridge.server.logging.RequestIdServiceProvider},
 * which {@code ServerMain.main} sets (and driver-server's tests, through surefire); it is not
 * registered as a service, so other programs that put the jar on their classpath keep plain
 * slf4j-simple.
 */
public final class RequestIdServiceProvider implements SLF4JServiceProvider {
    public static final String MDC_KEY = "request_id";

    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    // slf4j-simple's own MDC adapter drops everything (NOP); this one keeps a map per thread.
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private volatile ILoggerFactory factory;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return simple.getMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }

    @Override
    public void initialize() {
        simple.initialize();
        ILoggerFactory inner = simple.getLoggerFactory();
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        factory = name -> loggers.computeIfAbsent(name, n -> new RequestIdLogger(inner.getLogger(n)));
    }
}
