package io.purebridge.server.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The service's SLF4J provider: slf4j-simple (stdout, simplelogger.properties) behind
 * {@link MaskingLogger}, so no log line of any library at any level shows a token. Selected with
 * {@code -Dslf4j.provider=} this class ({@link #PROPERTY}); ServerMain sets it before logging.
 */
public final class MaskingServiceProvider implements SLF4JServiceProvider {
    public static final String PROPERTY = "slf4j.provider";

    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name,
            n -> new MaskingLogger(simple.getLoggerFactory().getLogger(n)));

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
        return simple.getMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }

    @Override
    public void initialize() {
        simple.initialize();
    }
}
