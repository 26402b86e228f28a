package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeQos;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /volumes}: GET, POST (empty, copy with overwrite, restore of an offloaded snapshot; qos), PATCH (destroy, recover, rename, resize, qos,
 * pod and volume-group moves), DELETE.
 */
final class VolumesHandler implements ResourceHandler {
    static final long DEFAULT_SIZE = 1L << 20;
    static final long MAX_SIZE = 4_503_599_627_370_496L;

    private static final Set<String> GET_PARAMS = with(Listing.PAGING_PARAMS, "names", "ids", "destroyed");
    private static final Set<String> POST_PARAMS = Set.of("names", "overwrite", "with_default_protection");
    private static final Set<String> POST_FIELDS = with(VolumeFeatures.QOS_FIELDS, "provisioned", "source",
            "source.name", "source.id");
    private static final Set<String> PATCH_PARAMS = Set.of("names", "ids", "truncate");
    private static final Set<String> PATCH_FIELDS = with(VolumeFeatures.QOS_FIELDS, "destroyed", "name", "provisioned",
            "pod", "pod.name", "volume_group", "volume_group.name");
    private static final Set<String> DELETE_PARAMS = Set.of("names", "ids");

    private final OffloadedSources offloaded;

    VolumesHandler() {
        this(OffloadedSources.none());
    }

