package io.purebridge.server.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call of the services it wraps (VolumeDriverService, VolumeDataService):
 * the call must carry a credential RegisterBackend issued ({@link BackendCredentials#HEADER}),
 * the request's {@code backend_name} must be the credential's backend, and every provider_id in the
 * request must follow that backend's naming ({@link ProviderIdCheck}). RegisterBackend itself
 * passes, with any credential it carries made available for re-registration.
 *
 * <p>Refusals: no or an unknown credential is UNAUTHENTICATED (reason CREDENTIAL_MISSING or
 * CREDENTIAL_UNKNOWN; when the backend is not registered at all, e.g. after a service restart,
 * FAILED_PRECONDITION BACKEND_NOT_REGISTERED as before, so the shim registers again); another
 * backend's name or a foreign provider_id is PERMISSION_DENIED. A refused request never reaches the
 * engine.
 */
public final class CallAuthenticator implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(CallAuthenticator.class);
    private static final String REGISTER = VolumeDriverServiceGrpc.getRegisterBackendMethod().getFullMethodName();

    private final BackendCredentials credentials;

    /** The credential RegisterBackend's caller presented, or "" (outside such a call too). */
    public static String presented() {
        return BackendCredentials.PRESENTED.get();
    }

    public CallAuthenticator(BackendCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String presented = Optional.ofNullable(headers.get(BackendCredentials.HEADER)).orElse("");
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.equals(REGISTER)) {
            Context context = Context.current().withValue(BackendCredentials.PRESENTED, presented);
            return Contexts.interceptCall(context, call, headers, next);
        }
        Optional<String> backend = credentials.backendOf(presented);
        return new Checked<>(next.startCall(call, headers), call, backend, presented.isEmpty(), method);
    }

    /** Forwards messages only after checking them against the credential's backend. */
    private final class Checked<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final Optional<String> backend;
        private final boolean missing;
        private final String method;
        private boolean refused;

        Checked(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Optional<String> backend, boolean missing,
                String method) {
            super(delegate);
            this.call = call;
            this.backend = backend;
            this.missing = missing;
            this.method = method;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            StatusRuntimeException refusal = check(message);
            if (refusal != null) {
                refused = true;
                LOG.warn("{}: refused: {}", method, refusal.getStatus().getDescription());
                call.close(refusal.getStatus(), Refusals.trailers(refusal));
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }

        private StatusRuntimeException check(Q message) {
            String named = message instanceof Message m ? backendName(m) : null;
            if (named != null && !named.isEmpty() && !credentials.registered(named)) {
                // Nothing to protect, and the shim registers again on this answer (as after a
                // service restart, when every credential is gone too).
                return Refusals.status(Status.Code.FAILED_PRECONDITION, "BACKEND_NOT_REGISTERED", "Backend "
                            + BackendCredentials.shown(named) + " is not registered with this service (it may have"
                            + " restarted); the driver registers it again on its next do_setup.");
            }
            if (backend.isEmpty()) {
                return missing
                        ? Refusals.status(Status.Code.UNAUTHENTICATED, "CREDENTIAL_MISSING", "This call carries no"
                                + " x-purebridge-credential: send the session_credential RegisterBackend returned.")
                        : Refusals.status(Status.Code.UNAUTHENTICATED, "CREDENTIAL_UNKNOWN", "The"
                                + " x-purebridge-credential is not one this service issued (it may have restarted, or"
                                + " the backend was registered to another array): register the backend again.");
            }
            if (named != null && !named.isEmpty() && !named.equals(backend.get())) {
                return Refusals.status(Status.Code.PERMISSION_DENIED, "WRONG_BACKEND", "The credential was issued"
                        + " for backend " + BackendCredentials.shown(backend.get()) + ", not "
                        + BackendCredentials.shown(named) + ".");
            }
            if (message instanceof Message m) {
                return ProviderIdCheck.check(m);
            }
            return null;
        }
    }

    /** The first backend_name set anywhere in the message (streams carry it in a nested header). */
    static String backendName(Message message) {
        for (var entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            if (field.getName().equals("backend_name") && field.getType() == FieldDescriptor.Type.STRING) {
                return (String) entry.getValue();
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
                String nested = backendName((Message) entry.getValue());
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }
}
