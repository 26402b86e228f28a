package io.purebridge.engine.rest;

import static io.purebridge.engine.rest.RestMapping.obj;
import static io.purebridge.engine.rest.RestMapping.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replication over FlashArray REST 2.x, for {@link RestFlashArray}: /pods, /pods/arrays,
 * /protection-groups (/targets, /volumes), /protection-group-snapshots (/transfer) and
 * /array-connections.
 */
final class RestReplication {
    private final RestSession session;
    private final RestMapping map;

    RestReplication(RestSession session, RestMapping map) {
        this.session = session;
        this.map = map;
    }

    // --- pods ----------------------------------------------------------------------------------

    PodRecord createPod(String name) {
        return pod(map.single(session.call("POST", "pods", RestQuery.of().add("names", name), obj(),
                "create pod '" + name + "'"), name));
    }

    Optional<PodRecord> findPod(String name) {
        return map.findOne("pods", name, "find pod '" + name + "'").map(RestReplication::pod);
    }

    List<PodRecord> listPods() {
        List<PodRecord> out = new ArrayList<>();
        for (JsonNode p : session.list("pods", RestQuery.of(), "list pods")) {
            out.add(pod(p));
        }
        return out;
    }

    PodRecord stretchPod(String podName, String arrayName) {
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

    PodRecord unstretchPod(String podName, String arrayName) {
        session.call("DELETE", "pods/arrays", RestQuery.of().add("group_names", podName)
                .add("member_names", arrayName), null, "unstretch pod '" + podName + "' from array '" + arrayName + "'");
        return requirePod(podName);
    }

    PodRecord setFailoverPreferences(String podName, List<String> arrayNames) {
        ObjectNode body = obj();
        ArrayNode prefs = body.putArray("failover_preferences");
        arrayNames.forEach(n -> prefs.addObject().put("name", n));
        return pod(map.single(session.call("PATCH", "pods", RestQuery.of().add("names", podName), body,
                "set failover preferences of pod '" + podName + "'"), podName));
    }

    void destroyPod(String podName) {
        session.call("PATCH", "pods", RestQuery.of().add("names", podName), obj().put("destroyed", true),
                "destroy pod '" + podName + "'");
        map.eradicate("pods", podName, "eradicate pod '" + podName + "'");
    }

    VolumeRecord moveVolume(String volumeName, String podName) {
        ObjectNode body = obj();
        body.putObject("pod").put("name", podName);
        String target = podName.isEmpty() ? volumeName.substring(volumeName.indexOf("::") + 2)
                : podName + "::" + volumeName.substring(volumeName.indexOf("::") < 0 ? 0 : volumeName.indexOf("::") + 2);
        return map.volume(map.single(session.call("PATCH", "volumes", RestQuery.of().add("names", volumeName), body,
                "move volume '" + volumeName + "' to " + (podName.isEmpty() ? "the root" : "pod '" + podName + "'")),
                target));
    }

    // --- protection groups ---------------------------------------------------------------------

    ProtectionGroupRecord createProtectionGroup(String name) {
        return group(map.single(session.call("POST", "protection-groups", RestQuery.of().add("names", name), null,
                "create protection group '" + name + "'"), name));
    }

    Optional<ProtectionGroupRecord> findProtectionGroup(String name) {
        return map.findOne("protection-groups", name, "find protection group '" + name + "'").map(this::group);
    }

    List<ProtectionGroupRecord> listProtectionGroups() {
        List<ProtectionGroupRecord> out = new ArrayList<>();
        for (JsonNode g : session.list("protection-groups", RestQuery.of(), "list protection groups")) {
            out.add(group(g));
        }
        return out;
    }

    ProtectionGroupRecord removeProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("DELETE", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "remove targets " + arrayNames + " from protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    ProtectionGroupRecord addProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("POST", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "add targets " + arrayNames + " to protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    ProtectionGroupRecord allowProtectionGroup(String remoteGroupName, boolean allowed) {
        session.call("PATCH", "protection-groups/targets", RestQuery.of().add("group_names", remoteGroupName),
                obj().put("allowed", allowed), (allowed ? "allow" : "disallow") + " protection group '"
                        + remoteGroupName + "'");
        return requireGroup(remoteGroupName);
    }

    ProtectionGroupRecord addProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("POST", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "add volumes " + volumeNames + " to protection group '"
                + groupName + "'");
        return requireGroup(groupName);
    }

    ProtectionGroupRecord removeProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("DELETE", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "remove volumes " + volumeNames
                + " from protection group '" + groupName + "'");
        return requireGroup(groupName);
    }

