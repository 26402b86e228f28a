package io.purebridge.engine.cinder;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Keeps secrets out of logs, errors and stats. */
public final class Secrets {
    private Secrets() {
    }

    /** True for option names that hold a secret (tokens, passwords, secret keys). */
    public static boolean isSecret(String optionName) {
        String name = optionName.toLowerCase(Locale.ROOT);
        return name.contains("token") || name.contains("password") || name.contains("secret");
    }

    /** A sorted copy with every secret value replaced by "****". */
    public static Map<String, String> redact(Map<String, String> options) {
        Map<String, String> redacted = new TreeMap<>();
        options.forEach((key, value) -> redacted.put(key, isSecret(key) ? "****" : value));
        return redacted;
    }
}
