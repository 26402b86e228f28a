package io.purebridge.server.logging;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that prefixes {@code [<request id>] } to each message while the MDC holds one. */
final class RequestIdLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient Logger delegate;

    RequestIdLogger(Logger delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.name = delegate.getName();
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String id = MDC.get(ServiceLogProvider.MDC_KEY);
        if (id != null) {
            message = "[" + id + "] " + message;
        }
        switch (level) {
            case TRACE -> delegate.trace(message, throwable);
            case DEBUG -> delegate.debug(message, throwable);
            case INFO -> delegate.info(message, throwable);
            case WARN -> delegate.warn(message, throwable);
            case ERROR -> delegate.error(message, throwable);
        }
    }
}