    ProtectionGroupRecord setReplicationSchedule(String groupName, ReplicationSchedule schedule) {
        ObjectNode body = obj();
        body.set("replication_schedule", scheduleJson(schedule));
        return group(map.single(session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName), body,
                "set the replication schedule of protection group '" + groupName + "'"), groupName));
    }

    ProtectionGroupRecord setRetention(String groupName, RetentionPolicy source, RetentionPolicy target) {
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
        return group(map.single(session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName), body,
                "set the retention of protection group '" + groupName + "'"), groupName));
    }

    // One request each: the callers of these do not read the group back (see ReplicationArray).

    void updateProtectionGroup(String groupName, RetentionPolicy targetRetention, ReplicationSchedule schedule) {
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

    void putProtectionGroupTargets(String groupName, List<String> arrayNames) {
        session.call("POST", "protection-groups/targets", RestQuery.of().add("group_names", groupName)
                .add("member_names", arrayNames), null, "add targets " + arrayNames + " to protection group '"
                + groupName + "'");
    }

    void setProtectionGroupAllowed(String remoteGroupName, boolean allowed) {
        session.call("PATCH", "protection-groups/targets", RestQuery.of().add("group_names", remoteGroupName),
                obj().put("allowed", allowed), (allowed ? "allow" : "disallow") + " protection group '"
                        + remoteGroupName + "'");
    }

    void putProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("POST", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "add volumes " + volumeNames + " to protection group '"
                + groupName + "'");
    }

    void dropProtectionGroupMembers(String groupName, List<String> volumeNames) {
        session.call("DELETE", "protection-groups/volumes", RestQuery.of().add("group_names", groupName)
                .add("member_names", volumeNames), null, "remove volumes " + volumeNames
                + " from protection group '" + groupName + "'");
    }

    PgSnapshotRecord createProtectionGroupSnapshot(String groupName, String suffix, boolean replicateNow,
            boolean applyRetention) {
        RestQuery q = RestQuery.of().add("source_names", groupName);
        if (replicateNow) {
            q.add("replicate_now", true);
        }
        if (applyRetention) {
            q.add("apply_retention", true);
        }
        ObjectNode body = suffix == null ? null : obj().put("suffix", suffix);
        JsonNode s = map.single(session.call("POST", "protection-group-snapshots", q, body,
                "snapshot protection group '" + groupName + "'"), groupName);
        return pgSnapshot(s, groupName, volumeSnapshots(groupName));
    }

    PgSnapshotRecord destroyProtectionGroupSnapshot(String name) {
        return patchPgSnapshot(name, true, "destroy");
    }

    PgSnapshotRecord recoverProtectionGroupSnapshot(String name) {
        return patchPgSnapshot(name, false, "recover");
    }

    private PgSnapshotRecord patchPgSnapshot(String name, boolean destroyed, String verb) {
        JsonNode s = map.single(session.call("PATCH", "protection-group-snapshots", RestQuery.of().add("names", name),
                obj().put("destroyed", destroyed), verb + " protection group snapshot '" + name + "'"), name);
        String group = s.path("source").path("name").asText(name.substring(0, name.lastIndexOf('.')));
        return pgSnapshot(s, group, volumeSnapshots(group));
    }

    void eradicateProtectionGroupSnapshot(String name) {
        session.call("DELETE", "protection-group-snapshots", RestQuery.of().add("names", name), null,
                "eradicate protection group snapshot '" + name + "'");
    }

    private PgSnapshotRecord pgSnapshot(JsonNode s, String groupName, Map<String, List<String>> volumes) {
        String name = s.path("name").asText();
        boolean destroyed = s.path("destroyed").asBoolean(false);
        return new PgSnapshotRecord(name, groupName, s.path("created").asLong(0), volumes.getOrDefault(name, List.of()),
                destroyed, map.destroyedAt(s, destroyed));
    }

    List<PgSnapshotRecord> listProtectionGroupSnapshots(String groupName) {
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

    List<PgTransferRecord> listProtectionGroupTransfers(String groupName) {
        List<PgTransferRecord> out = new ArrayList<>();
        for (JsonNode t : session.list("protection-group-snapshots/transfer", RestQuery.of().add("names", groupName),
                "list transfers of protection group '" + groupName + "'")) {
            out.add(new PgTransferRecord(t.path("name").asText(), t.path("target").path("name").asText(""),
                    t.path("started").asLong(0), t.path("completed").asLong(0), t.path("progress").asDouble(0),
                    t.path("data_transferred").asLong(0), t.path("physical_bytes_written").asLong(0)));
        }
        return out;
    }

    void destroyProtectionGroup(String groupName) {
        session.call("PATCH", "protection-groups", RestQuery.of().add("names", groupName),
                obj().put("destroyed", true), "destroy protection group '" + groupName + "'");
        map.eradicate("protection-groups", groupName, "eradicate protection group '" + groupName + "'");
    }

    // --- array connections ---------------------------------------------------------------------

    List<ArrayConnectionRecord> listArrayConnections() {
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
            for (JsonNode t : map.listOrEmpty("protection-groups/targets", RestQuery.of().add("group_names", name),
                    "list targets of protection group '" + name + "'")) {
                targets.add(target(t));
            }
            for (JsonNode m : map.listOrEmpty("protection-groups/volumes", RestQuery.of().add("group_names", name),
                    "list volumes of protection group '" + name + "'")) {
                members.add(m.path("member").path("name").asText());
            }
        } else {
            for (JsonNode t : map.listOrEmpty("protection-groups/targets", RestQuery.of().add("group_names", name),
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
}
