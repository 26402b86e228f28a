package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.array.VolumeTags;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /volumes/tags} (GET, DELETE) and {@code /volumes/tags/batch} (PUT, a list of {@code Tag}
 * applied to every volume in {@code resource_names}). 404 for an array without {@link VolumeTags}.
 */
final class VolumeTagsHandler implements ResourceHandler {
    /** The FlashArray's limit on tags per batch request. */
    static final int MAX_BATCH = 30;

    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "resource_names",
            "resource_ids", "namespaces", "resource_destroyed");
    private static final Set<String> DELETE_PARAMS = Set.of("resource_names", "resource_ids", "namespaces", "keys");
    private static final Set<String> PUT_PARAMS = Set.of("resource_names", "resource_ids");
    private static final Set<String> TAG_FIELDS = Set.of("namespace", "key", "value", "copyable", "resource");

    private final boolean batch;

    private VolumeTagsHandler(boolean batch) {
        this.batch = batch;
    }

    static VolumeTagsHandler tags() {
        return new VolumeTagsHandler(false);
    }

    static VolumeTagsHandler batch() {
        return new VolumeTagsHandler(true);
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        VolumeTags tags = VolumeFeatures.tags(call, ctx);
        String method = call.method();
        if (batch) {
            if (!"PUT".equals(method)) {
                throw ResourceHandler.methodNotAllowed(call);
            }
            return put(call, ctx, tags);
        }
        return switch (method) {
            case "GET" -> get(call, ctx, tags);
            case "DELETE" -> delete(call, ctx, tags);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx, VolumeTags tags) {
        call.allowParams(GET_PARAMS);
        List<String> volumes = resources(call, ctx, false);
        Set<String> namespaces = new LinkedHashSet<>(call.list("namespaces"));
        Boolean destroyed = call.bool("resource_destroyed");
        Map<String, Boolean> destroyedByName = new HashMap<>();
        if (destroyed != null) {
            for (VolumeRecord v : ctx.array().listVolumes()) {
                destroyedByName.put(v.name(), v.destroyed());
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        try {
            for (VolumeTag t : tags.listVolumeTags(volumes)) {
                if ((namespaces.isEmpty() || namespaces.contains(t.namespace()))
                        && (destroyed == null || destroyed.equals(destroyedByName.get(t.resourceName())))) {
                    items.add(VolumeFeatures.tag(t));
                }
            }
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Volume", null);
        }
        return Listing.page(call, items);
    }

    private Reply delete(RestCall call, ArrayContext ctx, VolumeTags tags) {
        call.allowParams(DELETE_PARAMS);
        if (call.body() != null && call.body().size() > 0) {
            throw FaRestError.badRequest(null, "Invalid parameter: DELETE /volumes/tags takes no body.");
        }
        List<String> volumes = resources(call, ctx, true);
        List<String> namespaces = call.list("namespaces");
        if (namespaces.size() > 1) {
            throw FaRestError.badRequest(null, "Invalid parameter: only one namespace is allowed per delete request.");
        }
        String namespace = namespaces.isEmpty() ? VolumeTag.DEFAULT_NAMESPACE : namespaces.get(0);
        List<String> keys = call.list("keys");
        // Every volume must exist before any tag goes.
        for (String v : volumes) {
            if (ctx.array().findVolume(v).isEmpty()) {
                throw FaRestError.badRequest(v, "Volume does not exist.");
            }
        }
        EngineErrors.forEachName(volumes, "Volume", v -> tags.deleteVolumeTags(v, namespace, keys));
        return Reply.empty();
    }

    private Reply put(RestCall call, ArrayContext ctx, VolumeTags tags) {
        call.allowParams(PUT_PARAMS);
        List<String> volumes = resources(call, ctx, true);
        JsonNode list = Bodies.listBody(call);
        if (list == null || list.isEmpty()) {
            throw FaRestError.badRequest(null, "Missing request body: give a list of 1-" + MAX_BATCH + " tags.");
        }
        if (list.size() > MAX_BATCH) {
            throw FaRestError.badRequest(null, "Invalid request body: at most " + MAX_BATCH + " tags per request, got "
                    + list.size() + ".");
        }
        List<VolumeTag> wanted = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw FaRestError.badRequest(null, "Invalid request body: each tag must be an object.");
            }
            item.fieldNames().forEachRemaining(f -> {
                if (!TAG_FIELDS.contains(f)) {
                    throw FaRestError.badRequest(null, "Invalid parameter: tag field '" + f + "' is unknown.");
                }
            });
            String key = Bodies.textField(item, "key");
            if (key == null) {
                throw FaRestError.badRequest(null, "Missing parameter: every tag needs a key.");
            }
            String namespace = Bodies.textField(item, "namespace");
            String value = Bodies.textField(item, "value");
            Boolean copyable = Bodies.boolField(item, "copyable");
            for (String v : volumes) {
                wanted.add(new VolumeTag(v, namespace, key, value, copyable == null || copyable));
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        try {
            for (VolumeTag t : tags.putVolumeTags(wanted)) {
                items.add(VolumeFeatures.tag(t));
            }
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Volume", volumes.size() == 1 ? volumes.get(0) : null);
        }
        return Reply.items(items);
    }

    /** resource_names, or resource_ids turned into names; empty allowed only when not required. */
    private static List<String> resources(RestCall call, ArrayContext ctx, boolean required) {
        List<String> names = call.list("resource_names");
        List<String> ids = call.list("resource_ids");
        if (!names.isEmpty() && !ids.isEmpty()) {
            throw FaRestError.badRequest(null, "Invalid parameters: resource_names and resource_ids cannot be used"
                    + " together.");
        }
        if (!ids.isEmpty()) {
            List<VolumeRecord> all = ctx.array().listVolumes();
            List<String> out = new ArrayList<>();
            for (String id : ids) {
                out.add(all.stream().filter(v -> v.id().equals(id)).findFirst()
                        .orElseThrow(() -> FaRestError.badRequest(id, "Volume does not exist.")).name());
            }
            return out;
        }
        if (names.isEmpty() && required) {
            throw FaRestError.badRequest(null, "Missing parameter: resource_names or resource_ids is required.");
        }
        return names;
    }
}
