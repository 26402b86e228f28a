package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ReplicationArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /container-default-protections} (GET, PATCH): SafeMode's protection groups that a real
 * array adds to every new volume of a container (the array or a pod). The simulated array has no
 * SafeMode, so every container's list is empty; clearing it (what Cinder does on arrays running
 * Purity 6.3.4 or later) succeeds and setting one is refused.
 */
final class ContainerDefaultProtectionsHandler implements ResourceHandler {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed");
    private static final Set<String> PATCH_PARAMS = Set.of("names", "ids");
    private static final Set<String> PATCH_FIELDS = Set.of("default_protections");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call, ctx);
            case "PATCH" -> patch(call, ctx);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        return Listing.page(call, Selection.select(call, containers(call, ctx), "Container"));
    }

    private Reply patch(RestCall call, ArrayContext ctx) {
        call.allowParams(PATCH_PARAMS);
        call.allowFields(PATCH_FIELDS);
        JsonNode wanted = Bodies.require(call).get("default_protections");
        if (wanted == null || !wanted.isArray()) {
            throw FaRestError.badRequest("default_protections",
                    "Invalid value for default_protections: give a list of protection group references.");
        }
        List<ObjectNode> selected = Selection.select(call, containers(call, ctx), "Container");
        if (!wanted.isEmpty()) {
            throw FaRestError.badRequest("default_protections", "Default protections are not supported by this "
                    + "simulated array (it has no SafeMode); set default_protections to [].");
        }
        return Listing.page(call, selected);
    }

    /** The local array (when the query names no container) and every pod. */
    private static List<ObjectNode> containers(RestCall call, ArrayContext ctx) {
        List<ObjectNode> items = new ArrayList<>();
        if (call.list("names").isEmpty() && call.list("ids").isEmpty()) {
            items.add(localArray());
        }
        if (ctx.array() instanceof ReplicationArray r) {
            r.listPods().forEach(p -> items.add(container(p.id(), p.name(), "pod")));
        }
        return items;
    }

    private static ObjectNode localArray() {
        // The spec's local container has null id, name and type.
        return container(null, null, null);
    }

    private static ObjectNode container(String id, String name, String type) {
        ObjectNode o = F.objectNode();
        o.put("id", id);
        o.put("name", name);
        o.put("type", type);
        o.putArray("default_protections");
        return o;
    }
}
