package io.purebridge.engine.cinder;

import java.util.Map;
import java.util.Objects;

/**
 * A Cinder volume as the driver sees it.
 *
 * @param name volume.name: volume_name_template rendered with name_id ("volume-<name_id>")
 * @param providerId the array name recorded at create; authoritative when not empty
 * @param extraSpecs the volume type's extra specs
 * @param replicationStatus Cinder's current replication_status, or ""
 */
public record CinderVolume(
        String id,
        String nameId,
        String name,
        String providerId,
        long sizeGib,
        Map<String, String> extraSpecs,
        String replicationStatus) {
    public CinderVolume {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(nameId, "nameId");
        Objects.requireNonNull(name, "name");
        providerId = providerId == null ? "" : providerId;
        extraSpecs = extraSpecs == null ? Map.of() : Map.copyOf(extraSpecs);
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
    }
}
