package io.purebridge.server.grpc;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.ArrayAccess;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that a request carries a valid token for every array it involves, through the same
 * {@link ArrayOpener} ArrayAdminService uses. An entry without a token takes the call metadata's
 * {@code x-api-token} ({@link ApiTokenInterceptor}). Tokens are never put in messages.
 */
final class ArrayTokens {
    private final ArrayOpener arrays;
    /** Registered backends whose array tokens also prove access ({@link #authenticated}); may be null. */
    private final BackendRegistry backends;

    ArrayTokens(ArrayOpener arrays) {
        this(arrays, null);
    }

    ArrayTokens(ArrayOpener arrays, BackendRegistry backends) {
        this.arrays = Objects.requireNonNull(arrays, "arrays");
        this.backends = backends;
    }

    /**
     * Opens every involved array with its token from {@code access}.
     *
     * @return the opened arrays by name, in {@code involved} order
     * @throws EngineException UNAUTHENTICATED (API_TOKEN_MISSING, INVALID_API_TOKEN) or NOT_FOUND
     *     (ARRAY_NOT_FOUND)
     */
    Map<String, FlashArray> open(List<ArrayAccess> access, Collection<String> involved) {
        Map<String, String> tokens = tokens(access);
        Map<String, FlashArray> opened = new LinkedHashMap<>();
        for (String name : involved) {
            opened.put(name, openHosted(name, tokens.getOrDefault(name, "")));
        }
        return opened;
    }

    private FlashArray openHosted(String name, String token) {
        if (token.isEmpty()) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_MISSING", "This request involves"
                    + " array " + name + ": add an access entry with that array's API token (from the"
                    + " service config's [arrays] section).");
        }
        return arrays.open(name, token);
    }

    /**
     * The token the request gives for {@code name} (an access entry of that name, else the call's
     * {@code x-api-token}), unchecked: for a registered backend, whose registry checks it.
     *
     * @throws EngineException UNAUTHENTICATED (API_TOKEN_MISSING) when there is none
     */
    String token(List<ArrayAccess> access, String name) {
        String token = tokens(access).getOrDefault(name, ApiTokenInterceptor.API_TOKEN.get());
        if (token == null || token.isEmpty()) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_MISSING", "This request involves backend "
                    + name + ": add an access entry named " + name + " with the API token of the array it writes"
                    + " now (pure_api_token in its cinder.conf section).");
        }
        return token;
    }

    /** Name -> token of every access entry, in request order (an empty token takes the call's). */
    private static Map<String, String> tokens(List<ArrayAccess> access) {
        Map<String, String> tokens = new LinkedHashMap<>();
        String metadata = ApiTokenInterceptor.API_TOKEN.get();
        for (int i = 0; i < access.size(); i++) {
            ArrayAccess entry = access.get(i);
            String name = Required.text(entry.getArray(), "access[" + i + "].array");
            tokens.put(name, entry.getApiToken().isEmpty() ? metadata : entry.getApiToken());
        }
        return tokens;
    }

    /**
     * Opens every array the request names in {@code access}, so a lookup that follows answers
     * only a caller who holds a token. With backends, an entry named after a registered backend
     * is checked against the token of the array that backend writes now instead.
     *
     * @return the names the caller proved a token for (never empty)
     * @throws EngineException UNAUTHENTICATED when access is empty or a token is wrong
     */
    Set<String> authenticated(List<ArrayAccess> access) {
        if (access.isEmpty()) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_MISSING", "This request needs an access"
                    + " entry with the API token of an array it involves (from the service config's [arrays]"
                    + " section).");
        }
        Map<String, String> tokens = tokens(access);
        for (Map.Entry<String, String> entry : tokens.entrySet()) {
            String name = entry.getKey();
            try {
                openHosted(name, entry.getValue());
            } catch (EngineException notHosted) {
                if (backends == null || notHosted.code() != ErrorCode.NOT_FOUND) {
                    throw notHosted;
                }
                try {
                    backends.activeArray(name, entry.getValue());
                } catch (EngineException notBackend) {
                    if ("BACKEND_NOT_REGISTERED".equals(notBackend.reason())) {
                        throw notHosted;
                    }
                    throw notBackend;
                }
            }
        }
        return tokens.keySet();
    }
}
