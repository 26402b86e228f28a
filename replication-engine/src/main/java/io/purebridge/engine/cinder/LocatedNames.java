package io.purebridge.engine.cinder;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * provider_id of a volume whose replicated group is failed over to a replication target:
 * {@code <target array>:<volume name there>}. A single ':' never occurs in a FlashArray volume name
 * (pods use "::"), so the form cannot be mistaken for one.
 */
public final class LocatedNames {
    public static final String SEPARATOR = ":";
    private static final Pattern LOCATED = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]{0,62}):(?!:)(.+)");

    private LocatedNames() {
    }

    /** The array of {@code <array>:<volume>}, or empty for a plain volume name. */
    public static Optional<String> arrayOf(String providerId) {
        Matcher m = LOCATED.matcher(providerId);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The volume name without its {@code <array>:} prefix (the name itself when it has none). */
    public static String withoutArray(String providerId) {
        Matcher m = LOCATED.matcher(providerId);
        return m.matches() ? m.group(2) : providerId;
    }
}
