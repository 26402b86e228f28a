package io.purebridge.engine.rest;

import static io.purebridge.engine.rest.RestMapping.connection;
import static io.purebridge.engine.rest.RestMapping.host;
import static io.purebridge.engine.rest.RestMapping.obj;
import static io.purebridge.engine.rest.RestMapping.putList;
import static io.purebridge.engine.rest.RestMapping.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayOffload;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.OffloadedSnapshotRestore;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.array.VolumeTags;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The array SPI over FlashArray REST 2.x (a real array, or a simulated one behind the service's
 * REST front end). Each SPI method is one or a few REST calls; errors are mapped by
 * {@link RestErrors}. Stateless apart from the session, so several service replicas can share an
 * array. Replication ({@link ReplicationArray}) maps to /pods, /pods/arrays, /protection-groups(/targets,
 * /volumes), /protection-group-snapshots(/transfer) and /array-connections.
 */
public final class RestFlashArray implements FlashArray, ReplicationArray, PerformanceHistory, VolumeQos, VolumeGroups,
        VolumeTags, OffloadedSnapshotRestore, ArrayOffload, AutoCloseable {
    /** Reads sent alongside the caller's own (daemon threads, created as needed, idle ones reaped). */
    private static final ExecutorService READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rest-read");
        t.setDaemon(true);
        return t;
    });

    private final RestSession session;
    private final RestMapping map;
    private final RestVolumeFeatures features;
    private final RestReplication replication;
    private final RestOffloadRestore offloadRestore;
    private final RestSnapshotOffload snapshotOffload;

    public RestFlashArray(RestSession session, Clock clock) {
        this.session = Objects.requireNonNull(session, "session");
        this.map = new RestMapping(session, Objects.requireNonNull(clock, "clock"));
        this.features = new RestVolumeFeatures(session, o -> map.destroyedAt(o, o.path("destroyed").asBoolean(false)));
        this.replication = new RestReplication(session, map);
        this.offloadRestore = new RestOffloadRestore(session, map);
        this.snapshotOffload = new RestSnapshotOffload(session, map, offloadRestore);
    }

    /** The negotiated REST version (logs in if needed). */
    public RestApiVersion restVersion() {
        return session.version();
    }

    @Override
    public void close() {
        session.close();
    }

    // --- array ---------------------------------------------------------------------------------

    @Override
    public ArrayInfo arrayInfo() {
        JsonNode a = map.first(session.list("arrays", RestQuery.of(), "read the array's identity"), "arrays");
        map.eradicationDelayMs = a.path("eradication_config").path("eradication_delay").asLong(RestMapping.DEFAULT_ERADICATION_DELAY_MS);
        return new ArrayInfo(a.path("name").asText(), a.path("id").asText(), a.path("version").asText(""));
    }

    @Override
    public ArraySpace space() {
        JsonNode a = map.first(session.list("arrays/space", RestQuery.of(), "read the array's space"), "arrays/space");
        JsonNode s = a.path("space");
        long physical = s.hasNonNull("total_physical") ? s.path("total_physical").asLong() : s.path("total_used").asLong();
        long provisioned = s.hasNonNull("total_provisioned") ? s.path("total_provisioned").asLong()
                : s.path("used_provisioned").asLong();
        return new ArraySpace(a.path("capacity").asLong(), physical, provisioned, s.path("unique").asLong(),
                s.path("snapshots").asLong(), s.path("data_reduction").asDouble(1.0),
                s.path("total_reduction").asDouble(1.0));
    }

    /** {@code GET /arrays/performance}; fields a model does not report read as 0. */
    @Override
    public List<ArrayPerformance> performance(Long startTimeMs, Long endTimeMs, Long resolutionMs) {
        RestQuery q = RestQuery.of();
        if (startTimeMs != null) {
            q.add("start_time", startTimeMs);
        }
        if (endTimeMs != null) {
            q.add("end_time", endTimeMs);
        }
        if (resolutionMs != null) {
            q.add("resolution", resolutionMs);
        }
        List<ArrayPerformance> out = new ArrayList<>();
        for (JsonNode p : session.list("arrays/performance", q, "read the array's performance")) {
            out.add(new ArrayPerformance(p.path("time").asLong(), p.path("reads_per_sec").asLong(),
                    p.path("writes_per_sec").asLong(), p.path("mirrored_writes_per_sec").asLong(),
                    p.path("read_bytes_per_sec").asLong(), p.path("write_bytes_per_sec").asLong(),
                    p.path("mirrored_write_bytes_per_sec").asLong(), p.path("usec_per_read_op").asLong(),
                    p.path("usec_per_write_op").asLong(), p.path("usec_per_mirrored_write_op").asLong(),
                    p.path("queue_usec_per_read_op").asLong(), p.path("queue_usec_per_write_op").asLong(),
                    p.path("queue_usec_per_mirrored_write_op").asLong(), p.path("queue_depth").asLong()));
        }
        return out;
    }

    // --- volumes -------------------------------------------------------------------------------

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes) {
        ObjectNode body = obj().put("provisioned", provisionedBytes);
        return map.volume(map.single(session.call("POST", "volumes", RestQuery.of().add("names", name), body,
                "create volume '" + name + "'"), name));
    }

    @Override
    public VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite) {
        ObjectNode body = obj();
        body.putObject("source").put("name", sourceName);
        RestQuery q = RestQuery.of().add("names", targetName);
        if (overwrite) {
            q.add("overwrite", true);
        }
        return map.volume(map.single(session.call("POST", "volumes", q, body,
                "copy '" + sourceName + "' to volume '" + targetName + "'"), targetName));
    }

    @Override
    public VolumeRecord restoreOffloaded(String target, String snapshot, String volume, long sizeBytes) {
        return offloadRestore.restore(target, snapshot, volume, sizeBytes);
    }

    @Override
    public boolean offloadTargetConnected(String name) {
        return offloadRestore.connected(name);
    }

    @Override
    public String offloadSnapshot(String target, String snapshot) {
        SnapshotRecord held = findSnapshot(snapshot).filter(s -> !s.destroyed()).orElseThrow(() ->
                EngineException.notFound("SNAPSHOT_NOT_FOUND", "Array " + session.sanIp() + " holds no snapshot '"
                        + snapshot + "' to offload; name a snapshot the array lists."));
        return snapshotOffload.send(arrayInfo().name(), target, held);
    }

    @Override
    public List<String> dropFinishedSendSources(String target) {
        return snapshotOffload.dropFinished(arrayInfo().name(), target);
    }

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return map.findOne("volumes", name, "find volume '" + name + "'").map(map::volume);
    }

    @Override
    public List<VolumeRecord> listVolumes() {
        List<VolumeRecord> out = new ArrayList<>();
        for (JsonNode v : session.list("volumes", RestQuery.of(), "list volumes")) {
            out.add(map.volume(v));
        }
        return out;
    }

    @Override
    public VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
        RestQuery q = RestQuery.of().add("names", name);
        if (truncate) {
            q.add("truncate", true);
        }
        return map.volume(map.single(session.call("PATCH", "volumes", q, obj().put("provisioned", provisionedBytes),
                "resize volume '" + name + "'"), name));
    }

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        return map.volume(map.single(session.call("PATCH", "volumes", RestQuery.of().add("names", name),
                obj().put("name", newName), "rename volume '" + name + "' to '" + newName + "'"), newName));
    }

    @Override
    public void destroyVolume(String name) {
        session.call("PATCH", "volumes", RestQuery.of().add("names", name), obj().put("destroyed", true),
                "destroy volume '" + name + "'");
    }

    @Override
    public VolumeRecord recoverVolume(String name) {
        return map.volume(map.single(session.call("PATCH", "volumes", RestQuery.of().add("names", name),
                obj().put("destroyed", false), "recover volume '" + name + "'"), name));
    }

    @Override
    public void eradicateVolume(String name) {
        session.call("DELETE", "volumes", RestQuery.of().add("names", name), null, "eradicate volume '" + name + "'");
    }

    // --- snapshots -----------------------------------------------------------------------------

    @Override
    public SnapshotRecord createSnapshot(String volumeName, String suffix) {
        ObjectNode body = obj();
        if (suffix != null) {
            body.put("suffix", suffix);
        }
        return map.snapshot(map.single(session.call("POST", "volume-snapshots",
                RestQuery.of().add("source_names", volumeName), body,
                "snapshot volume '" + volumeName + "' as '" + volumeName + "." + suffix + "'"), volumeName));
    }

    @Override
    public Optional<SnapshotRecord> findSnapshot(String name) {
        return map.findOne("volume-snapshots", name, "find snapshot '" + name + "'").map(map::snapshot);
    }

    @Override
    public List<SnapshotRecord> listSnapshots(String volumeName) {
        RestQuery q = RestQuery.of().add("source_names", volumeName);
        List<SnapshotRecord> out = new ArrayList<>();
        for (JsonNode s : map.listOrEmpty("volume-snapshots", q,
                volumeName == null ? "list snapshots" : "list snapshots of volume '" + volumeName + "'")) {
            out.add(map.snapshot(s));
        }
        return out;
    }

    @Override
    public SnapshotRecord renameSnapshot(String name, String newName) {
        return map.snapshot(map.single(session.call("PATCH", "volume-snapshots", RestQuery.of().add("names", name),
                obj().put("name", newName), "rename snapshot '" + name + "' to '" + newName + "'"), newName));
    }

    @Override
    public void destroySnapshot(String name) {
        session.call("PATCH", "volume-snapshots", RestQuery.of().add("names", name), obj().put("destroyed", true),
                "destroy snapshot '" + name + "'");
    }

    @Override
    public void eradicateSnapshot(String name) {
        session.call("DELETE", "volume-snapshots", RestQuery.of().add("names", name), null,
                "eradicate snapshot '" + name + "'");
    }

    // --- hosts and connections ----------------------------------------------------------------

    @Override
    public HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns) {
        ObjectNode body = obj();
        putList(body, "iqns", iqns);
        putList(body, "wwns", wwns);
        putList(body, "nqns", nqns);
        return host(map.single(session.call("POST", "hosts", RestQuery.of().add("names", name), body,
                "create host '" + name + "'"), name));
    }

    @Override
    public Optional<HostRecord> findHost(String name) {
        return map.findOne("hosts", name, "find host '" + name + "'").map(RestMapping::host);
    }

    @Override
    public Optional<HostRecord> findHostByInitiator(String initiator) {
        if (initiator == null || initiator.isBlank() || initiator.indexOf('\'') >= 0 || initiator.indexOf('"') >= 0) {
            throw EngineException.invalidArgument("INITIATOR_INVALID", "Initiator '" + initiator
                    + "' is not an IQN, WWN or NQN; check the host connector.");
        }
        String lower = initiator.toLowerCase(Locale.ROOT);
        String filter;
        if (lower.startsWith("iqn.") || lower.startsWith("eui.")) {
            filter = "iqns='" + initiator + "'";
        } else if (lower.startsWith("nqn.")) {
            filter = "nqns='" + initiator + "'";
        } else {
            filter = "wwns='" + initiator.replace(":", "").toUpperCase(Locale.ROOT) + "'";
        }
        List<JsonNode> hosts = session.list("hosts", RestQuery.of().add("filter", filter),
                "find the host of initiator '" + initiator + "'");
        for (JsonNode h : hosts) {
            if (h.path("is_local").asBoolean(true)) {
                return Optional.of(host(h));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<HostRecord> listHosts() {
        List<HostRecord> out = new ArrayList<>();
        for (JsonNode h : session.list("hosts", RestQuery.of(), "list hosts")) {
            out.add(host(h));
        }
        return out;
    }

    @Override
    public HostRecord updateHost(String name, String personality, String chapUser, String chapSecret) {
        ObjectNode body = obj();
        if (personality != null) {
            body.put("personality", personality);
        }
        if (chapUser != null || chapSecret != null) {
            ObjectNode chap = body.putObject("chap");
            if (chapUser != null) {
                chap.put("host_user", chapUser);
            }
            if (chapSecret != null) {
                chap.put("host_password", chapSecret);
            }
        }
        if (body.isEmpty()) {
            return findHost(name).orElseThrow(() -> EngineException.notFound("NOT_FOUND", "Host '" + name
                    + "' does not exist on array " + session.sanIp() + "."));
        }
        return host(map.single(session.call("PATCH", "hosts", RestQuery.of().add("names", name), body,
                "update host '" + name + "'"), name));
    }

    @Override
    public void deleteHost(String name) {
        session.call("DELETE", "hosts", RestQuery.of().add("names", name), null, "delete host '" + name + "'");
    }

    @Override
    public ConnectionRecord connect(String hostName, String volumeName) {
        JsonNode item = map.single(session.call("POST", "connections",
                RestQuery.of().add("host_names", hostName).add("volume_names", volumeName), null,
                "connect host '" + hostName + "' to volume '" + volumeName + "'"), volumeName);
        return connection(item);
    }

    @Override
    public List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        RestQuery q = RestQuery.of().add("host_names", hostName).add("volume_names", volumeName);
        List<ConnectionRecord> out = new ArrayList<>();
        for (JsonNode c : map.listOrEmpty("connections", q, "list connections")) {
            if (c.path("host").hasNonNull("name")) {
                out.add(connection(c));
            }
        }
        return out;
    }

    @Override
    public void disconnect(String hostName, String volumeName) {
        session.call("DELETE", "connections",
                RestQuery.of().add("host_names", hostName).add("volume_names", volumeName), null,
                "disconnect host '" + hostName + "' from volume '" + volumeName + "'");
    }

    // --- counts --------------------------------------------------------------------------------

    /** One request however many volumes: destroyed=false, one item, total_item_count. */
    @Override
    public long countLiveVolumes() {
        return count("volumes", true, "count volumes");
    }

    @Override
    public long countLiveSnapshots() {
        return count("volume-snapshots", true, "count snapshots");
    }

    @Override
    public long countHosts() {
        return count("hosts", false, "count hosts");
    }

    private long count(String resource, boolean liveOnly, String what) {
        RestQuery q = RestQuery.of().add("limit", 1).add("total_item_count", true);
        if (liveOnly) {
            q.add("destroyed", false);
        }
        JsonNode total = session.call("GET", resource, q, null, what).path("total_item_count");
        if (total.isIntegralNumber()) {
            return total.asLong();
        }
        // An array that does not report the total: list the same selection and count it.
        RestQuery all = liveOnly ? RestQuery.of().add("destroyed", false) : RestQuery.of();
        return session.list(resource, all, what).size();
    }

    // --- ports ---------------------------------------------------------------------------------

    @Override
    public List<PortRecord> listPorts() {
        return readPorts(null);
    }

    /**
     * Read on every call, never cached: a port that went away since the last attach must not be
     * handed to a host. Only NVMe needs the network interfaces (RoCE or TCP), so iSCSI and FC take
     * two requests (ready controllers, ports) instead of three.
     */
    @Override
    public List<PortRecord> listPorts(PortService service) {
        return readPorts(service);
    }

    private List<PortRecord> readPorts(PortService wanted) {
        boolean nvme = wanted == null || wanted == PortService.NVME_ROCE || wanted == PortService.NVME_TCP;
        // The reads do not depend on each other: sent together, they cost one round trip of wall time.
        CompletableFuture<List<JsonNode>> ports = CompletableFuture.supplyAsync(
                () -> session.list("ports", RestQuery.of(), "list ports"), READS);
        CompletableFuture<List<JsonNode>> nics = nvme ? CompletableFuture.supplyAsync(
                () -> session.list("network-interfaces", RestQuery.of(), "list network interfaces"), READS)
                : CompletableFuture.completedFuture(List.of());
        Set<String> ready = new HashSet<>();
        for (JsonNode c : session.list("controllers", RestQuery.of().add("filter", "status='ready'"),
                "list ready controllers")) {
            ready.add(c.path("name").asText().toUpperCase(Locale.ROOT));
        }
        Map<String, Set<String>> services = new HashMap<>();
        for (JsonNode nic : RestMapping.join(nics)) {
            Set<String> s = new HashSet<>();
            nic.path("services").forEach(n -> s.add(n.asText()));
            services.put(nic.path("name").asText().toUpperCase(Locale.ROOT), s);
        }
        List<PortRecord> out = new ArrayList<>();
        for (JsonNode p : RestMapping.join(ports)) {
            String name = p.path("name").asText();
            int dot = name.indexOf('.');
            String controller = (dot < 0 ? name : name.substring(0, dot)).toUpperCase(Locale.ROOT);
            if (!ready.contains(controller)) {
                continue;
            }
            String iqn = text(p, "iqn");
            String wwn = text(p, "wwn");
            String nqn = text(p, "nqn");
            String portal = text(p, "portal");
            PortService service;
            if (iqn != null && portal != null) {
                service = PortService.ISCSI;
            } else if (wwn != null) {
                service = PortService.FC;
            } else if (nqn != null && portal != null) {
                Set<String> s = services.getOrDefault(name.toUpperCase(Locale.ROOT), Set.of());
                service = s.contains("nvme-roce") ? PortService.NVME_ROCE : PortService.NVME_TCP;
            } else {
                continue;
            }
            if (wanted == null || service == wanted) {
                out.add(new PortRecord(name, iqn, wwn, nqn, portal, service));
            }
        }
        return out;
    }

    // --- replication (RestReplication) ---------------------------------------------------------

    @Override
    public PodRecord createPod(String name) {
        return replication.createPod(name);
    }

    @Override
    public Optional<PodRecord> findPod(String name) {
        return replication.findPod(name);
    }

    @Override
    public List<PodRecord> listPods() {
        return replication.listPods();
    }

    @Override
    public PodRecord stretchPod(String podName, String arrayName) {
        return replication.stretchPod(podName, arrayName);
    }

    @Override
    public PodRecord unstretchPod(String podName, String arrayName) {
        return replication.unstretchPod(podName, arrayName);
    }

    @Override
    public PodRecord setFailoverPreferences(String podName, List<String> arrayNames) {
        return replication.setFailoverPreferences(podName, arrayNames);
    }

    @Override
    public void destroyPod(String podName) {
        replication.destroyPod(podName);
    }

    @Override
    public VolumeRecord moveVolume(String volumeName, String podName) {
        return replication.moveVolume(volumeName, podName);
    }

    @Override
    public ProtectionGroupRecord createProtectionGroup(String name) {
        return replication.createProtectionGroup(name);
    }

    @Override
    public Optional<ProtectionGroupRecord> findProtectionGroup(String name) {
        return replication.findProtectionGroup(name);
    }

    @Override
    public List<ProtectionGroupRecord> listProtectionGroups() {
        return replication.listProtectionGroups();
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return replication.removeProtectionGroupTargets(groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames) {
        return replication.addProtectionGroupTargets(groupName, arrayNames);
    }

    @Override
    public ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed) {
        return replication.allowProtectionGroup(remoteGroupName, allowed);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return replication.addProtectionGroupMembers(groupName, volumeNames);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames) {
        return replication.removeProtectionGroupMembers(groupName, volumeNames);
    }

    @Override
    public ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule) {
        return replication.setReplicationSchedule(groupName, schedule);
    }

    @Override
    public ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target) {
        return replication.setRetention(groupName, source, target);
    }

    @Override
    public void updateProtectionGroup(String groupName, RetentionPolicy targetRetention, ReplicationSchedule schedule) {
        replication.updateProtectionGroup(groupName, targetRetention, schedule);
    }

    @Override
    public void putProtectionGroupTargets(String groupName, List<String> arrayNames) {
        replication.putProtectionGroupTargets(groupName, arrayNames);
    }

    @Override
    public void setProtectionGroupAllowed(String remoteGroupName, boolean allowed) {
        replication.setProtectionGroupAllowed(remoteGroupName, allowed);
    }

    @Override
    public void putProtectionGroupMembers(String groupName, List<String> volumeNames) {
        replication.putProtectionGroupMembers(groupName, volumeNames);
    }

    @Override
    public void dropProtectionGroupMembers(String groupName, List<String> volumeNames) {
        replication.dropProtectionGroupMembers(groupName, volumeNames);
    }

    @Override
    public PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention) {
        return replication.createProtectionGroupSnapshot(groupName, suffix, replicateNow, applyRetention);
    }

    @Override
    public PgSnapshotRecord destroyProtectionGroupSnapshot(String name) {
        return replication.destroyProtectionGroupSnapshot(name);
    }

    @Override
    public PgSnapshotRecord recoverProtectionGroupSnapshot(String name) {
        return replication.recoverProtectionGroupSnapshot(name);
    }

    @Override
    public void eradicateProtectionGroupSnapshot(String name) {
        replication.eradicateProtectionGroupSnapshot(name);
    }

    @Override
    public List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName) {
        return replication.listProtectionGroupSnapshots(groupName);
    }

    @Override
    public List<PgTransferRecord> listProtectionGroupTransfers(String groupName) {
        return replication.listProtectionGroupTransfers(groupName);
    }

    @Override
    public void destroyProtectionGroup(String groupName) {
        replication.destroyProtectionGroup(groupName);
    }

    @Override
    public List<ArrayConnectionRecord> listArrayConnections() {
        return replication.listArrayConnections();
    }

    // --- QoS, volume groups and tags (RestVolumeFeatures) --------------------------------------

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes, QosLimits qos) {
        qos.check("volume " + name);
        ObjectNode body = obj().put("provisioned", provisionedBytes);
        if (!qos.unlimited()) {
            body.set("qos", RestVolumeFeatures.postJson(qos));
        }
        return map.volume(map.single(session.call("POST", "volumes", RestQuery.of().add("names", name), body,
                "create volume '" + name + "' with QoS"), name));
    }

    @Override
    public QosLimits volumeQos(String volumeName) {
        return features.volumeQos(volumeName);
    }

    @Override
    public Map<String, QosLimits> listVolumeQos() {
        return features.listVolumeQos();
    }

    @Override
    public QosLimits setVolumeQos(String volumeName, QosLimits qos) {
        return features.setVolumeQos(volumeName, qos);
    }

    @Override
    public VolumeGroupRecord createVolumeGroup(String name, QosLimits qos) {
        return features.createVolumeGroup(name, qos);
    }

    @Override
    public Optional<VolumeGroupRecord> findVolumeGroup(String name) {
        return features.findVolumeGroup(name);
    }

    @Override
    public List<VolumeGroupRecord> listVolumeGroups() {
        return features.listVolumeGroups();
    }

    @Override
    public VolumeGroupRecord setVolumeGroupQos(String name, QosLimits qos) {
        return features.setVolumeGroupQos(name, qos);
    }

    @Override
    public VolumeGroupRecord renameVolumeGroup(String name, String newName) {
        return features.renameVolumeGroup(name, newName);
    }

    @Override
    public VolumeGroupRecord destroyVolumeGroup(String name) {
        return features.destroyVolumeGroup(name);
    }

    @Override
    public VolumeGroupRecord recoverVolumeGroup(String name) {
        return features.recoverVolumeGroup(name);
    }

    @Override
    public void eradicateVolumeGroup(String name, boolean eradicateContents) {
        features.eradicateVolumeGroup(name, eradicateContents);
    }

    @Override
    public VolumeRecord moveVolumeToGroup(String volumeName, String groupName) {
        String newName = features.moveVolumeToGroup(volumeName, groupName);
        return findVolume(newName).orElseThrow(() -> EngineException.internal("EMPTY_ARRAY_RESPONSE", "Array "
                + session.sanIp() + " did not show volume '" + newName + "' after moving it.", null));
    }

    @Override
    public List<VolumeTag> listVolumeTags(Collection<String> volumeNames) {
        return features.listVolumeTags(volumeNames);
    }

    @Override
    public List<VolumeTag> putVolumeTags(List<VolumeTag> tags) {
        return features.putVolumeTags(tags);
    }

    @Override
    public int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys) {
        return features.deleteVolumeTags(volumeName, namespace, keys);
    }

    @Override
    public String toString() {
        return "RestFlashArray[" + session.sanIp() + "]";
    }
}
