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
 * @param qosSpec the volume type's associated qos-spec, or null when it has none
 * @param group the generic group the volume belongs to, or null
 * @param metadata volume.metadata (the user's properties), read on creates; empty otherwise
 */
public record CinderVolume(
        String id,
        String nameId,
        String name,
        String providerId,
        long sizeGib,
        Map<String, String> extraSpecs,
        String replicationStatus,
        QosSpecs.VolumeTypeQos qosSpec,
        CinderGroup group,
        Map<String, String> metadata) {
    public CinderVolume {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(nameId, "nameId");
        Objects.requireNonNull(name, "name");
        providerId = providerId == null ? "" : providerId;
        extraSpecs = extraSpecs == null ? Map.of() : Map.copyOf(extraSpecs);
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A volume without metadata. */
    public CinderVolume(String id, String nameId, String name, String providerId, long sizeGib,
            Map<String, String> extraSpecs, String replicationStatus, QosSpecs.VolumeTypeQos qosSpec,
            CinderGroup group) {
        this(id, nameId, name, providerId, sizeGib, extraSpecs, replicationStatus, qosSpec, group, Map.of());
    }

    /** A volume whose type has no qos-spec. */
    public CinderVolume(String id, String nameId, String name, String providerId, long sizeGib,
            Map<String, String> extraSpecs, String replicationStatus) {
        this(id, nameId, name, providerId, sizeGib, extraSpecs, replicationStatus, null, null);
    }

    /** A volume outside groups. */
    public CinderVolume(String id, String nameId, String name, String providerId, long sizeGib,
            Map<String, String> extraSpecs, String replicationStatus, QosSpecs.VolumeTypeQos qosSpec) {
        this(id, nameId, name, providerId, sizeGib, extraSpecs, replicationStatus, qosSpec, null);
    }

    /** This volume as it will be under another type (retype): no provider_id, the new type's specs. */
    public CinderVolume withType(Map<String, String> newExtraSpecs, QosSpecs.VolumeTypeQos newQosSpec) {
        return new CinderVolume(id, nameId, name, "", sizeGib, newExtraSpecs, replicationStatus, newQosSpec, group,
                metadata);
    }
}
