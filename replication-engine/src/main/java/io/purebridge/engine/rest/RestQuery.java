package io.purebridge.engine.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A FlashArray query string. List values are one parameter whose elements are percent-encoded one
 * by one and joined with literal commas, as the array expects ({@code names=p%3A%3Av1,v2}).
 */
public final class RestQuery {
    private final List<String> parts = new ArrayList<>();

    public static RestQuery of() {
        return new RestQuery();
    }

    public RestQuery add(String key, String value) {
        if (value != null) {
            parts.add(key + "=" + encode(value));
        }
        return this;
    }

    public RestQuery add(String key, Collection<String> values) {
        if (values != null && !values.isEmpty()) {
            List<String> encoded = new ArrayList<>();
            for (String v : values) {
                encoded.add(encode(v));
            }
            parts.add(key + "=" + String.join(",", encoded));
        }
        return this;
    }

    public RestQuery add(String key, long value) {
        parts.add(key + "=" + value);
        return this;
    }

    public RestQuery add(String key, boolean value) {
        parts.add(key + "=" + value);
        return this;
    }

    /** A copy with one more parameter; the original is left as it is (used per page). */
    public RestQuery with(String key, String value) {
        RestQuery copy = new RestQuery();
        copy.parts.addAll(parts);
        return copy.add(key, value);
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return String.join("&", parts);
    }
}
