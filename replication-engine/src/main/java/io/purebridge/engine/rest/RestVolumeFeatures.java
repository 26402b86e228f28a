package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Volume QoS, volume groups and volume tags over FlashArray REST 2.x, for {@link RestFlashArray}:
 * {@code qos} on /volumes ({@code ""} clears a limit on PATCH), /volume-groups and
 * /volumes/tags(/batch).
 */
final class RestVolumeFeatures {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final RestSession session;
    private final ToLongFunction<JsonNode> destroyedAt;

    /** @param destroyedAt when an item with {@code destroyed} and {@code time_remaining} was destroyed */
    RestVolumeFeatures(RestSession session, ToLongFunction<JsonNode> destroyedAt) {
        this.session = session;
        this.destroyedAt = destroyedAt;
    }

    // --- QoS -----------------------------------------------------------------------------------

    QosLimits volumeQos(String volumeName) {
        JsonNode items = session.call("GET", "volumes", RestQuery.of().add("names", volumeName), null,
                "read QoS of volume '" + volumeName + "'").path("items");
        for (JsonNode v : items) {
            if (volumeName.equals(v.path("name").asText())) {
                return qos(v.path("qos"));
            }
        }
        throw EngineException.notFound("VOLUME_NOT_FOUND", "Volume '" + volumeName + "' does not exist on array "
                + session.sanIp() + ".");
    }

    Map<String, QosLimits> listVolumeQos() {
        Map<String, QosLimits> out = new TreeMap<>();
        for (JsonNode v : session.list("volumes", RestQuery.of(), "list volume QoS")) {
            QosLimits q = qos(v.path("qos"));
            if (!q.unlimited()) {
                out.put(v.path("name").asText(), q);
            }
        }
        return out;
    }

    QosLimits setVolumeQos(String volumeName, QosLimits limits) {
        limits.check("volume " + volumeName);
        ObjectNode body = F.objectNode();
        body.set("qos", patchJson(limits));
        JsonNode v = single(session.call("PATCH", "volumes", RestQuery.of().add("names", volumeName), body,
                "set QoS of volume '" + volumeName + "'"), volumeName);
        return qos(v.path("qos"));
    }

    /** {@code Qos} for a POST body: only the limits that are set. */
    static ObjectNode postJson(QosLimits q) {
        ObjectNode o = F.objectNode();
        if (q.bandwidthBytesPerSecond() != null) {
            o.put("bandwidth_limit", q.bandwidthBytesPerSecond());
        }
        if (q.iops() != null) {
            o.put("iops_limit", q.iops());
        }
        return o;
    }

    /** {@code QosPatch}: every limit, {@code ""} for none. */
    private static ObjectNode patchJson(QosLimits q) {
        ObjectNode o = F.objectNode();
        if (q.bandwidthBytesPerSecond() == null) {
            o.put("bandwidth_limit", "");
        } else {
            o.put("bandwidth_limit", q.bandwidthBytesPerSecond());
        }
        if (q.iops() == null) {
            o.put("iops_limit", "");
        } else {
            o.put("iops_limit", q.iops());
        }
        return o;
    }

    private static QosLimits qos(JsonNode q) {
        if (!q.isObject()) {
            return QosLimits.UNLIMITED;
        }
        return new QosLimits(limit(q, "bandwidth_limit"), limit(q, "iops_limit"));
    }

    private static Long limit(JsonNode q, String field) {
        JsonNode n = q.get(field);
        return n == null || !n.isIntegralNumber() ? null : n.asLong();
    }

    // --- volume groups -------------------------------------------------------------------------

    VolumeGroupRecord createVolumeGroup(String name, QosLimits limits) {
        limits.check("volume group " + name);
        ObjectNode body = F.objectNode();
        if (!limits.unlimited()) {
            body.set("qos", postJson(limits));
        }
        return group(single(session.call("POST", "volume-groups", RestQuery.of().add("names", name), body,
                "create volume group '" + name + "'"), name));
    }

