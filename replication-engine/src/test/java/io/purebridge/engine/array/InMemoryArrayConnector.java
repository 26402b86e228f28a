package io.purebridge.engine.array;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ArrayConnector} over {@link InMemoryFlashArray}s: {@code sim://NAME} (or any other
 * san_ip registered with {@link #add(String, String, InMemoryFlashArray)}) plus its token. A wrong
 * token is UNAUTHENTICATED, an unknown simulated name NOT_FOUND, an unknown address or one marked
 * unreachable UNAVAILABLE.
 */
public final class InMemoryArrayConnector implements ArrayConnector {
    private record Entry(String token, InMemoryFlashArray array) {
    }

    private final Map<String, Entry> arrays = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    /** Creates and registers an array reachable as {@code sim://name}. */
    public InMemoryFlashArray addArray(String name, String token) {
        InMemoryFlashArray array = new InMemoryFlashArray(name);
        add(ArrayEndpoint.SIMULATOR_SCHEME + name, token, array);
        return array;
    }

    public void add(String sanIp, String token, InMemoryFlashArray array) {
        arrays.put(sanIp, new Entry(token, array));
    }

    public void setUnreachable(String sanIp, boolean down) {
        if (down) {
            unreachable.add(sanIp);
        } else {
            unreachable.remove(sanIp);
        }
    }

    @Override
    public FlashArray connect(ArrayEndpoint endpoint) {
        String sanIp = endpoint.sanIp();
        if (unreachable.contains(sanIp)) {
            throw EngineException.unavailable("ARRAY_UNREACHABLE", "Array " + sanIp + " does not answer.");
        }
        Entry entry = arrays.get(sanIp);
        if (entry == null) {
            if (endpoint.isSimulated()) {
                throw EngineException.notFound("ARRAY_NOT_FOUND",
                        "No simulated array named " + endpoint.simulatedArrayName() + ".");
            }
            throw EngineException.unavailable("ARRAY_UNREACHABLE", "Array " + sanIp + " does not answer.");
        }
        if (!entry.token().equals(endpoint.apiToken())) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "TOKEN_REFUSED",
                    "Array " + sanIp + " refused the API token.");
        }
        return entry.array();
    }
}
