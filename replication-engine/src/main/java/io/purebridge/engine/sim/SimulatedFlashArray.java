package io.purebridge.engine.sim;

import io.purebridge.engine.array.BulkVolumeCopy;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.BlockAddresses;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.EncodedBlockWrite;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.array.VolumeTags;
import io.purebridge.engine.error.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FlashArray simulated in this process and persisted in its own RocksDB ({@link SimStore}): the
 * facade that implements the SPI and hands each call to the class that owns that job.
 *
 * <ul>
 *   <li>{@link ArrayCatalog}: the store, the in-memory records, the lock, the one commit path;</li>
 *   <li>{@link Volumes}: volumes and snapshots; {@link Hosts}: hosts, connections, ports;</li>
 *   <li>{@link DataPath}: block reads and writes, checksums, space, the consistency check;</li>
 *   <li>{@link VolumeGroupsAndQos} and {@link Tags}: volume groups, QoS limits and tags;</li>
 *   <li>{@link PodRouting}: sends calls on {@code pod::x} objects through the replication fabric;</li>
 *   <li>{@link ArrayReplicaStore}: the {@link ReplicaStore} the fabric and protection groups use.</li>
 * </ul>
 *
 * <p>Thread-safe: one read-write lock per array; reads (including data reads) run concurrently.
 */
