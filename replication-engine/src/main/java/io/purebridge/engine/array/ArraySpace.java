package io.purebridge.engine.array;

/**
 * Array-wide space, as GET /arrays/space reports it. All sizes in bytes.
 *
 * @param capacityBytes usable physical capacity
 * @param totalPhysicalBytes physical space in use (unique data, snapshots, shared, system)
 * @param totalProvisionedBytes sum of the provisioned sizes of all live volumes
 * @param uniqueBytes physical space only live volumes' data uses
 * @param snapshotsBytes physical space only snapshots hold
 * @param dataReduction logical written bytes / physical bytes, deduplication and compression only
 * @param totalReduction like dataReduction but counting thin provisioning too
 */
public record ArraySpace(
        long capacityBytes,
        long totalPhysicalBytes,
        long totalProvisionedBytes,
        long uniqueBytes,
        long snapshotsBytes,
        double dataReduction,
        double totalReduction) {
}
