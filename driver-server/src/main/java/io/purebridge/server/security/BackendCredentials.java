package io.purebridge.server.security;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.RegisterBackendResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call for a backend. RegisterBackend is the only call without a credential: it succeeds
 * only when the array accepts the section's API token, and then issues a random credential bound to
 * that backend. Every other call must present one ({@link CallAuthenticator}).
 *
 * <p>Re-registering a backend already registered needs proof of the array it is registered to:
 * the same primary address (the registration then logs in to that very array with the token it
 * carries, so only a holder of that token succeeds), another address that logs in to that same
 * array (same array id), or a credential of the backend.
 * Moving a backend to another array with neither is PERMISSION_DENIED, so a client that holds only
 * a DR array's token cannot redirect a backend's next creates to it.
 *
 * <p>Only SHA-256 digests of credentials are kept; the credentials themselves are never logged.
 * Several hosts of an active-active backend each keep a valid credential (the last
 * {@value #CREDENTIALS_PER_BACKEND} issued).
 */
public final class BackendCredentials {
    /** Call metadata that carries the credential. */
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("x-purebridge-credential", Metadata.ASCII_STRING_MARSHALLER);
    /** The credential the current call presented, or "" (set by {@link CallAuthenticator}). */
    static final Context.Key<String> PRESENTED = Context.keyWithDefault("purebridge-credential", "");
    static final int CREDENTIALS_PER_BACKEND = 16;
    private static final String PREFIX = "pbc1.";
    private static final Logger LOG = LoggerFactory.getLogger(BackendCredentials.class);

    /**
     * @param primaryArrayId the primary array's id when known (registered while not failed over), else null
     */
    private record Registration(String primaryAddress, String primaryArrayId, Deque<String> digests) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Registration> backends = new ConcurrentHashMap<>();
    private final Map<String, String> backendByDigest = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * Runs {@code doRegister} if the caller may (re-)register the backend, and adds a new credential
     * to its answer.
     *
     * @param presented the credential the caller sent, or ""
     */
    public RegisterBackendResponse register(RegisterBackendRequest request, String presented,
            Supplier<RegisterBackendResponse> doRegister) {
        return register(request, presented, doRegister, () -> null);
    }

    /**
     * As {@link #register(RegisterBackendRequest, String, Supplier)}; {@code primaryArrayId} logs in to
     * the request's primary array and returns its id, so a backend registered at one address may
     * be registered again at another that reaches the same array (sim:// and its REST front end, a
     * changed IP) by whoever holds that array's token. It is asked only in that case.
     */
    public RegisterBackendResponse register(RegisterBackendRequest request, String presented,
            Supplier<RegisterBackendResponse> doRegister, Supplier<String> primaryArrayId) {
        String backend = request.getBackendName();
        String address = normalize(request.getOptionsMap().getOrDefault("san_ip", ""));
        synchronized (locks.computeIfAbsent(backend, b -> new Object())) {
            Registration current = backends.get(backend);
            boolean holdsCredential = current != null && backendOf(presented).filter(backend::equals).isPresent();
            if (current != null && !holdsCredential && !current.primaryAddress().equals(address)
                    && !sameArray(backend, current, primaryArrayId)) {
                LOG.warn("{}: refused to re-register the backend to another array without its credential",
                        backend);
                throw Refusals.status(Status.Code.PERMISSION_DENIED, "BACKEND_REGISTERED_ELSEWHERE", "Backend "
                        + shown(backend) + " is registered to another array. Re-registering it needs that array:"
                        + " the same san_ip with its pure_api_token, or the backend's credential. To move it,"
                        + " restart the purebridge service or re-register from the host that registered it.");
            }
            RegisterBackendResponse registered = uniformNetworkErrors(request, doRegister);
            String arrayId = registered.getActiveBackendId().isEmpty() ? registered.getArrayId() : null;
            boolean moved = current != null && !current.primaryAddress().equals(address)
                    && (arrayId == null || !arrayId.equals(current.primaryArrayId()));
            if (moved) {
                revoke(backend, current);
                current = null;
            }
            Registration registration = current != null && current.primaryAddress().equals(address) ? current
                    : new Registration(address, arrayId, current == null ? new ArrayDeque<>() : current.digests());
            String credential = newCredential();
            String digest = digest(credential);
            synchronized (registration) {
                registration.digests().addLast(digest);
                while (registration.digests().size() > CREDENTIALS_PER_BACKEND) {
                    backendByDigest.remove(registration.digests().removeFirst());
                }
            }
            backendByDigest.put(digest, backend);
            backends.put(backend, registration);
            return registered.toBuilder().setSessionCredential(credential).build();
        }
    }

    /**
     * True when the request reaches, with a token that array accepts, the very array the backend
     * is registered to (known only for a registration made while not failed over).
     */
    private static boolean sameArray(String backend, Registration current, Supplier<String> primaryArrayId) {
        if (current.primaryArrayId() == null) {
            return false;
        }
        try {
            return current.primaryArrayId().equals(primaryArrayId.get());
        } catch (RuntimeException e) {
            LOG.warn("{}: re-registration at another address could not be matched to the registered array: {}",
                    backend, e.toString());
            return false;
        }
    }

    /** True if the backend holds credentials (it was registered through this service). */
    public boolean registered(String backend) {
        Registration r = backends.get(backend);
        return r != null;
    }

    /** The backend a credential was issued for, if it is one this service issued and still honours. */
    public Optional<String> backendOf(String credential) {
        if (credential == null || !credential.startsWith(PREFIX) || credential.length() > 128) {
            return Optional.empty();
        }
        return Optional.ofNullable(backendByDigest.get(digest(credential)));
    }

    /**
     * A credential for {@code backend} without a registration call, for wiring a backend that is
     * registered some other way (tests, embedded use).
     */
    public String issue(String backend, String primaryAddress) {
        String credential = newCredential();
        String digest = digest(credential);
        Registration registration = backends.computeIfAbsent(backend,
                b -> new Registration(normalize(primaryAddress), null, new ArrayDeque<>()));
        synchronized (registration) {
            registration.digests().addLast(digest);
        }
        backendByDigest.put(digest, backend);
        return credential;
    }

    private void revoke(String backend, Registration registration) {
        synchronized (registration) {
            registration.digests().forEach(backendByDigest::remove);
            registration.digests().clear();
        }
        LOG.info("{}: registered to another array; earlier credentials revoked", backend);
    }

    /**
     * Before authentication the answer must not tell a closed port from an open one or from a
     * TLS one: any failure to reach the array, or an array that does not speak FlashArray REST,
     * is the same UNAVAILABLE. The cause goes to the service log under an error id the operator
     * can find. Option errors (INVALID_ARGUMENT), unknown simulated arrays (NOT_FOUND), refused
     * tokens (UNAUTHENTICATED) and configuration conflicts keep their answers: they reveal nothing
     * about what listens where.
     */
    private static RegisterBackendResponse uniformNetworkErrors(RegisterBackendRequest request,
            Supplier<RegisterBackendResponse> doRegister) {
        try {
            return doRegister.get();
        } catch (EngineException e) {
            boolean network = e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.INTERNAL
                    || "REST_VERSION_UNSUPPORTED".equals(e.reason());
            if (!network) {
                throw e;
            }
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.warn("{}: registration failed (error id {}): {} {}: {}", request.getBackendName(), id, e.code(),
                    e.reason(), e.getMessage());
            // Only what the caller sent is named (its own addresses), never what was found there.
            StringBuilder where = new StringBuilder("san_ip ")
                    .append(shown(request.getOptionsMap().getOrDefault("san_ip", "")));
            for (var device : request.getReplicationDevicesList()) {
                String sanIp = device.getSettingsMap().getOrDefault("san_ip", "");
                if (!sanIp.isEmpty()) {
                    where.append(" or replication_device ").append(shown(sanIp));
                }
            }
            throw new EngineException(ErrorCode.UNAVAILABLE, "ARRAY_UNREACHABLE", "Could not log in to a"
                    + " FlashArray at " + where + ": the address did not answer, did not complete TLS (with"
                    + " driver_ssl_cert_verify, the certificate must be signed by driver_ssl_cert_path), or did not"
                    + " answer as FlashArray REST 2.x. Check san_ip, driver_ssl_cert_verify and driver_ssl_cert_path;"
                    + " the service log has the cause under error id " + id + ".");
        }
    }

    private String newCredential() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static String digest(String credential) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(credential.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String normalize(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }

    static String shown(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
