package io.purebridge.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Makes the call metadata {@code x-api-token} available to ArrayAdminService through
 * {@link #API_TOKEN}, for clients that prefer not to put the token in the request. The value is
 * never logged.
 */
public final class ApiTokenInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> HEADER = Metadata.Key.of("x-api-token", Metadata.ASCII_STRING_MARSHALLER);
    /** The token from the call metadata, or "" when none was sent. */
    public static final Context.Key<String> API_TOKEN = Context.keyWithDefault("purebridge-api-token", "");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String token = headers.get(HEADER);
        if (token == null || token.isEmpty()) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(API_TOKEN, token), call, headers, next);
    }
}
