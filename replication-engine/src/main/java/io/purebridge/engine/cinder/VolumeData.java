package io.purebridge.engine.cinder;

import io.purebridge.engine.array.BlockDataAccess;
import java.util.Objects;

/**
 * Where a Cinder volume's bytes live when the backend's array stores them itself (a simulated
 * array, which has no SCSI or NVMe target): the array volume's name, its size and the array's data
 * access. Cinder's image and backup paths stream through it.
 *
 * @param arrayVolumeName the volume's name on the array ({@code volume-<id>-cinder})
 * @param sizeBytes the array volume's provisioned size
 */
public record VolumeData(String arrayVolumeName, long sizeBytes, BlockDataAccess access) {
    public VolumeData {
        Objects.requireNonNull(arrayVolumeName, "arrayVolumeName");
        Objects.requireNonNull(access, "access");
    }
}
