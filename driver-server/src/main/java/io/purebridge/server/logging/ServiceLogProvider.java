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
 * The service's SLF4J provider: slf4j-simple (stdout, simplelogger.properties,
 * -Dorg.slf4j.simpleLogger.*) with two things added to every line of every library at any level:
 * <ul>
 *   <li>secrets masked ({@link MaskingLogger}): no API token, session token or credential is
 *       ever printed;</li>
 *   <li>the request id of the call being served ({@code MDC request_id}) at the head of the
 *       message, as oslo.log writes it in cinder-volume.log ({@link RequestIdLogger}), so one grep
 *       for Cinder's request id finds the call in both logs.</li>
 * </ul>
 *
 * <p>Selected with {@code -Dslf4j.provider=} this class ({@link #PROPERTY}), which
 * {@code ServerMain.main} sets before anything logs (and driver-server's tests, through surefire);
 * it is not registered as a service, so other programs that put the jar on their classpath keep
 * plain slf4j-simple.
 */
public final class ServiceLogProvider implements SLF4JServiceProvider {
    public static final String PROPERTY = "slf4j.provider";
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
        factory = name -> loggers.computeIfAbsent(name,
                n -> new MaskingLogger(new RequestIdLogger(inner.getLogger(n))));
    }
}
