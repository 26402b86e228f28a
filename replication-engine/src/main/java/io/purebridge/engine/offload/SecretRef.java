package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret lives, never the secret itself: {@code env:NAME} or {@code file:/path}. Config
 * files, logs and errors carry only the reference; the value is read when a client is built.
 */
public record SecretRef(String kind, String where) {
    public SecretRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(where, "where");
    }

    /** Parses {@code env:NAME} or {@code file:/path}; {@code field} names the option in errors. */
    public static SecretRef parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw EngineException.invalidArgument("OFFLOAD_SECRET_REF_EMPTY",
                    field + " is empty: give env:VARIABLE or file:/path/to/file holding the value");
        }
        String t = text.strip();
        if (t.startsWith("env:") && t.length() > 4) {
            return new SecretRef("env", t.substring(4));
        }
        if (t.startsWith("file:") && t.length() > 5) {
            return new SecretRef("file", t.substring(5));
        }
        // The text may be the secret pasted by mistake: never echo it.
        throw EngineException.invalidArgument("OFFLOAD_SECRET_REF_INVALID", field
                + " must be a reference, env:VARIABLE or file:/path, not the secret itself");
    }

    /** Reads the value; errors name the reference, not the content. */
    public String resolve(String field, Map<String, String> env) {
        if (kind.equals("env")) {
            String v = env.get(where);
            if (v == null || v.isBlank()) {
                throw EngineException.invalidArgument("OFFLOAD_SECRET_MISSING",
                        field + " refers to environment variable " + where + ", which is not set");
            }
            return v.strip();
        }
        try {
            String v = Files.readString(Path.of(where), StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
                throw EngineException.invalidArgument("OFFLOAD_SECRET_MISSING",
                        field + " refers to " + where + ", which is empty");
            }
            return v;
        } catch (IOException e) {
            throw EngineException.invalidArgument("OFFLOAD_SECRET_MISSING", field + " refers to " + where
                    + ", which cannot be read (" + e.getClass().getSimpleName() + "); check the path and its permissions");
        }
    }

    @Override
    public String toString() {
        return kind + ":" + where;
    }
}
