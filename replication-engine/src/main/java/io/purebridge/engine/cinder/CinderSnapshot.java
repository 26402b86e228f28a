package io.purebridge.engine.cinder;

import java.util.Map;
import java.util.Objects;

/**
 * A Cinder snapshot as the driver sees it.
 *
 * @param name snapshot.name ("snapshot-<id>")
 * @param providerId the array name recorded at create; authoritative when not empty
 * @param volume the source volume
 * @param volumeSizeGib snapshot.volume_size
 * @param metadata snapshot.metadata: the user's properties and what the driver stored there
 */
public record CinderSnapshot(String id, String name, String providerId, CinderVolume volume, long volumeSizeGib,
        Map<String, String> metadata) {
    public CinderSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(volume, "volume");
        providerId = providerId == null ? "" : providerId;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A snapshot without metadata. */
    public CinderSnapshot(String id, String name, String providerId, CinderVolume volume, long volumeSizeGib) {
        this(id, name, providerId, volume, volumeSizeGib, Map.of());
    }
}