    VolumesHandler(OffloadedSources offloaded) {
        this.offloaded = offloaded;
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call, ctx);
            case "POST" -> post(call, ctx);
            case "PATCH" -> patch(call, ctx);
            case "DELETE" -> delete(call, ctx);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        List<VolumeRecord> volumes;
        List<String> names = call.list("names");
        if (!names.isEmpty() && names.stream().noneMatch(n -> n.contains("*"))) {
            volumes = new ArrayList<>();
            for (String n : names) {
                ctx.array().findVolume(n).ifPresent(volumes::add);
            }
        } else {
            volumes = ctx.array().listVolumes();
        }
        Map<String, Integer> counts = connectionCounts(ctx.array());
        List<ObjectNode> items = new ArrayList<>();
        for (VolumeRecord v : volumes) {
            items.add(JsonViews.volume(v, counts.getOrDefault(v.name(), 0), ctx));
        }
        return Listing.page(call, Selection.select(call, items, "Volume"));
    }

    private Reply post(RestCall call, ArrayContext ctx) {
        call.allowParams(POST_PARAMS);
        call.allowFields(POST_FIELDS);
        List<String> names = call.requiredNames();
        names.forEach(Names::checkVolume);
        Long provisioned = Bodies.longField(call.body(), "provisioned");
        ObjectNode source = Bodies.objectField(call.body(), "source");
        String sourceName = source == null ? null : Bodies.textField(source, "name");
        if (source != null && sourceName == null) {
            throw FaRestError.badRequest(null, "Invalid value for source: give source.name.");
        }
        if (source != null && source.has("id")) {
            throw FaRestError.badRequest(null, "Invalid parameter: source.id is not supported; use source.name.");
        }
        boolean overwrite = Boolean.TRUE.equals(call.bool("overwrite"));
        call.bool("with_default_protection");
        if (sourceName != null && provisioned != null) {
            throw FaRestError.badRequest(null, "Invalid parameters: provisioned cannot be combined with source.");
        }
        if (overwrite && sourceName == null) {
            throw FaRestError.badRequest(null, "Invalid parameters: overwrite needs a source.");
        }
        if (provisioned != null) {
            checkSize(provisioned);
        }
        QosLimits qos = VolumeFeatures.postQos(call.body());
        if (qos != null) {
            VolumeFeatures.qos(call, ctx);
            VolumeFeatures.checked(qos, "volume");
        }
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            try {
                long size = provisioned == null ? DEFAULT_SIZE : provisioned;
                VolumeRecord v = sourceName != null ? copyOrRestore(ctx, sourceName, name, overwrite)
                        : qos != null ? VolumeFeatures.qos(call, ctx).createVolume(name, size, qos)
                        : ctx.array().createVolume(name, size);
                if (sourceName != null && qos != null) {
                    VolumeFeatures.qos(call, ctx).setVolumeQos(name, qos);
                }
                items.add(JsonViews.volume(v, overwrite ? connectionCounts(ctx.array()).getOrDefault(name, 0) : 0, ctx));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Volume", name);
            }
        }
        return Reply.items(items);
    }

    /** A copy of a local volume or snapshot, or a restore of an offloaded snapshot ({@link OffloadedSources}). */
    private VolumeRecord copyOrRestore(ArrayContext ctx, String source, String name, boolean overwrite) {
        Optional<String> target = offloaded.targetHolding(source, ctx.array());
        if (target.isEmpty()) {
            return ctx.array().copyVolume(source, name, overwrite);
        }
        if (overwrite) {
            throw FaRestError.badRequest(name, "Invalid parameters: overwrite cannot restore offloaded snapshot "
                    + source + "; restore it into a new volume.");
        }
        return offloaded.restore(target.get(), source, ctx.array(), name);
    }

    private Reply patch(RestCall call, ArrayContext ctx) {
        call.allowParams(PATCH_PARAMS);
        call.allowFields(PATCH_FIELDS);
        Bodies.require(call);
        List<String> names = resolveNames(call, ctx);
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        String newName = Bodies.textField(call.body(), "name");
        Long provisioned = Bodies.longField(call.body(), "provisioned");
        boolean truncate = Boolean.TRUE.equals(call.bool("truncate"));
        // pod {"name": p} moves the volume into pod p; null or {"name": ""} moves it to the root.
        boolean move = call.body().has("pod");
        String pod = move ? podName(call.body()) : null;
        // volume_group {"name": g} moves the volume into group g; {"name": ""} moves it out.
        boolean groupMove = call.body().has("volume_group");
        String group = groupMove ? referenceName(call.body(), "volume_group") : null;
        boolean setQos = VolumeFeatures.hasQosPatch(call.body());
        if (destroyed == null && newName == null && provisioned == null && !move && !groupMove && !setQos) {
            throw FaRestError.badRequest(null, "Missing parameter: give destroyed, name, provisioned, pod, volume_group"
                    + " or qos.");
        }
        if (groupMove) {
            VolumeFeatures.groups(call, ctx);
        }
        // Parse and range-check every volume's new QoS before changing any volume.
        Map<String, QosLimits> qosByName = new HashMap<>();
        if (setQos) {
            VolumeQos q = VolumeFeatures.qos(call, ctx);
            for (String name : names) {
                QosLimits current;
                try {
                    current = q.volumeQos(name);
                } catch (EngineException e) {
                    throw EngineErrors.toRest(e, "Volume", name);
                }
                qosByName.put(name, VolumeFeatures.checked(VolumeFeatures.patchQos(call.body(), current),
                        "volume " + name));
            }
        }
        if (newName != null) {
            Names.checkVolume(newName);
            if (names.size() != 1) {
                throw FaRestError.badRequest(null, "Invalid parameters: rename one volume at a time.");
            }
        }
        if (provisioned != null) {
            checkSize(provisioned);
        }
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            String current = name;
            try {
                FlashArray array = ctx.array();
                if (Boolean.FALSE.equals(destroyed)) {
                    array.recoverVolume(current);
                }
                if (provisioned != null) {
                    array.resizeVolume(current, provisioned, truncate);
                }
                if (setQos) {
                    VolumeFeatures.qos(call, ctx).setVolumeQos(current, qosByName.get(name));
                }
                if (newName != null && !newName.equals(current)) {
                    array.renameVolume(current, newName);
                    current = newName;
                }
                if (move) {
                    current = ReplicationViews.of(call, ctx).moveVolume(current, pod).name();
                }
                if (groupMove) {
                    current = VolumeFeatures.groups(call, ctx).moveVolumeToGroup(current, group).name();
                }
                if (Boolean.TRUE.equals(destroyed)) {
                    array.destroyVolume(current);
                }
                Optional<VolumeRecord> v = array.findVolume(current);
                if (v.isPresent()) {
                    items.add(JsonViews.volume(v.get(), connectionCounts(array).getOrDefault(current, 0), ctx));
                }
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Volume", current);
            }
        }
        return Reply.items(items);
    }

    private Reply delete(RestCall call, ArrayContext ctx) {
        call.allowParams(DELETE_PARAMS);
        if (call.body() != null && call.body().size() > 0) {
            throw FaRestError.badRequest(null, "Invalid parameter: DELETE /volumes takes no body.");
        }
        EngineErrors.forEachName(resolveNames(call, ctx), "Volume", name -> ctx.array().eradicateVolume(name));
        return Reply.empty();
    }

    /** names=, or ids= turned into names; one of them is required. */
    private static List<String> resolveNames(RestCall call, ArrayContext ctx) {
        List<String> names = call.list("names");
        List<String> ids = call.list("ids");
        if (!names.isEmpty() && !ids.isEmpty()) {
            throw FaRestError.badRequest(null, "Invalid parameters: names and ids cannot be used together.");
        }
        if (!names.isEmpty()) {
            return names;
        }
        if (ids.isEmpty()) {
            throw FaRestError.badRequest(null, "Missing parameter: names or ids is required.");
        }
        List<String> out = new ArrayList<>();
        List<VolumeRecord> all = ctx.array().listVolumes();
        for (String id : ids) {
            out.add(all.stream().filter(v -> v.id().equals(id)).findFirst()
                    .orElseThrow(() -> FaRestError.badRequest(id, "Volume does not exist.")).name());
        }
        return out;
    }

    static void checkSize(long bytes) {
        if (bytes > MAX_SIZE) {
            throw FaRestError.badRequest(null, "Invalid value for provisioned: " + bytes
                    + " exceeds the 4 PiB maximum volume size.");
        }
        if (bytes <= 0 || bytes % 512 != 0) {
            throw FaRestError.badRequest(null, "Invalid value for provisioned: " + bytes
                    + " must be a positive multiple of 512.");
        }
    }

    static Map<String, Integer> connectionCounts(FlashArray array) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConnectionRecord c : array.listConnections(null, null)) {
            counts.merge(c.volumeName(), 1, Integer::sum);
        }
        return counts;
    }

    static Set<String> with(Set<String> base, String... more) {
        Set<String> s = new HashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    private static String podName(JsonNode body) {
        return referenceName(body, "pod");
    }

    /** The name of a reference field ({@code {"name": ...}}); null or a missing name is "". */
    private static String referenceName(JsonNode body, String field) {
        JsonNode ref = body.get(field);
        if (ref == null || ref.isNull()) {
            return "";
        }
        if (!ref.isObject()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected a reference {\"name\": ...}.");
        }
        String name = Bodies.textField(ref, "name");
        return name == null ? "" : name;
    }
}
