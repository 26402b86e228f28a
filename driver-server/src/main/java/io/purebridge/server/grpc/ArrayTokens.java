package io.purebridge.server.grpc;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.ArrayAccess;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    ArrayTokens(ArrayOpener arrays) {
        this.arrays = Objects.requireNonNull(arrays, "arrays");
    }

    /**
     * Opens every involved array with its token from {@code access}.
     *
     * @return the opened arrays by name, in {@code involved} order
     * @throws EngineException UNAUTHENTICATED (API_TOKEN_MISSING, INVALID_API_TOKEN) or NOT_FOUND
     *     (ARRAY_NOT_FOUND)
     */
    Map<String, FlashArray> open(List<ArrayAccess> access, Collection<String> involved) {
        Map<String, String> tokens = new HashMap<>();
        String metadata = ApiTokenInterceptor.API_TOKEN.get();
        for (int i = 0; i < access.size(); i++) {
            ArrayAccess entry = access.get(i);
            String name = Required.text(entry.getArray(), "access[" + i + "].array");
            tokens.put(name, entry.getApiToken().isEmpty() ? metadata : entry.getApiToken());
        }
        Map<String, FlashArray> opened = new LinkedHashMap<>();
        for (String name : involved) {
            String token = tokens.getOrDefault(name, "");
            if (token.isEmpty()) {
                throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_MISSING", "This request involves"
                        + " array " + name + ": add an access entry with that array's API token (from the"
                        + " service config's [arrays] section).");
            }
            opened.put(name, arrays.open(name, token));
        }
        return opened;
    }

    /**
     * Opens every array the request names in {@code access}, so a lookup that follows answers
     * only a caller who holds a token.
     *
     * @return the names of the arrays the caller proved a token for (never empty)
     * @throws EngineException UNAUTHENTICATED when access is empty or a token is wrong
     */
    Set<String> authenticated(List<ArrayAccess> access) {
        if (access.isEmpty()) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_MISSING", "This request needs an access"
                    + " entry with the API token of an array it involves (from the service config's [arrays]"
                    + " section).");
        }
        List<String> named = new ArrayList<>();
        for (int i = 0; i < access.size(); i++) {
            named.add(Required.text(access.get(i).getArray(), "access[" + i + "].array"));
        }
        return open(access, named).keySet();
    }
}
