package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A key/value tag on a volume (FlashArray /volumes/tags). A volume has at most one tag per
 * namespace and key.
 *
 * @param resourceName the volume's name
 * @param namespace {@value #DEFAULT_NAMESPACE} when the client gives none
 * @param copyable whether copies of the volume keep the tag
 */
public record VolumeTag(String resourceName, String namespace, String key, String value, boolean copyable) {
    public static final String DEFAULT_NAMESPACE = "default";
    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 256;

    public VolumeTag {
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(key, "key");
        namespace = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
        value = value == null ? "" : value;
    }
}
