package io.purebridge.engine.error;

import java.util.Objects;

/**
 * The one exception the engine throws on purpose. It carries a category ({@link ErrorCode}), a
 * stable machine-readable reason (e.g. {@code VOLUME_NOT_FOUND}) and a message for operators that
 * names the object and says what to do. Messages never contain API tokens or secret keys.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String reason;

    public EngineException(ErrorCode code, String reason, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public EngineException(ErrorCode code, String reason, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ErrorCode code() {
        return code;
    }

    /** A stable UPPER_SNAKE token clients may match on, e.g. {@code SIZE_NOT_POSITIVE}. */
    public String reason() {
        return reason;
    }

    public static EngineException invalidArgument(String reason, String message) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, reason, message);
    }

    public static EngineException notFound(String reason, String message) {
        return new EngineException(ErrorCode.NOT_FOUND, reason, message);
    }

    public static EngineException alreadyExists(String reason, String message) {
        return new EngineException(ErrorCode.ALREADY_EXISTS, reason, message);
    }

    public static EngineException failedPrecondition(String reason, String message) {
        return new EngineException(ErrorCode.FAILED_PRECONDITION, reason, message);
    }

    public static EngineException unavailable(String reason, String message) {
        return new EngineException(ErrorCode.UNAVAILABLE, reason, message);
    }

    public static EngineException outOfRange(String reason, String message) {
        return new EngineException(ErrorCode.OUT_OF_RANGE, reason, message);
    }

    public static EngineException internal(String reason, String message, Throwable cause) {
        return new EngineException(ErrorCode.INTERNAL, reason, message, cause);
    }
}
