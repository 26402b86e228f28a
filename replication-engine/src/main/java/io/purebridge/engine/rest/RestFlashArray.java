package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
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
import io.purebridge.engine.error.ErrorCode;
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
import java.util.concurrent.CompletionException;
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
        VolumeTags, AutoCloseable {
    private static final long DEFAULT_ERADICATION_DELAY_MS = 86_400_000L;
    /** Reads sent alongside the caller's own (daemon threads, created as needed, idle ones reaped). */
    private static final ExecutorService READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rest-read");
        t.setDaemon(true);
        return t;
    });

    private final RestSession session;
    private final Clock clock;
    private volatile Long eradicationDelayMs;
    private final RestVolumeFeatures features;

    public RestFlashArray(RestSession session, Clock clock) {
        this.session = Objects.requireNonNull(session, "session");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.features = new RestVolumeFeatures(session, o -> destroyedAt(o, o.path("destroyed").asBoolean(false)));
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
        JsonNode a = first(session.list("arrays", RestQuery.of(), "read the array's identity"), "arrays");
        eradicationDelayMs = a.path("eradication_config").path("eradication_delay").asLong(DEFAULT_ERADICATION_DELAY_MS);
        return new ArrayInfo(a.path("name").asText(), a.path("id").asText(), a.path("version").asText(""));
    }

    @Override
    public ArraySpace space() {
        JsonNode a = first(session.list("arrays/space", RestQuery.of(), "read the array's space"), "arrays/space");
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
        return volume(single(session.call("POST", "volumes", RestQuery.of().add("names", name), body,
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
        return volume(single(session.call("POST", "volumes", q, body,
                "copy '" + sourceName + "' to volume '" + targetName + "'"), targetName));
    }

    @Override
    public Optional<VolumeRecord> findVolume(String name) {
        return findOne("volumes", name, "find volume '" + name + "'").map(this::volume);
    }

    @Override
    public List<VolumeRecord> listVolumes() {
        List<VolumeRecord> out = new ArrayList<>();
        for (JsonNode v : session.list("volumes", RestQuery.of(), "list volumes")) {
            out.add(volume(v));
        }
        return out;
    }

    @Override
    public VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
        RestQuery q = RestQuery.of().add("names", name);
        if (truncate) {
            q.add("truncate", true);
        }
        return volume(single(session.call("PATCH", "volumes", q, obj().put("provisioned", provisionedBytes),
                "resize volume '" + name + "'"), name));
    }

    @Override
    public VolumeRecord renameVolume(String name, String newName) {
        return volume(single(session.call("PATCH", "volumes", RestQuery.of().add("names", name),
                obj().put("name", newName), "rename volume '" + name + "' to '" + newName + "'"), newName));
    }

    @Override
    public void destroyVolume(String name) {
        session.call("PATCH", "volumes", RestQuery.of().add("names", name), obj().put("destroyed", true),
                "destroy volume '" + name + "'");
    }

    @Override
    public VolumeRecord recoverVolume(String name) {
        return volume(single(session.call("PATCH", "volumes", RestQuery.of().add("names", name),
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
        return snapshot(single(session.call("POST", "volume-snapshots",
                RestQuery.of().add("source_names", volumeName), body,
                "snapshot volume '" + volumeName + "' as '" + volumeName + "." + suffix + "'"), volumeName));
    }

    @Override
    public Optional<SnapshotRecord> findSnapshot(String name) {
        return findOne("volume-snapshots", name, "find snapshot '" + name + "'").map(this::snapshot);
    }

    @Override
    public List<SnapshotRecord> listSnapshots(String volumeName) {
        RestQuery q = RestQuery.of().add("source_names", volumeName);
        List<SnapshotRecord> out = new ArrayList<>();
        for (JsonNode s : listOrEmpty("volume-snapshots", q,
                volumeName == null ? "list snapshots" : "list snapshots of volume '" + volumeName + "'")) {
            out.add(snapshot(s));
        }
        return out;
    }

    @Override
    public SnapshotRecord renameSnapshot(String name, String newName) {
        return snapshot(single(session.call("PATCH", "volume-snapshots", RestQuery.of().add("names", name),
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
        return host(single(session.call("POST", "hosts", RestQuery.of().add("names", name), body,
                "create host '" + name + "'"), name));
    }

    @Override
    public Optional<HostRecord> findHost(String name) {
        return findOne("hosts", name, "find host '" + name + "'").map(RestFlashArray::host);
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
        return host(single(session.call("PATCH", "hosts", RestQuery.of().add("names", name), body,
                "update host '" + name + "'"), name));
    }

    @Override
    public void deleteHost(String name) {
        session.call("DELETE", "hosts", RestQuery.of().add("names", name), null, "delete host '" + name + "'");
    }

    @Override
    public ConnectionRecord connect(String hostName, String volumeName) {
        JsonNode item = single(session.call("POST", "connections",
                RestQuery.of().add("host_names", hostName).add("volume_names", volumeName), null,
                "connect host '" + hostName + "' to volume '" + volumeName + "'"), volumeName);
        return connection(item);
    }

    @Override
    public List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        RestQuery q = RestQuery.of().add("host_names", hostName).add("volume_names", volumeName);
        List<ConnectionRecord> out = new ArrayList<>();
        for (JsonNode c : listOrEmpty("connections", q, "list connections")) {
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
        for (JsonNode nic : join(nics)) {
            Set<String> s = new HashSet<>();
            nic.path("services").forEach(n -> s.add(n.asText()));
            services.put(nic.path("name").asText().toUpperCase(Locale.ROOT), s);
        }
        List<PortRecord> out = new ArrayList<>();
        for (JsonNode p : join(ports)) {
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

    // --- pods ----------------------------------------------------------------------------------

    @Override
    public PodRecord createPod(String name) {
        return pod(single(session.call("POST", "pods", RestQuery.of().add("names", name), obj(),
                "create pod '" + name + "'"), name));
    }

    @Override
    public Optional<PodRecord> findPod(String name) {
        return findOne("pods", name, "find pod '" + name + "'").map(RestFlashArray::pod);
    }

    @Override
    public List<PodRecord> listPods() {
        List<PodRecord> out = new ArrayList<>();
        for (JsonNode p : session.list("pods", RestQuery.of(), "list pods")) {
            out.add(pod(p));
        }
        return out;
    }

    @Override
    public PodRecord stretchPod(String podName, String arrayName) {
        try {
            session.call("POST", "pods/arrays", RestQuery.of().add("group_names", podName)
                    .add("member_names", arrayName), null, "stretch pod '" + podName + "' to array '" + arrayName + "'");
        } catch (EngineException e) {
            if (e.code() == ErrorCode.RESOURCE_EXHAUSTED) {
                // The array's "limit reached" here is the two-array limit of a pod.
                throw new EngineException(ErrorCode.FAILED_PRECONDITION, "POD_ARRAY_LIMIT", e.getMessage()
                        + "; a pod spans at most two arrays.");
            }
            throw e;
        }
        return requirePod(podName);
    }

    @Override
    public PodRecord unstretchPod(String podName, String arrayName) {
        session.call("DELETE", "pods/arrays", RestQuery.of().add("group_names", podName)
                .add("member_names", arrayName), null, "unstretch pod '" + podName + "' from array '" + arrayName + "'");
        return requirePod(podName);
    }

    @Override
    public PodRecord setFailoverPreferences(String podName, List<String> arrayNames) {
        ObjectNode body = obj();
        ArrayNode prefs = body.putArray("failover_preferences");
        arrayNames.forEach(n -> prefs.addObject().put("name", n));
        return pod(single(session.call("PATCH", "pods", RestQuery.of().add("names", podName), body,
                "set failover preferences of pod '" + podName + "'"), podName));
    }

    @Override
    public void destroyPod(String podName) {
        session.call("PATCH", "pods", RestQuery.of().add("names", podName), obj().put("destroyed", true),
                "destroy pod '" + podName + "'");
        eradicate("pods", podName, "eradicate pod '" + podName + "'");
    }

    @Override
    public VolumeRecord moveVolume(String volumeName, String podName) {
        ObjectNode body = obj();
        body.putObject("pod").put("name", podName);
        String target = podName.isEmpty() ? volumeName.substring(volumeName.indexOf("::") + 2)
                : podName + "::" + volumeName.substring(volumeName.indexOf("::") < 0 ? 0 : volumeName.indexOf("::") + 2);
        return volume(single(session.call("PATCH", "volumes", RestQuery.of().add("names", volumeName), body,
                "move volume '" + volumeName + "' to " + (podName.isEmpty() ? "the root" : "pod '" + podName + "'")),
                target));
    }

    // --- protection groups ---------------------------------------------------------------------

    @Override
    public ProtectionGroupRecord createProtectionGroup(String name) {
        return group(single(session.call("POST", "protection-groups", RestQuery.of().add("names", name), null,
                "create protection group '" + name + "'"), name));
    }

    @Override
    public Optional<ProtectionGroupRecord> findProtectionGroup(String name) {
        return findOne("protection-groups", name, "find protection group '" + name + "'").map(this::group);
    }

    @Override
    public List<ProtectionGroupRecord> listProtectionGroups() {
        List<ProtectionGroupRecord> out = new ArrayList<>();
        for (JsonNode g : session.list("protection-groups", RestQuery.of(), "list protection groups")) {
            out.add(group(g));
        }
        return out;
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("DELETE", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "remove targets " + arrayNames + " from protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("POST", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "add targets " + arrayNames + " to protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    @Override
    public ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed) {
        session.call("PATCH", "protection-groups/targets", RestQuery.of().add("group_names", remoteGroupName),
                obj().put("allowed", allowed), (allowed ? "allow" : "disallow") + " protection group '"
                        + remoteGroupName + "'");
        return requireGroup(remoteGroupName);
    }

    @Override
    public ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("POST", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "add volumes " + volumeNames + " to protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    @Override
    public ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("DELETE", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "remove volumes " + volumeNames
                + " from protection group '" + groupName + "'");
        return requireGroup(groupName);
    }

    @Override
    public ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule) {
        ObjectNode body = obj();
        body.set("replication_schedule", scheduleJson(schedule));
        return group(single(session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName), body,
                "set the replication schedule of protection group '" + groupName + "'"), groupName));
    }

    @Override
    public ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target) {
        ObjectNode body = obj();
        if (source != null) {
            body.set("source_retention", retentionJson(source));
        }
        if (target != null) {
            body.set("target_retention", retentionJson(target));
        }
        if (body.isEmpty()) {
            return requireGroup(groupName);
        }
        return group(single(session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName), body,
                "set the retention of protection group '" + groupName + "'"), groupName));
    }

    // One request each: the callers of these do not read the group back (see ReplicationArray).

    @Override
    public void updateProtectionGroup(String groupName, RetentionPolicy targetRetention, ReplicationSchedule schedule) {
        ObjectNode body = obj();
        if (targetRetention != null) {
            body.set("target_retention", retentionJson(targetRetention));
        }
        if (schedule != null) {
            body.set("replication_schedule", scheduleJson(schedule));
        }
        if (!body.isEmpty()) {
            session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName), body,
                    "update protection group '" + groupName + "'");
        }
    }

    @Override
    public void putProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("POST", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "add targets " + arrayNames + " to protection group '"
                + groupName + "'");
    }

    @Override
    public void setProtectionGroupAllowed(String remoteGroupName, boolean allowed) {
        session.call("PATCH", "protection-groups/targets", RestQuery.of().add("group_names", remoteGroupName),
                obj().put("allowed", allowed), (allowed ? "allow" : "disallow") + " protection group '"
                        + remoteGroupName + "'");
    }

    @Override
    public void putProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("POST", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "add volumes " + volumeNames + " to protection group '"
                + groupName + "'");
    }

    @Override
    public void dropProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("DELETE", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "remove volumes " + volumeNames
                + " from protection group '" + groupName + "'");
    }

    @Override
    public PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention) {
        RestQuery q = RestQuery.of().add("source_names", groupName);
        if (replicateNow) {
            q.add("replicate_now", true);
        }
        if (applyRetention) {
            q.add("apply_retention", true);
        }
        ObjectNode body = suffix == null ? null : obj().put("suffix", suffix);
        JsonNode s = single(session.call("POST", "protection-group-snapshots", q, body,
                "snapshot protection group '" + groupName + "'"), groupName);
        return pgSnapshot(s, groupName, volumeSnapshots(groupName));
    }

    @Override
    public PgSnapshotRecord destroyProtectionGroupSnapshot(String name) {
        return patchPgSnapshot(name, true, "destroy");
    }

    @Override
    public PgSnapshotRecord recoverProtectionGroupSnapshot(String name) {
        return patchPgSnapshot(name, false, "recover");
    }

    private PgSnapshotRecord patchPgSnapshot(String name, boolean destroyed, String verb) {
        JsonNode s = single(session.call("PATCH", "protection-group-snapshots", RestQuery.of().add("names", name),
                obj().put("destroyed", destroyed), verb + " protection group snapshot '" + name + "'"), name);
        String group = s.path("source").path("name").asText(name.substring(0, name.lastIndexOf('.')));
        return pgSnapshot(s, group, volumeSnapshots(group));
    }

    @Override
    public void eradicateProtectionGroupSnapshot(String name) {
        session.call("DELETE", "protection-group-snapshots", RestQuery.of().add("names", name), null,
                "eradicate protection group snapshot '" + name + "'");
    }

    private PgSnapshotRecord pgSnapshot(JsonNode s, String groupName, Map<String, List<String>> volumes) {
        String name = s.path("name").asText();
        boolean destroyed = s.path("destroyed").asBoolean(false);
        return new PgSnapshotRecord(name, groupName, s.path("created").asLong(0), volumes.getOrDefault(name, List.of()),
                destroyed, destroyedAt(s, destroyed));
    }

    @Override
    public List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName) {
        List<JsonNode> snaps = session.list("protection-group-snapshots", RestQuery.of().add("source_names", groupName),
                "list snapshots of protection group '" + groupName + "'");
        Map<String, List<String>> volumes = snaps.isEmpty() ? Map.of() : volumeSnapshots(groupName);
        List<PgSnapshotRecord> out = new ArrayList<>();
        for (JsonNode s : snaps) {
            out.add(pgSnapshot(s, groupName, volumes));
        }
        return out;
    }

    /** A group's volume snapshots {@code <group>.<N>.<vol>}, by their group snapshot {@code <group>.<N>}. */
    private Map<String, List<String>> volumeSnapshots(String prefix) {
        Map<String, List<String>> out = new HashMap<>();
        for (JsonNode v : session.list("volume-snapshots", RestQuery.of().add("filter", "name='" + prefix + ".*'"),
                "list volume snapshots of '" + prefix + "'")) {
            String name = v.path("name").asText();
            String rest = name.substring(prefix.length() + 1);
            int dot = rest.indexOf('.');
            if (dot > 0) {
                out.computeIfAbsent(name.substring(0, prefix.length() + 1 + dot), k -> new ArrayList<>()).add(name);
            } else {
                out.computeIfAbsent(name, k -> new ArrayList<>());
            }
        }
        return out;
    }

    @Override
    public List<PgTransferRecord> listProtectionGroupTransfers(String groupName) {
        List<PgTransferRecord> out = new ArrayList<>();
        for (JsonNode t : session.list("protection-group-snapshots/transfer", RestQuery.of().add("names", groupName),
                "list transfers of protection group '" + groupName + "'")) {
            out.add(new PgTransferRecord(t.path("name").asText(), t.path("target").path("name").asText(""),
                    t.path("started").asLong(0), t.path("completed").asLong(0), t.path("progress").asDouble(0),
                    t.path("data_transferred").asLong(0), t.path("physical_bytes_written").asLong(0)));
        }
        return out;
    }

    @Override
    public void destroyProtectionGroup(String groupName) {
        session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName),
                obj().put("destroyed", true), "destroy protection group '" + groupName + "'");
        eradicate("protection-groups", groupName, "eradicate protection group '" + groupName + "'");
    }

    // --- array connections ---------------------------------------------------------------------

    @Override
    public List<ArrayConnectionRecord> listArrayConnections() {
        List<ArrayConnectionRecord> out = new ArrayList<>();
        for (JsonNode c : session.list("array-connections", RestQuery.of(), "list array connections")) {
            String type = c.path("type").asText("");
            // A sync-replication connection carries async protection-group replication as well.
            List<String> types = type.equals("sync-replication") ? List.of("sync-replication", "async-replication")
                    : List.of(type);
            out.add(new ArrayConnectionRecord(c.path("name").asText(),
                    "connected".equals(c.path("status").asText()) ? "connected" : "unreachable", types));
        }
        return out;
    }

    private void eradicate(String resource, String name, String what) {
        try {
            session.call("DELETE", resource, RestQuery.of().add("names", name), null, what);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }

    private PodRecord requirePod(String name) {
        return findPod(name).orElseThrow(() -> EngineException.notFound("POD_NOT_FOUND", "Pod '" + name
                + "' does not exist on array " + session.sanIp() + "."));
    }

    private ProtectionGroupRecord requireGroup(String name) {
        return findProtectionGroup(name).orElseThrow(() -> EngineException.notFound("PROTECTION_GROUP_NOT_FOUND",
                "Protection group '" + name + "' does not exist on array " + session.sanIp() + "."));
    }

    private static PodRecord pod(JsonNode p) {
        List<PodArrayStatus> arrays = new ArrayList<>();
        for (JsonNode a : p.path("arrays")) {
            arrays.add(new PodArrayStatus(a.path("name").asText(), a.path("id").asText(""), a.path("status").asText("unknown"),
                    a.path("progress").asDouble(0), a.path("frozen_at").asLong(0),
                    a.path("mediator_status").asText("unknown"), a.path("pre_elected").asBoolean(false)));
        }
        List<String> prefs = new ArrayList<>();
        p.path("failover_preferences").forEach(r -> prefs.add(r.path("name").asText()));
        return new PodRecord(p.path("name").asText(), p.path("id").asText(""), arrays, prefs,
                p.path("promotion_status").asText("promoted"), 0);
    }

    private ProtectionGroupRecord group(JsonNode g) {
        String name = g.path("name").asText();
        boolean local = g.path("is_local").asBoolean(true);
        List<PgTargetRecord> targets = new ArrayList<>();
        List<String> members = new ArrayList<>();
        if (local) {
            for (JsonNode t : listOrEmpty("protection-groups/targets", RestQuery.of().add("group_names", name),
                    "list targets of protection group '" + name + "'")) {
                targets.add(target(t));
            }
            for (JsonNode m : listOrEmpty("protection-groups/volumes", RestQuery.of().add("group_names", name),
                    "list volumes of protection group '" + name + "'")) {
                members.add(m.path("member").path("name").asText());
            }
        } else {
            for (JsonNode t : listOrEmpty("protection-groups/targets", RestQuery.of().add("group_names", name),
                    "list the target entry of protection group '" + name + "'")) {
                targets.add(target(t));
            }
        }
        JsonNode rs = g.path("replication_schedule");
        ReplicationSchedule schedule = null;
        if (rs.isObject() && rs.path("frequency").asLong(0) > 0) {
            JsonNode b = rs.path("blackout");
            schedule = new ReplicationSchedule(rs.path("enabled").asBoolean(false), rs.path("frequency").asLong(),
                    b.path("start").asLong(0), b.path("end").asLong(0));
        }
        return new ProtectionGroupRecord(name, text(g.path("source"), "name"), local, members, targets, schedule,
                retention(g.path("source_retention")), retention(g.path("target_retention")));
    }

    private static PgTargetRecord target(JsonNode t) {
        boolean allowed = t.path("allowed").asBoolean(false);
        return new PgTargetRecord(t.path("member").path("name").asText(), allowed,
                t.path("status").asText(allowed ? "replicating" : "disallowed"));
    }

    private static RetentionPolicy retention(JsonNode r) {
        if (!r.isObject()) {
            return null;
        }
        return new RetentionPolicy(r.path("all_for_sec").asLong(0), r.path("per_day").asInt(0),
                Math.max(0, r.path("days").asInt(0)));
    }

    private static ObjectNode scheduleJson(ReplicationSchedule schedule) {
        ObjectNode rs = obj();
        rs.put("enabled", schedule.enabled());
        rs.put("frequency", schedule.frequencyMs());
        if (schedule.blackoutStartMs() == schedule.blackoutEndMs()) {
            rs.put("blackout", "");
        } else {
            ObjectNode b = rs.putObject("blackout");
            b.put("start", schedule.blackoutStartMs());
            b.put("end", schedule.blackoutEndMs());
        }
        return rs;
    }

    private static ObjectNode retentionJson(RetentionPolicy p) {
        return obj().put("all_for_sec", p.allForSec()).put("per_day", p.perDay()).put("days", p.days());
    }

    // --- QoS, volume groups and tags (RestVolumeFeatures) --------------------------------------

    @Override
    public VolumeRecord createVolume(String name, long provisionedBytes, QosLimits qos) {
        qos.check("volume " + name);
        ObjectNode body = obj().put("provisioned", provisionedBytes);
        if (!qos.unlimited()) {
            body.set("qos", RestVolumeFeatures.postJson(qos));
        }
        return volume(single(session.call("POST", "volumes", RestQuery.of().add("names", name), body,
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

    // --- mapping -------------------------------------------------------------------------------

    private Optional<JsonNode> findOne(String resource, String name, String what) {
        try {
            JsonNode items = session.call("GET", resource, RestQuery.of().add("names", name), null, what).path("items");
            for (JsonNode item : items) {
                if (name.equals(item.path("name").asText())) {
                    return Optional.of(item);
                }
            }
            return Optional.empty();
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A listing filtered by names; the array answers "does not exist" for a missing name, the SPI wants []. */
    private List<JsonNode> listOrEmpty(String resource, RestQuery query, String what) {
        try {
            return session.list(resource, query, what);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    /** The value, or the read's own exception (an EngineException is not wrapped). */
    private static <T> T join(CompletableFuture<T> pending) {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private JsonNode single(JsonNode response, String name) {
        return session.single(response, name);
    }

    private JsonNode first(List<JsonNode> items, String resource) {
        if (items.isEmpty()) {
            throw EngineException.internal("EMPTY_ARRAY_RESPONSE", "Array " + session.sanIp()
                    + " returned no item for GET /" + resource + ".", null);
        }
        return items.get(0);
    }

    private VolumeRecord volume(JsonNode v) {
        boolean destroyed = v.path("destroyed").asBoolean(false);
        return new VolumeRecord(v.path("name").asText(), v.path("id").asText(""), v.path("serial").asText(""),
                v.path("provisioned").asLong(), text(v.path("source"), "name"), destroyed,
                v.path("created").asLong(0), destroyedAt(v, destroyed));
    }

    private SnapshotRecord snapshot(JsonNode s) {
        boolean destroyed = s.path("destroyed").asBoolean(false);
        String name = s.path("name").asText();
        String suffix = s.hasNonNull("suffix") ? s.path("suffix").asText() : name.substring(name.lastIndexOf('.') + 1);
        String source = text(s.path("source"), "name");
        if (source == null) {
            source = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        }
        return new SnapshotRecord(name, s.path("id").asText(""), s.path("serial").asText(""), source, suffix,
                s.path("provisioned").asLong(), destroyed, s.path("created").asLong(0), destroyedAt(s, destroyed));
    }

    /** REST reports time_remaining; the SPI wants when it was destroyed. */
    private long destroyedAt(JsonNode o, boolean destroyed) {
        if (!destroyed) {
            return 0;
        }
        if (!o.hasNonNull("time_remaining")) {
            return clock.millis();
        }
        Long delay = eradicationDelayMs;
        long d = delay == null ? DEFAULT_ERADICATION_DELAY_MS : delay;
        return clock.millis() - (d - o.path("time_remaining").asLong());
    }

    private static HostRecord host(JsonNode h) {
        JsonNode chap = h.path("chap");
        return new HostRecord(h.path("name").asText(), strings(h.path("iqns")), strings(h.path("wwns")),
                strings(h.path("nqns")), text(h, "personality"), text(chap, "host_user"),
                text(chap, "host_password"), h.path("connection_count").asInt(0));
    }

    private static ConnectionRecord connection(JsonNode c) {
        return new ConnectionRecord(c.path("host").path("name").asText(), c.path("volume").path("name").asText(),
                c.path("lun").asInt());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? null : n.asText();
    }

    private static ObjectNode obj() {
        return RestSession.JSON.createObjectNode();
    }

    private static void putList(ObjectNode body, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = body.putArray(field);
            values.forEach(a::add);
        }
    }

    @Override
    public String toString() {
        return "RestFlashArray[" + session.sanIp() + "]";
    }
}
