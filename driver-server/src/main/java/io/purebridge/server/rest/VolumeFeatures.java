package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.array.VolumeTags;
import io.purebridge.engine.error.EngineException;
import java.util.Set;

/**
 * Volume QoS, volume groups and volume tags on the wire: the array's optional capabilities (404
 * when it lacks one), {@code qos} bodies ({@code Qos} on POST, {@code QosPatch} on PATCH, where
 * {@code ""} clears a limit) and the items (2.36 spec field names).
 */
final class VolumeFeatures {
    static final Set<String> QOS_FIELDS = Set.of("qos", "qos.bandwidth_limit", "qos.iops_limit");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private VolumeFeatures() {
    }

    static VolumeQos qos(RestCall call, ArrayContext ctx) {
        if (ctx.array() instanceof VolumeQos q) {
            return q;
        }
        throw unsupported(call, "volume QoS");
    }

    static VolumeGroups groups(RestCall call, ArrayContext ctx) {
        if (ctx.array() instanceof VolumeGroups g) {
            return g;
        }
        throw unsupported(call, "volume groups");
    }

    static VolumeTags tags(RestCall call, ArrayContext ctx) {
        if (ctx.array() instanceof VolumeTags t) {
            return t;
        }
        throw unsupported(call, "volume tags");
    }

    private static FaRestError unsupported(RestCall call, String what) {
        return new FaRestError(404, null, "The resource /" + call.resource() + " is not supported by this array: it"
                + " has no " + what + ".");
    }

    /** A POST body's {@code qos} ({@code Qos}: integer limits), or null when absent. */
    static QosLimits postQos(JsonNode body) {
        ObjectNode q = Bodies.objectField(body, "qos");
        if (q == null) {
            return null;
        }
        return new QosLimits(Bodies.longField(q, "bandwidth_limit"), Bodies.longField(q, "iops_limit"));
    }

    /** True when a PATCH body has a {@code qos} object to apply. */
    static boolean hasQosPatch(JsonNode body) {
        return Bodies.objectField(body, "qos") != null;
    }

    /**
     * {@code current} with a PATCH body's {@code qos} applied: an integer sets a limit, {@code ""}
     * clears it, an absent or null field leaves it.
     */
    static QosLimits patchQos(JsonNode body, QosLimits current) {
        ObjectNode q = Bodies.objectField(body, "qos");
        if (q == null) {
            return current;
        }
        return current.withBandwidth(patchLimit(q, "bandwidth_limit", current.bandwidthBytesPerSecond()))
                .withIops(patchLimit(q, "iops_limit", current.iops()));
    }

    private static Long patchLimit(ObjectNode q, String field, Long current) {
        JsonNode n = q.get(field);
        if (n == null || n.isNull()) {
            return current;
        }
        if (n.isTextual() && n.asText().isEmpty()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw FaRestError.badRequest(null, "Invalid value for qos." + field + ": expected an integer, or \"\" to"
                    + " remove the limit.");
        }
        return n.asLong();
    }

    /** Range check before anything changes; 400 naming the field. */
    static QosLimits checked(QosLimits qos, String owner) {
        try {
            return qos.check(owner);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "QoS", null);
        }
    }

    static void putQos(ObjectNode o, QosLimits q) {
        if (q == null || q.unlimited()) {
            o.putNull("qos");
            return;
        }
        ObjectNode n = o.putObject("qos");
        putLong(n, "bandwidth_limit", q.bandwidthBytesPerSecond());
        putLong(n, "iops_limit", q.iops());
    }

    /** A volume's limits for its item; unlimited when the array has no QoS or the volume just went. */
    static QosLimits volumeQos(ArrayContext ctx, String volumeName) {
        if (!(ctx.array() instanceof VolumeQos q)) {
            return QosLimits.UNLIMITED;
        }
        try {
            return q.volumeQos(volumeName);
        } catch (EngineException e) {
            return QosLimits.UNLIMITED;
        }
    }

    static ObjectNode group(VolumeGroupRecord g, ArrayContext ctx) {
        ObjectNode o = F.objectNode();
        o.put("id", g.id());
        o.put("name", g.name());
        o.put("destroyed", g.destroyed());
        if (g.destroyed()) {
            o.put("time_remaining", Math.max(0, g.destroyedEpochMillis() + ctx.eradicationDelayMs()
                    - ctx.clock().millis()));
        } else {
            o.putNull("time_remaining");
        }
        putQos(o, g.qos());
        ObjectNode pa = o.putObject("priority_adjustment");
        pa.put("priority_adjustment_operator", "+");
        pa.put("priority_adjustment_value", 0);
        ObjectNode space = o.putObject("space");
        space.put("snapshots", 0);
        space.put("total_physical", 0);
        space.put("unique", 0);
        space.put("virtual", 0);
        space.put("data_reduction", 1.0);
        space.put("total_reduction", 1.0);
        space.put("thin_provisioning", 1.0);
        o.put("volume_count", g.volumeCount());
        o.putNull("pod");
        return o;
    }

    static ObjectNode tag(VolumeTag t) {
        ObjectNode o = F.objectNode();
        o.put("namespace", t.namespace());
        o.put("key", t.key());
        o.put("value", t.value());
        o.put("copyable", t.copyable());
        ObjectNode r = o.putObject("resource");
        r.putNull("id");
        r.put("name", t.resourceName());
        return o;
    }

    private static void putLong(ObjectNode o, String field, Long value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }
}
