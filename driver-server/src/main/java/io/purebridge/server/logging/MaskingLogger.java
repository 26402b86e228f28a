package io.purebridge.server.logging;

import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that formats each message, masks its secrets ({@link SecretMasker}) and hands the
 * finished line to the real logger. Throwables are masked too (their messages often quote what
 * failed). Level checks go straight to the real logger, so disabled levels cost nothing.
 */
final class MaskingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient Logger delegate;

    MaskingLogger(Logger delegate) {
        this.delegate = delegate;
        this.name = delegate.getName();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return MaskingLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        String line = SecretMasker.mask(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        Throwable masked = throwable == null ? null : MaskedThrowable.of(throwable);
        switch (level) {
            case ERROR -> delegate.error(line, masked);
            case WARN -> delegate.warn(line, masked);
            case INFO -> delegate.info(line, masked);
            case DEBUG -> delegate.debug(line, masked);
            case TRACE -> delegate.trace(line, masked);
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return delegate.isTraceEnabled(marker);
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return delegate.isDebugEnabled(marker);
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return delegate.isInfoEnabled(marker);
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return delegate.isWarnEnabled(marker);
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return delegate.isErrorEnabled(marker);
    }

    /** A copy of a throwable chain whose messages are masked; stack traces are kept. */
    static final class MaskedThrowable extends Throwable {
        private static final long serialVersionUID = 1L;
        private final String shown;

        private MaskedThrowable(String shown, Throwable cause) {
            super(shown, cause, false, true);
            this.shown = shown;
        }

        static Throwable of(Throwable t) {
            return of(t, 0);
        }

        private static Throwable of(Throwable t, int depth) {
            Throwable cause = t.getCause() == null || t.getCause() == t || depth > 16 ? null : of(t.getCause(), depth + 1);
            MaskedThrowable copy = new MaskedThrowable(SecretMasker.mask(t.toString()), cause);
            copy.setStackTrace(t.getStackTrace());
            return copy;
        }

        @Override
        public String toString() {
            return shown;
        }
    }
}
