package io.purebridge.engine.array;

/**
 * Space of one volume, as GET /volumes/space reports it. Sizes in bytes.
 *
 * @param provisionedBytes the size hosts see
 * @param virtualBytes bytes the volume maps (written, non-zero), before reduction
 * @param uniqueBytes physical bytes only this volume references
 * @param snapshotsBytes physical bytes only this volume's snapshots reference
 * @param dataReduction virtual / physical of the volume's mapped data, 1.0 when nothing is written
 * @param totalReduction provisioned / physical of the volume's mapped data, 1.0 when nothing is written
 */
public record VolumeSpace(
        long provisionedBytes,
        long virtualBytes,
        long uniqueBytes,
        long snapshotsBytes,
        double dataReduction,
        double totalReduction) {
}