    Optional<VolumeGroupRecord> findVolumeGroup(String name) {
        try {
            for (JsonNode g : session.call("GET", "volume-groups", RestQuery.of().add("names", name), null,
                    "find volume group '" + name + "'").path("items")) {
                if (name.equals(g.path("name").asText())) {
                    return Optional.of(group(g));
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

    List<VolumeGroupRecord> listVolumeGroups() {
        List<VolumeGroupRecord> out = new ArrayList<>();
        for (JsonNode g : session.list("volume-groups", RestQuery.of(), "list volume groups")) {
            out.add(group(g));
        }
        return out;
    }

    VolumeGroupRecord setVolumeGroupQos(String name, QosLimits limits) {
        limits.check("volume group " + name);
        ObjectNode body = F.objectNode();
        body.set("qos", patchJson(limits));
        return patchGroup(name, body, "set QoS of volume group '" + name + "'");
    }

    VolumeGroupRecord renameVolumeGroup(String name, String newName) {
        return patchGroup(name, F.objectNode().put("name", newName),
                "rename volume group '" + name + "' to '" + newName + "'");
    }

    VolumeGroupRecord destroyVolumeGroup(String name) {
        return patchGroup(name, F.objectNode().put("destroyed", true), "destroy volume group '" + name + "'");
    }

    VolumeGroupRecord recoverVolumeGroup(String name) {
        return patchGroup(name, F.objectNode().put("destroyed", false), "recover volume group '" + name + "'");
    }

    void eradicateVolumeGroup(String name, boolean eradicateContents) {
        RestQuery q = RestQuery.of().add("names", name);
        if (eradicateContents) {
            q.add("eradicate_contents", true);
        }
        session.call("DELETE", "volume-groups", q, null, "eradicate volume group '" + name + "'");
    }

    /** PATCH /volumes {"volume_group": {"name": group}}; returns the volume's new name. */
    String moveVolumeToGroup(String volumeName, String groupName) {
        ObjectNode body = F.objectNode();
        body.putObject("volume_group").put("name", groupName == null ? "" : groupName);
        return single(session.call("PATCH", "volumes", RestQuery.of().add("names", volumeName), body,
                "move volume '" + volumeName + "' to volume group '" + groupName + "'"), volumeName)
                .path("name").asText();
    }

    private VolumeGroupRecord patchGroup(String name, ObjectNode body, String what) {
        return group(single(session.call("PATCH", "volume-groups", RestQuery.of().add("names", name), body, what),
                name));
    }

    private VolumeGroupRecord group(JsonNode g) {
        return new VolumeGroupRecord(g.path("name").asText(), g.path("id").asText(""), g.path("destroyed").asBoolean(),
                qos(g.path("qos")), g.path("volume_count").asInt(0), g.path("created").asLong(0),
                destroyedAt.applyAsLong(g));
    }

    // --- tags ----------------------------------------------------------------------------------

    List<VolumeTag> listVolumeTags(Collection<String> volumeNames) {
        RestQuery q = RestQuery.of();
        if (volumeNames != null && !volumeNames.isEmpty()) {
            q.add("resource_names", volumeNames);
        }
        List<VolumeTag> out = new ArrayList<>();
        for (JsonNode t : session.list("volumes/tags", q, "list volume tags")) {
            out.add(tag(t));
        }
        return out;
    }

    /** One PUT /volumes/tags/batch per volume (a batch applies the same tags to every named volume). */
    List<VolumeTag> putVolumeTags(List<VolumeTag> tags) {
        Map<String, ArrayNode> byVolume = new LinkedHashMap<>();
        for (VolumeTag t : tags) {
            ObjectNode o = byVolume.computeIfAbsent(t.resourceName(), v -> F.arrayNode()).addObject();
            o.put("namespace", t.namespace());
            o.put("key", t.key());
            o.put("value", t.value());
            o.put("copyable", t.copyable());
        }
        List<VolumeTag> out = new ArrayList<>();
        for (Map.Entry<String, ArrayNode> e : byVolume.entrySet()) {
            JsonNode response = session.call("PUT", "volumes/tags/batch",
                    RestQuery.of().add("resource_names", e.getKey()), e.getValue(), "tag volume '" + e.getKey() + "'");
            for (JsonNode t : response.path("items")) {
                out.add(tag(t));
            }
        }
        return out;
    }

    int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys) {
        String ns = namespace == null || namespace.isEmpty() ? VolumeTag.DEFAULT_NAMESPACE : namespace;
        int before = (int) listVolumeTags(List.of(volumeName)).stream().filter(t -> t.namespace().equals(ns)
                && (keys == null || keys.isEmpty() || keys.contains(t.key()))).count();
        RestQuery q = RestQuery.of().add("resource_names", volumeName).add("namespaces", ns);
        if (keys != null && !keys.isEmpty()) {
            q.add("keys", keys);
        }
        session.call("DELETE", "volumes/tags", q, null, "delete tags of volume '" + volumeName + "'");
        return before;
    }

    private static VolumeTag tag(JsonNode t) {
        return new VolumeTag(t.path("resource").path("name").asText(), t.path("namespace").asText(null),
                t.path("key").asText(), t.path("value").asText(""), t.path("copyable").asBoolean(true));
    }

    private JsonNode single(JsonNode response, String name) {
        return session.single(response, name);
    }
}
