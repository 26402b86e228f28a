package io.purebridge.server.rest;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens per array and the session tokens handed out at login. A session belongs to one array
 * and ends at logout, after the idle timeout, or when {@link #expireAll()} is called. Tokens are
 * never logged.
 */
final class SessionStore {
    /** Key of {@code apiTokens} that applies to every array without its own entry. */
    static final String ANY_ARRAY = "*";

    private record Session(String arrayName, long lastUsedMillis) {
    }

    private final Map<String, String> apiTokens;
    private final Clock clock;
    private final long idleMillis;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    SessionStore(Map<String, String> apiTokens, Clock clock, Duration idleTimeout) {
        this.apiTokens = Map.copyOf(apiTokens);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idleMillis = idleTimeout.toMillis();
    }

    /** A new session token if {@code apiToken} is this array's, else null. */
    String login(String arrayName, String apiToken) {
        String expected = apiTokens.getOrDefault(arrayName, apiTokens.get(ANY_ARRAY));
        if (apiToken == null || expected == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), apiToken.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String h = HexFormat.of().formatHex(raw);
        String token = h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20);
        sessions.put(token, new Session(arrayName, clock.millis()));
        return token;
    }

    /** True (and the session's idle timer restarts) if the token is a live session of this array. */
    boolean check(String arrayName, String token) {
        if (token == null) {
            return false;
        }
        Session s = sessions.get(token);
        if (s == null || !s.arrayName().equals(arrayName)) {
            return false;
        }
        long now = clock.millis();
        if (now - s.lastUsedMillis() > idleMillis) {
            sessions.remove(token);
            return false;
        }
        sessions.put(token, new Session(arrayName, now));
        return true;
    }

    void logout(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    void expireAll() {
        sessions.clear();
    }
}
