package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty refuses before the front end sees them (a request line or header
 * that is not HTTP, a URI or header block past the size limits) in the FlashArray error envelope,
 * naming the part of the request that was refused, instead of Jetty's HTML page. The reason is
 * Jetty's short one; no stack trace or server version is ever written.
 */
final class FlashArrayErrorHandler extends ErrorHandler {
    FlashArrayErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object reason = request.getAttribute(ERROR_MESSAGE);
        String what = switch (status) {
            case 414 -> "request URI";
            case 431 -> "request headers";
            case 413 -> "request body";
            default -> reason != null && reason.toString().contains("URI") ? "request URI" : "request line or headers";
        };
        String message = "Invalid " + what + (reason == null ? "" : ": "
                + FlashArrayHttpHandler.shown(reason.toString())) + ".";
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.putNull("context");
        error.put("message", message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body.toString(), callback);
        return true;
    }
}
