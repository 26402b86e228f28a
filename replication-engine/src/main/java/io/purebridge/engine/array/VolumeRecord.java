package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A volume on an array.
 *
 * @param name full name, e.g. {@code volume-<id>-cinder} or {@code cinder-pod::volume-<id>-cinder}
 * @param id the array's id for it
 * @param serial 24 upper-case hex characters; the SCSI WWN is "3624a9370" + serial
 * @param provisionedBytes the size hosts see
 * @param sourceName the volume or snapshot it was copied from, or null
 * @param destroyed destroyed and waiting for eradication
 * @param createdEpochMillis creation time
 * @param destroyedEpochMillis when it was destroyed, or 0
 */
public record VolumeRecord(
        String name,
        String id,
        String serial,
        long provisionedBytes,
        String sourceName,
        boolean destroyed,
        long createdEpochMillis,
        long destroyedEpochMillis) {
    public VolumeRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serial, "serial");
    }
}
