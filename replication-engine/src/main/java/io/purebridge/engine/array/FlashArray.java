package io.purebridge.engine.array;

import java.util.List;
import java.util.Optional;

/**
 * The array SPI: what the engine needs from one FlashArray-style array, in the array's own terms
 * (names, not Cinder ids). Implemented by the simulated array and by the REST 2.x client.
 *
 * <p>Every method is a single array operation and behaves as the FlashArray does: creating a name
 * that exists fails with ALREADY_EXISTS, touching a missing object fails with NOT_FOUND, and a
 * destroyed object keeps its name until it is eradicated (FAILED_PRECONDITION, reason
 * {@code DESTROYED}). Idempotency for Cinder is the Cinder layer's job, not the array's.
 *
 * <p>Failures are {@link io.purebridge.engine.error.EngineException}s; UNAVAILABLE means the array
 * (or, for pod volumes, its peer) cannot serve the request now.
 */
public interface FlashArray {

    ArrayInfo arrayInfo();

    ArraySpace space();

    // --- volumes -------------------------------------------------------------------------------

    /** Creates an empty thin volume. */
    VolumeRecord createVolume(String name, long provisionedBytes);

    /**
     * Copies a volume or snapshot ({@code sourceName}) to {@code targetName}. A missing target is
     * created; an existing one takes the source's content and size (keeping its id and serial) only
     * with {@code overwrite}, else ALREADY_EXISTS. As on FlashArray, where failover restores rely on
     * overwrite creating volumes the secondary does not have yet.
     */
    VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite);

    /** The volume, live or destroyed. */
    Optional<VolumeRecord> findVolume(String name);

    /** Every volume, live and destroyed. */
    List<VolumeRecord> listVolumes();

    /** Changes the provisioned size; shrinking needs {@code truncate}. */
    VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate);

    VolumeRecord renameVolume(String name, String newName);

    /** Destroys the volume; it can be recovered until eradicated. Fails if it has connections. */
    void destroyVolume(String name);

    VolumeRecord recoverVolume(String name);

    /** Frees a destroyed volume's name and space. */
    void eradicateVolume(String name);

    // --- snapshots -----------------------------------------------------------------------------

    /** Takes a snapshot named {@code <volumeName>.<suffix>}. */
    SnapshotRecord createSnapshot(String volumeName, String suffix);

    Optional<SnapshotRecord> findSnapshot(String name);

    /** Snapshots of one volume, or of every volume when {@code volumeName} is null. */
    List<SnapshotRecord> listSnapshots(String volumeName);

    /** Renames a snapshot's suffix: {@code newName} must keep the same volume part. */
    SnapshotRecord renameSnapshot(String name, String newName);

    void destroySnapshot(String name);

    void eradicateSnapshot(String name);

    // --- hosts and connections ----------------------------------------------------------------

    HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns);

    Optional<HostRecord> findHost(String name);

    /** The host holding this IQN, WWN (any case, with or without colons) or NQN. */
    Optional<HostRecord> findHostByInitiator(String initiator);

    List<HostRecord> listHosts();

    /** Sets CHAP credentials and personality; null leaves a field as it is. */
    HostRecord updateHost(String name, String personality, String chapUser, String chapSecret);

    /** Deletes a host; fails with FAILED_PRECONDITION if it still has connections. */
    void deleteHost(String name);

    /** Connects host and volume on the lowest free LUN; ALREADY_EXISTS if they are connected. */
    ConnectionRecord connect(String hostName, String volumeName);

    /** Connections filtered by host and/or volume; null means any. */
    List<ConnectionRecord> listConnections(String hostName, String volumeName);

    /** Removes a connection; NOT_FOUND if there is none. */
    void disconnect(String hostName, String volumeName);

    // --- target ports --------------------------------------------------------------------------

    /** Target ports of ready controllers. */
    List<PortRecord> listPorts();

    // --- counts (stats) -----------------------------------------------------------------------
    // Arrays may count without listing: over REST each is one request however many objects there are.

    /** Volumes that are not destroyed. */
    default long countLiveVolumes() {
        return listVolumes().stream().filter(v -> !v.destroyed()).count();
    }

    /** Snapshots that are not destroyed. */
    default long countLiveSnapshots() {
        return listSnapshots(null).stream().filter(s -> !s.destroyed()).count();
    }

    /** Hosts, as {@link #listHosts()} lists them. */
    default long countHosts() {
        return listHosts().size();
    }

    /** Target ports of ready controllers that serve {@code service}; arrays may read less for it. */
    default List<PortRecord> listPorts(PortService service) {
        return listPorts().stream().filter(p -> p.service() == service).toList();
    }
}