public final class SimulatedFlashArray implements FlashArray, BlockDataAccess, ReplicationArray, PerformanceHistory,
        VolumeQos, VolumeGroups, VolumeTags, BulkVolumeCopy, EncodedBlockWrite, BlockAddresses, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFlashArray.class);
    static final String PURITY_VERSION = "6.7.1";

    private final ArrayCatalog catalog;
    private final Volumes volumes;
    private final Hosts hosts;
    private final DataPath data;
    private final VolumeGroupsAndQos groups;
    private final Tags tags;
    private final ArrayReplicaStore replicas;
    private final PodRouting pods;

    /** Opens (or creates) the array whose store is {@code directory}. */
    public SimulatedFlashArray(SimulatedArrayConfig config, Path directory, Clock clock) {
        this(config, directory, clock, QosThrottle.system());
    }

    /** @param throttle enforces volume and volume-group QoS on reads and writes */
    public SimulatedFlashArray(SimulatedArrayConfig config, Path directory, Clock clock, QosThrottle throttle) {
        this.catalog = new ArrayCatalog(config, directory, clock, throttle);
        this.volumes = new Volumes(catalog);
        this.hosts = new Hosts(catalog);
        this.data = new DataPath(catalog);
        this.groups = new VolumeGroupsAndQos(catalog, volumes);
        this.tags = new Tags(catalog);
        this.replicas = new ArrayReplicaStore(catalog, volumes, data);
        this.pods = new PodRouting(catalog, replicas, data);
    }

    public String name() {
        return catalog.name();
    }

    /**
     * The array's id, without taking the array lock (the fabric asks while holding its own). Every
     * ArrayState carries the same immutable id, so a racy read of the field is still right.
     */
    public String id() {
        return replicas.id();
    }

    /** How long destroyed objects wait before automatic eradication (for time_remaining). */
    public Duration eradicationDelay() {
        return catalog.config.eradicationDelay();
    }

    SimulatedArrayConfig config() {
        return catalog.config;
    }

    /** What replication uses of this array (the host hands it to the fabric). */
    ReplicaStore replicaStore() {
        return replicas;
    }

    void attachFabric(ReplicationFabric fabric) {
        pods.attach(fabric);
    }

    /** How many fsyncs the chunk log ran (tests: writers share them). */
    long logSyncCount() {
        return catalog.store.log().syncCount();
    }

    /** Test oracle and operator fsck: see {@link DataPath#checkConsistency()}. */
    List<String> checkConsistency() {
        return data.checkConsistency();
    }

    // --- array ---------------------------------------------------------------------------------

    @Override
    public ArrayInfo arrayInfo() {
        return catalog.read(() -> new ArrayInfo(catalog.name(), catalog.state.id(), PURITY_VERSION));
    }

    @Override
    public ArraySpace space() {
        return data.space();
    }

    @Override
    public VolumeSpace volumeSpace(String volumeName) {
        return data.volumeSpace(volumeName);
    }

    @Override
    public List<PortRecord> listPorts() {
        return hosts.listPorts();
    }

    @Override
    public List<ArrayPerformance> performance(Long startTimeMs, Long endTimeMs, Long resolutionMs) {
        catalog.requireRunning();
        return catalog.io.performance(startTimeMs, endTimeMs, resolutionMs);
    }

    /**
     * Eradicates every destroyed volume, snapshot and empty volume group whose eradication delay
     * has passed.
     *
     * @return how many objects were eradicated
     */
    public int eradicateExpired() {
        return catalog.mutate(() -> {
            long cutoff = catalog.clock.millis() - catalog.config.eradicationDelay().toMillis();
            int count = volumes.eradicateExpired(cutoff) + groups.eradicateExpiredGroups(cutoff);
            if (count > 0) {
                LOG.info("{}: eradicated {} objects past the eradication delay", catalog.name(), count);
            }
            return count;
        });
    }

    // --- volumes and snapshots (pod-routed) ------------------------------------------------------

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes) {
        return createVolume(name, provisionedBytes, QosLimits.UNLIMITED);
    }

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes, QosLimits qos) {
        Objects.requireNonNull(qos, "qos").check("volume " + name);
        return pods.route(name, pods.objectsOf(name), () -> volumes.create(name, provisionedBytes, qos));
    }

    @Override
    public VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite) {
        return pods.routeCopy(sourceName, targetName, () -> volumes.copy(sourceName, targetName, overwrite));
    }

    /**
     * Many overwriting copies in one WriteBatch (one fsync): how a failover restores a whole group
     * snapshot. Each copy is checked first (source live, target outside pods and not destroyed);
     * those that fail are reported and the others applied together.
     */
    @Override
    public Map<String, EngineException> copyVolumes(Map<String, String> sourcesByTarget) {
        return volumes.copyMany(sourcesByTarget, pods::checkIo);
    }

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return volumes.find(name);
    }

    @Override
    public List<VolumeRecord> listVolumes() {
        return volumes.list();
    }

    @Override
    public VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
        return pods.route(name, pods.objectsOf(name), () -> volumes.resize(name, provisionedBytes, truncate));
    }

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        return pods.route(name, pods.objectsOf(name, newName == null ? name : newName),
                () -> volumes.rename(name, newName, false));
    }

    @Override
    public void destroyVolume(String name) {
        pods.route(name, pods.objectsOf(name), () -> {
            volumes.destroy(name);
            return null;
        });
    }

    @Override
    public VolumeRecord recoverVolume(String name) {
        return pods.route(name, pods.objectsOf(name), () -> volumes.recover(name));
    }

    @Override
    public void eradicateVolume(String name) {
        pods.route(name, pods.objectsOf(name), () -> {
            volumes.eradicate(name);
            return null;
        });
    }

    @Override
    public SnapshotRecord createSnapshot(String volumeName, String suffix) {
        // The new name is known only afterwards: mirror every snapshot of the volume.
        return pods.route(volumeName, pods.objectsOf(volumeName), () -> volumes.createSnapshot(volumeName, suffix));
    }

    @Override
    public Optional<SnapshotRecord> findSnapshot(String name) {
        return volumes.findSnapshot(name);
    }

    @Override
    public List<SnapshotRecord> listSnapshots(String volumeName) {
        return volumes.listSnapshots(volumeName);
    }

    @Override
    public SnapshotRecord renameSnapshot(String name, String newName) {
        return pods.route(name, () -> List.of(name, newName), () -> volumes.renameSnapshot(name, newName));
    }

    @Override
    public void destroySnapshot(String name) {
        pods.route(name, () -> List.of(name), () -> {
            volumes.destroySnapshot(name);
            return null;
        });
    }

    @Override
    public void eradicateSnapshot(String name) {
        pods.route(name, () -> List.of(name), () -> {
            volumes.eradicateSnapshot(name);
            return null;
        });
    }

    // --- data ----------------------------------------------------------------------------------

    @Override
    public void write(String volumeName, long offsetBytes, byte[] bytes) {
        // QoS waits come first: the performance counters measure the array's own service time.
        groups.throttle(volumeName, bytes == null ? 0 : bytes.length);
        long started = catalog.io.begin();
        boolean mirrored = pods.write(volumeName, offsetBytes, bytes);
        catalog.io.write(started, bytes.length, mirrored);
    }

    @Override
    public void writeEncoded(String volumeName, long offsetBytes, byte[][] hashes, byte[][] encoded) {
        int length = hashes.length * BlockStore.BLOCK_SIZE;
        groups.throttle(volumeName, length);
        long started = catalog.io.begin();
        boolean mirrored = pods.writeEncoded(volumeName, offsetBytes, hashes, encoded);
        catalog.io.write(started, length, mirrored);
    }

    @Override
    public BitSet writeHeld(String volumeName, long offsetBytes, byte[][] hashes) {
        return pods.writeHeld(volumeName, offsetBytes, hashes);
    }

    @Override
    public void read(String name, long offsetBytes, byte[] out, int outOffset, int length) {
        groups.throttle(name, Math.max(0, length));
        long started = catalog.io.begin();
        pods.checkIo(name);
        data.read(name, offsetBytes, out, outOffset, length);
        catalog.io.read(started, length);
    }

    @Override
    public String checksum(String name, long offsetBytes, long length) {
        pods.checkIo(name);
        return data.checksum(name, offsetBytes, length);
    }

    @Override
    public byte[][] blockAddresses(String name, long firstBlock, int count) {
        pods.checkIo(name);
        return data.blockAddresses(name, firstBlock, count);
    }

    @Override
    public byte[][] storedChunks(byte[][] names) {
        return data.storedChunks(names);
    }

    // --- hosts and connections -----------------------------------------------------------------

    @Override
    public HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns) {
        return hosts.createHost(name, iqns, wwns, nqns);
    }

    @Override
    public Optional<HostRecord> findHost(String name) {
        return hosts.findHost(name);
    }

    @Override
    public Optional<HostRecord> findHostByInitiator(String initiator) {
        return hosts.findHostByInitiator(initiator);
    }

    @Override
    public List<HostRecord> listHosts() {
        return hosts.listHosts();
    }

    @Override
    public HostRecord updateHost(String name, String personality, String chapUser, String chapSecret) {
        return hosts.updateHost(name, personality, chapUser, chapSecret);
    }

    @Override
    public void deleteHost(String name) {
        hosts.deleteHost(name);
    }

    @Override
    public ConnectionRecord connect(String hostName, String volumeName) {
        return hosts.connect(hostName, volumeName);
    }

    @Override
    public List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        return hosts.listConnections(hostName, volumeName);
    }

    @Override
    public void disconnect(String hostName, String volumeName) {
        hosts.disconnect(hostName, volumeName);
    }

    // --- QoS, volume groups and tags -------------------------------------------------------------

    @Override
    public QosLimits volumeQos(String volumeName) {
        return groups.volumeQos(volumeName);
    }

    @Override
    public Map<String, QosLimits> listVolumeQos() {
        return groups.listVolumeQos();
    }

    @Override
    public QosLimits setVolumeQos(String volumeName, QosLimits qos) {
        return groups.setVolumeQos(volumeName, qos);
    }

    @Override
    public VolumeGroupRecord createVolumeGroup(String name, QosLimits qos) {
        return groups.createVolumeGroup(name, qos);
    }

    @Override
    public Optional<VolumeGroupRecord> findVolumeGroup(String name) {
        return groups.findVolumeGroup(name);
    }

    @Override
    public List<VolumeGroupRecord> listVolumeGroups() {
        return groups.listVolumeGroups();
    }

    @Override
    public VolumeGroupRecord setVolumeGroupQos(String name, QosLimits qos) {
        return groups.setVolumeGroupQos(name, qos);
    }

    @Override
    public VolumeGroupRecord renameVolumeGroup(String name, String newName) {
        return groups.renameVolumeGroup(name, newName);
    }

    @Override
    public VolumeGroupRecord destroyVolumeGroup(String name) {
        return groups.destroyVolumeGroup(name);
    }

    @Override
    public VolumeGroupRecord recoverVolumeGroup(String name) {
        return groups.recoverVolumeGroup(name);
    }

    @Override
    public void eradicateVolumeGroup(String name, boolean eradicateContents) {
        groups.eradicateVolumeGroup(name, eradicateContents);
    }

    @Override
    public VolumeRecord moveVolumeToGroup(String volumeName, String groupName) {
        return groups.moveVolumeToGroup(volumeName, groupName);
    }

    @Override
    public List<VolumeTag> listVolumeTags(Collection<String> volumeNames) {
        return tags.listVolumeTags(volumeNames);
    }

    @Override
    public List<VolumeTag> putVolumeTags(List<VolumeTag> list) {
        return tags.putVolumeTags(list);
    }

    @Override
    public int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys) {
        return tags.deleteVolumeTags(volumeName, namespace, keys);
    }

    // --- ReplicationArray: delegated to the fabric ---------------------------------------------

    @Override
    public PodRecord createPod(String name) {
        return pods.fabric().createPod(replicas, name);
    }

    @Override
    public Optional<PodRecord> findPod(String name) {
        return pods.fabric().findPod(replicas, name);
    }

    @Override
    public List<PodRecord> listPods() {
        return pods.fabric().listPods(replicas);
    }

    @Override
    public PodRecord stretchPod(String podName, String arrayName) {
        return pods.fabric().stretchPod(replicas, podName, arrayName);
    }

    @Override
    public PodRecord unstretchPod(String podName, String arrayName) {
        return pods.fabric().unstretchPod(replicas, podName, arrayName);
    }

    @Override
    public PodRecord setFailoverPreferences(String podName, List<String> arrayNames) {
        return pods.fabric().setFailoverPreferences(replicas, podName, arrayNames);
    }

    @Override
    public void destroyPod(String podName) {
        pods.fabric().destroyPod(replicas, podName);
    }

    @Override
    public VolumeRecord moveVolume(String volumeName, String podName) {
        return pods.fabric().moveVolume(replicas, volumeName, podName);
    }

    @Override
    public ProtectionGroupRecord createProtectionGroup(String name) {
        return pods.fabric().groups().create(replicas, name);
    }

    @Override
    public Optional<ProtectionGroupRecord> findProtectionGroup(String name) {
        return pods.fabric().groups().find(replicas, name);
    }

    @Override
    public List<ProtectionGroupRecord> listProtectionGroups() {
        return pods.fabric().groups().list(replicas);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return pods.fabric().groups().addTargets(replicas, groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return pods.fabric().groups().removeTargets(replicas, groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed) {
        return pods.fabric().groups().allow(replicas, remoteGroupName, allowed);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return pods.fabric().groups().members(replicas, groupName, volumeNames, true);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return pods.fabric().groups().members(replicas, groupName, volumeNames, false);
    }

    @Override
    public ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule) {
        return pods.fabric().groups().schedule(replicas, groupName, schedule);
    }

    @Override
    public ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target) {
        return pods.fabric().groups().retention(replicas, groupName, source, target);
    }

    @Override
    public PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention) {
        return pods.fabric().groups().snapshotNow(replicas, groupName, suffix, replicateNow, applyRetention);
    }

    @Override
    public PgSnapshotRecord destroyProtectionGroupSnapshot(String name) {
        return pods.fabric().groups().setSnapshotDestroyed(replicas, name, true);
    }

    @Override
    public PgSnapshotRecord recoverProtectionGroupSnapshot(String name) {
        return pods.fabric().groups().setSnapshotDestroyed(replicas, name, false);
    }

    @Override
    public void eradicateProtectionGroupSnapshot(String name) {
        pods.fabric().groups().eradicateSnapshot(replicas, name);
    }

    @Override
    public List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName) {
        return pods.fabric().groups().snapshots(replicas, groupName);
    }

    @Override
    public List<PgTransferRecord> listProtectionGroupTransfers(String groupName) {
        return pods.fabric().groups().transfers(replicas, groupName);
    }

    @Override
    public void destroyProtectionGroup(String groupName) {
        pods.fabric().groups().destroy(replicas, groupName);
    }

    @Override
    public List<ArrayConnectionRecord> listArrayConnections() {
        return pods.fabric().arrayConnections(replicas);
    }


    @Override
    public void close() {
        catalog.close();
    }
}
