package io.purebridge.server.rest;

/**
 * A request the front end answers with the FlashArray error envelope
 * {@code {"errors":[{"context","message"}]}}. Status is 400 for every business or validation error
 * (as real arrays do; clients raise on 409/422), 401 for authentication, 404 for unknown paths.
 */
final class FaRestError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String context;

    FaRestError(int status, String context, String message) {
        super(message);
        this.status = status;
        this.context = context;
    }

    static FaRestError badRequest(String context, String message) {
        return new FaRestError(400, context, message);
    }

    int status() {
        return status;
    }

    /** The object the error is about, or null. */
    String context() {
        return context;
    }
}
