package io.purebridge.engine.cinder;

import java.util.Objects;

/**
 * A Cinder snapshot as the driver sees it.
 *
 * @param name snapshot.name ("snapshot-<id>")
 * @param providerId the array name recorded at create; authoritative when not empty
 * @param volume the source volume
 * @param volumeSizeGib snapshot.volume_size
 */
public record CinderSnapshot(String id, String name, String providerId, CinderVolume volume, long volumeSizeGib) {
    public CinderSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(volume, "volume");
        providerId = providerId == null ? "" : providerId;
    }
}
