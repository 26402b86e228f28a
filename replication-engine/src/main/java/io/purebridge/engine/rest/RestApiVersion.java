package io.purebridge.engine.rest;

import java.util.List;
import java.util.Optional;

/** A FlashArray REST version such as {@code 2.36}, ordered numerically (2.4 &lt; 2.36). */
public record RestApiVersion(int major, int minor) implements Comparable<RestApiVersion> {
    /** The oldest version the client accepts: /arrays, /ports and /network-interfaces exist. */
    public static final RestApiVersion MINIMUM = new RestApiVersion(2, 4);
    /** The newest version whose shapes this client and the front end implement. */
    public static final RestApiVersion IMPLEMENTED = new RestApiVersion(2, 36);

    /** Parses "2.36"; empty for anything else (e.g. "2.DEV", "1.19x"). */
    public static Optional<RestApiVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RestApiVersion(
                    Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The highest advertised version within [MINIMUM, ceiling], if any. */
    public static Optional<RestApiVersion> negotiate(List<String> advertised, RestApiVersion ceiling) {
        RestApiVersion best = null;
        for (String text : advertised) {
            Optional<RestApiVersion> v = parse(text);
            if (v.isPresent() && v.get().compareTo(MINIMUM) >= 0 && v.get().compareTo(ceiling) <= 0
                    && (best == null || v.get().compareTo(best) > 0)) {
                best = v.get();
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public int compareTo(RestApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
