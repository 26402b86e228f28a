package io.purebridge.engine.array;

import java.util.Collection;
import java.util.List;

/**
 * Optional capability: volume tags (FlashArray /volumes/tags). Tags follow their volume through
 * renames and are removed when it is eradicated. Tested with {@code instanceof}.
 */
public interface VolumeTags {
    /** Tags of the named volumes, or of every volume when {@code volumeNames} is empty. */
    List<VolumeTag> listVolumeTags(Collection<String> volumeNames);

    /**
     * Adds or replaces (by resource, namespace and key) every tag in one step; each tag's
     * resourceName must be an existing volume. Returns the tags as stored.
     */
    List<VolumeTag> putVolumeTags(List<VolumeTag> tags);

    /**
     * Removes the volume's tags in {@code namespace} whose key is in {@code keys}, or all of them when
     * {@code keys} is empty; returns how many were removed.
     */
    int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys);
}
