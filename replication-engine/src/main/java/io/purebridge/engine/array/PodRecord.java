package io.purebridge.engine.array;

import java.util.List;
import java.util.Objects;

/**
 * An ActiveCluster pod: a namespace ({@code pod::volume}, {@code pod::pg}) stretched over one or two
 * arrays that replicate it synchronously.
 *
 * @param arrays members in the order they joined, each with its status as the answering array sees it
 * @param failoverPreferences arrays favoured when the members lose contact; empty for none
 * @param promotionStatus always {@code promoted} for ActiveCluster pods
 */
public record PodRecord(
        String name,
        String id,
        List<PodArrayStatus> arrays,
        List<String> failoverPreferences,
        String promotionStatus,
        long createdEpochMillis) {
    public PodRecord {
        Objects.requireNonNull(name, "name");
        arrays = List.copyOf(arrays);
        failoverPreferences = List.copyOf(failoverPreferences);
    }

    public int arrayCount() {
        return arrays.size();
    }
}
