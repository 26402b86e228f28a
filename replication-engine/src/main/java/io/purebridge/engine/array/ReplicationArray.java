package io.purebridge.engine.array;

import java.util.List;
import java.util.Optional;

/**
 * Optional capability of an array that replicates: ActiveCluster pods, protection groups and array
 * connections. Like {@link BlockDataAccess} it is a separate interface, tested with
 * {@code instanceof}, so {@link FlashArray} implementations without replication keep compiling.
 *
 * <p>Errors follow {@link FlashArray}: NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION; UNAVAILABLE
 * when the answering array, its pod membership or the peer cannot serve now.
 */
public interface ReplicationArray {

    // --- pods ----------------------------------------------------------------------------------

    /** Creates an empty pod on this array only. */
    PodRecord createPod(String name);

    Optional<PodRecord> findPod(String name);

    List<PodRecord> listPods();

    /** Adds {@code arrayName} (connected for sync replication) to the pod; at most two arrays. */
    PodRecord stretchPod(String podName, String arrayName);

    /** Removes {@code arrayName} from the pod; sync replication to it stops. */
    PodRecord unstretchPod(String podName, String arrayName);

    /** Arrays to favour when the members lose contact; empty clears it. */
    PodRecord setFailoverPreferences(String podName, List<String> arrayNames);

    /** Deletes an empty, unstretched pod. */
    void destroyPod(String podName);

    /**
     * Moves a volume into a pod ({@code podName}) or out to the root namespace ({@code ""}), keeping its
     * data; returns the volume under its new name. The volume must have no snapshots and no
     * connections.
     */
    VolumeRecord moveVolume(String volumeName, String podName);

    // --- protection groups ---------------------------------------------------------------------

    /** Creates a protection group ({@code pg} or, inside a pod, {@code pod::pg}). */
    ProtectionGroupRecord createProtectionGroup(String name);

    /** A local group, or a remote one named {@code <source>:<pg>}. */
    Optional<ProtectionGroupRecord> findProtectionGroup(String name);

    List<ProtectionGroupRecord> listProtectionGroups();

    ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames);

    /**
     * Stops replicating the group to these arrays; snapshots already on a target stay there. A name
     * that is not a target fails with NOT_FOUND.
     */
    ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames);

    /** Called on the target array for the remote group {@code <source>:<pg>}. */
    ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed);

    ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames);

    ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames);

    ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule);

    /** Sets source and/or target retention; null leaves one as it is. */
    ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target);

    /**
     * Takes a snapshot of the group now, {@code <pg>.<suffix>} or {@code <pg>.<N>} when {@code suffix}
     * is null; with {@code replicateNow} it is shipped to every allowed, reachable target before
     * returning; with {@code applyRetention} it ages under the group's retention like a scheduled one.
     * A suffix in use fails with ALREADY_EXISTS.
     */
    PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention);

    default PgSnapshotRecord createProtectionGroupSnapshot(String groupName, boolean replicateNow,
            boolean applyRetention) {
        return createProtectionGroupSnapshot(groupName, null, replicateNow, applyRetention);
    }

    /**
     * Destroys a group snapshot with its volume snapshots; it is no longer replicated or used as a
     * baseline and is eradicated after the array's eradication delay unless recovered.
     */
    PgSnapshotRecord destroyProtectionGroupSnapshot(String name);

    PgSnapshotRecord recoverProtectionGroupSnapshot(String name);

    /** Frees a destroyed group snapshot now; FAILED_PRECONDITION if it is not destroyed. */
    void eradicateProtectionGroupSnapshot(String name);

    /** Snapshots of a local group, or of a remote group {@code <source>:<pg>}, oldest first. */
    List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName);

    /**
     * Transfers, newest first: a local group's outgoing ones, or on a target the snapshots a replica
     * group ({@code <source>:<pg>}) has received.
     */
    List<PgTransferRecord> listProtectionGroupTransfers(String groupName);

    /** Removes a local group, its snapshots and its remote copies' registration (not their snapshots). */
    void destroyProtectionGroup(String groupName);

    // --- the same changes for callers that do not read the group back ------------------------
    // Each record-returning call above reads the group back; over REST that is three more requests
    // (the group, its targets, its members). These send the change alone: one request on REST.

    /** {@link #setRetention} (target only) and {@link #setReplicationSchedule} together; null skips one. */
    default void updateProtectionGroup(String groupName, RetentionPolicy targetRetention,
            ReplicationSchedule schedule) {
        if (targetRetention != null) {
            setRetention(groupName, null, targetRetention);
        }
        if (schedule != null) {
            setReplicationSchedule(groupName, schedule);
        }
    }

    /** {@link #addProtectionGroupTargets} without reading the group back. */
    default void putProtectionGroupTargets(String groupName, List<String> arrayNames) {
        addProtectionGroupTargets(groupName, arrayNames);
    }

    /** {@link #allowProtectionGroup} without reading the group back. */
    default void setProtectionGroupAllowed(String remoteGroupName, boolean allowed) {
        allowProtectionGroup(remoteGroupName, allowed);
    }

    /** {@link #addProtectionGroupMembers} without reading the group back. */
    default void putProtectionGroupMembers(String groupName, List<String> volumeNames) {
        addProtectionGroupMembers(groupName, volumeNames);
    }

    /**
     * {@link #removeProtectionGroupMembers} without reading the group back. NOT_FOUND when the group
     * does not exist or does not hold one of the volumes.
     */
    default void dropProtectionGroupMembers(String groupName, List<String> volumeNames) {
        removeProtectionGroupMembers(groupName, volumeNames);
    }

    // --- array connections ---------------------------------------------------------------------

    List<ArrayConnectionRecord> listArrayConnections();
}
