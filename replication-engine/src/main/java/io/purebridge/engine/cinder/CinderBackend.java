package io.purebridge.engine.cinder;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cinder's volume driver semantics for one registered backend (one cinder.conf section): naming,
 * idempotency, replication mode from the volume type, connection info and stats. Speaks to arrays
 * only through the {@link io.purebridge.engine.array.FlashArray} SPI.
 *
 * <p>Every create is idempotent by name (the same request returns the existing object, another
 * request under the same name fails with ALREADY_EXISTS); every delete of a missing object
 * succeeds.
 */
public interface CinderBackend {

    String backendName();

    VolumeModelUpdate createVolume(CinderVolume volume);

    void deleteVolume(CinderVolume volume);

    void extendVolume(CinderVolume volume, long newSizeGib);

    VolumeModelUpdate createVolumeFromSnapshot(CinderVolume volume, CinderSnapshot snapshot);

    VolumeModelUpdate createClonedVolume(CinderVolume volume, CinderVolume source);

    /** Overwrites the volume's content with the snapshot's. */
    void revertToSnapshot(CinderVolume volume, CinderSnapshot snapshot);

    SnapshotModelUpdate createSnapshot(CinderSnapshot snapshot);

    void deleteSnapshot(CinderSnapshot snapshot);

    ConnectionProperties initializeConnection(CinderVolume volume, HostConnector connector);

    /**
     * Disconnects the volume from the connector's host, or from every host when the connector is
     * absent (force detach). For FC, returns the zones to remove when the host has no more
     * connections.
     */
    Optional<ConnectionProperties> terminateConnection(CinderVolume volume, Optional<HostConnector> connector);

    BackendStats volumeStats();

    VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName);

    long manageExistingGetSize(String sourceName);

    void unmanage(CinderVolume volume);

    SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName);

    long manageExistingSnapshotGetSize(String sourceName);

    void unmanageSnapshot(CinderSnapshot snapshot);

    ProviderUpdates updateProviderInfo(List<CinderVolume> volumes, List<CinderSnapshot> snapshots);

    /**
     * Changes the volume's replication to what {@code newExtraSpecs} ask for (none, async, sync,
     * trisync), keeping its data; returns the new provider_id and replication_status.
     */
    default VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs) {
        throw new EngineException(ErrorCode.UNIMPLEMENTED,
                "RETYPE_NOT_SUPPORTED", "Backend " + backendName() + " cannot retype volume " + volume.id() + ".");
    }

    /** {@link #retype(CinderVolume, Map)} with the new type's qos-spec (null: none associated). */
    default VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs,
            QosSpecs.VolumeTypeQos newQosSpec) {
        return retype(volume, newExtraSpecs);
    }

    /** Every array volume for Cinder's manageable list, in the array's order (Cinder pages and sorts). */
    default List<ManageableObject> manageableVolumes(List<CinderVolume> cinderVolumes) {
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "MANAGEABLE_LIST_NOT_SUPPORTED", "Backend "
                + backendName() + " cannot list manageable volumes.");
    }

    /** Every array snapshot for Cinder's manageable list. */
    default List<ManageableObject> manageableSnapshots(List<CinderSnapshot> cinderSnapshots) {
        throw new EngineException(ErrorCode.UNIMPLEMENTED, "MANAGEABLE_LIST_NOT_SUPPORTED", "Backend "
                + backendName() + " cannot list manageable snapshots.");
    }

    // --- generic volume groups (consistent_group_snapshot_enabled) ------------------------------
    // UNIMPLEMENTED by default: Cinder's generic group code then handles groups.

    default void createGroup(CinderGroup group) {
        throw groupsUnimplemented(group);
    }

    /** Deletes the group and its volumes. */
    default void deleteGroup(CinderGroup group, List<CinderVolume> volumes) {
        throw groupsUnimplemented(group);
    }

    default void updateGroup(CinderGroup group, List<CinderVolume> add, List<CinderVolume> remove) {
        throw groupsUnimplemented(group);
    }

    /** One array operation for every member; the member snapshots' model updates, in order. */
    default List<SnapshotModelUpdate> createGroupSnapshot(CinderGroup group, String groupSnapshotId,
            List<CinderSnapshot> snapshots) {
        throw groupsUnimplemented(group);
    }

    default void deleteGroupSnapshot(CinderGroup group, String groupSnapshotId) {
        throw groupsUnimplemented(group);
    }

    /** The group's volumes from the members of a group snapshot ({@code snapshots[i]} for {@code volumes[i]}). */
    default List<VolumeModelUpdate> createGroupFromGroupSnapshot(CinderGroup group, List<CinderVolume> volumes,
            List<CinderSnapshot> snapshots) {
        throw groupsUnimplemented(group);
    }

    /** The group's volumes as copies, consistent across them, of another group's ({@code sources[i]} for {@code volumes[i]}). */
    default List<VolumeModelUpdate> createGroupFromGroup(CinderGroup group, List<CinderVolume> volumes,
            CinderGroup source, List<CinderVolume> sources) {
        throw groupsUnimplemented(group);
    }

    // --- group replication (Tiramisu: consistent_group_replication_enabled) -----------------------

    /** Puts the group's replication in place; the group's and each volume's replication_status. */
    default GroupReplicationUpdate enableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        throw groupsUnimplemented(group);
    }

    /** Stops the group's replication; what the targets hold stays. */
    default GroupReplicationUpdate disableGroupReplication(CinderGroup group, List<CinderVolume> volumes) {
        throw groupsUnimplemented(group);
    }

    /**
     * Fails the group's volumes over together to the replication target {@code secondaryBackendId}
     * ("" lets the backend choose), or back with "default"; the rest of the backend stays.
     */
    default GroupReplicationUpdate failoverGroupReplication(CinderGroup group, List<CinderVolume> volumes,
            String secondaryBackendId) {
        throw groupsUnimplemented(group);
    }

    /** The groups (and their volumes) whose replication is in error; none by default. */
    default List<GroupReplicationUpdate> groupReplicationErrors(List<ReplicatedGroup> groups) {
        return List.of();
    }

    private EngineException groupsUnimplemented(CinderGroup group) {
        return new EngineException(ErrorCode.UNIMPLEMENTED, "GROUPS_NOT_SUPPORTED", "Backend " + backendName()
                + " leaves group " + group.id() + " to Cinder's generic group code.");
    }

    /**
     * The volume's bytes, for Cinder's image and backup copies, when the array stores them itself
     * (simulated arrays). A real array's data path is its SCSI/NVMe target, so by default this fails.
     *
     * @throws EngineException FAILED_PRECONDITION {@code NO_DATA_PATH}
     *     when the array has no data access, NOT_FOUND when the volume does not exist
     */
    default VolumeData volumeData(CinderVolume volume) {
        throw noDataPath(backendName());
    }

    /** The error {@link #volumeData} raises for an array without data access. */
    static EngineException noDataPath(String backendName) {
        return EngineException.failedPrecondition("NO_DATA_PATH", "Backend "
                + backendName + " drives a real array, whose volumes are read and written through their"
                + " iSCSI/FC/NVMe target; attach the volume instead of streaming it through the service.");
    }
}
