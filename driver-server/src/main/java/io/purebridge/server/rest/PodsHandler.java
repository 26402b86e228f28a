package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /pods} (GET, POST, PATCH failover_preferences/destroyed, DELETE) and {@code /pods/arrays}
 * (GET, POST = stretch, DELETE = unstretch). The simulated array has no destroyed state for pods:
 * PATCH destroyed=true removes the (empty, unstretched) pod at once and DELETE of a pod that is no
 * longer there succeeds.
 */
final class PodsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed");
    private static final Set<String> NAMES = Set.of("names");
    private static final Set<String> MEMBER_GET = VolumesHandler.with(Listing.PAGING_PARAMS, "group_names", "member_names");
    private static final Set<String> MEMBER_WRITE = Set.of("group_names", "member_names", "with_unknown");

    private final boolean arrays;

    private PodsHandler(boolean arrays) {
        this.arrays = arrays;
    }

    static PodsHandler pods() {
        return new PodsHandler(false);
    }

    static PodsHandler podArrays() {
        return new PodsHandler(true);
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        ReplicationArray r = ReplicationViews.of(call, ctx);
        if (arrays) {
            return switch (call.method()) {
                case "GET" -> getArrays(call, r);
                case "POST", "DELETE" -> stretch(call, r, call.method().equals("POST"));
                default -> throw ResourceHandler.methodNotAllowed(call);
            };
        }
        return switch (call.method()) {
            case "GET" -> get(call, r);
            case "POST" -> post(call, r);
            case "PATCH" -> patch(call, r);
            case "DELETE" -> delete(call, r);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ReplicationArray r) {
        call.allowParams(GET_PARAMS);
        List<ObjectNode> items = new ArrayList<>();
        r.listPods().forEach(p -> items.add(ReplicationViews.pod(p, false)));
        return Listing.page(call, Selection.select(call, items, "Pod"));
    }

    private Reply post(RestCall call, ReplicationArray r) {
        call.allowParams(NAMES);
        call.allowFields(Set.of("failover_preferences"));
        List<String> prefs = preferences(call.body());
        List<ObjectNode> items = new ArrayList<>();
        for (String name : call.requiredNames()) {
            try {
                PodRecord p = r.createPod(name);
                if (!prefs.isEmpty()) {
                    p = r.setFailoverPreferences(name, prefs);
                }
                items.add(ReplicationViews.pod(p, false));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Pod", name);
            }
        }
        return Reply.items(items);
    }

    private Reply patch(RestCall call, ReplicationArray r) {
        call.allowParams(NAMES);
        call.allowFields(Set.of("failover_preferences", "failover_preferences.name", "destroyed"));
        Bodies.require(call);
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        boolean setPrefs = call.body().has("failover_preferences");
        if (destroyed == null && !setPrefs) {
            throw FaRestError.badRequest(null, "Missing parameter: give failover_preferences or destroyed.");
        }
        if (Boolean.FALSE.equals(destroyed)) {
            throw FaRestError.badRequest(null, "Recovering a destroyed pod is not supported by this simulated array.");
        }
        List<String> prefs = setPrefs ? preferences(call.body()) : List.of();
        List<ObjectNode> items = new ArrayList<>();
        for (String name : call.requiredNames()) {
            try {
                PodRecord p = r.findPod(name).orElseThrow(() -> FaRestError.badRequest(name, "Pod does not exist."));
                if (setPrefs) {
                    p = r.setFailoverPreferences(name, prefs);
                }
                if (Boolean.TRUE.equals(destroyed)) {
                    r.destroyPod(name);
                }
                items.add(ReplicationViews.pod(p, Boolean.TRUE.equals(destroyed)));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Pod", name);
            }
        }
        return Reply.items(items);
    }

    private Reply delete(RestCall call, ReplicationArray r) {
        call.allowParams(Set.of("names", "eradicate_contents"));
        for (String name : call.requiredNames()) {
            if (r.findPod(name).isPresent()) {
                throw FaRestError.badRequest(name, "Cannot eradicate pod that has not been destroyed.");
            }
        }
        return Reply.empty();
    }

    private Reply getArrays(RestCall call, ReplicationArray r) {
        call.allowParams(MEMBER_GET);
        List<String> groups = call.list("group_names");
        List<String> members = call.list("member_names");
        List<ObjectNode> items = new ArrayList<>();
        for (PodRecord p : r.listPods()) {
            if (!groups.isEmpty() && !groups.contains(p.name())) {
                continue;
            }
            for (PodArrayStatus s : p.arrays()) {
                if (members.isEmpty() || members.contains(s.arrayName())) {
                    items.add(ReplicationViews.member(p.name(), s.arrayName(), null));
                }
            }
        }
        for (String g : groups) {
            if (r.findPod(g).isEmpty()) {
                throw FaRestError.badRequest(g, "Pod does not exist.");
            }
        }
        return Listing.page(call, items);
    }

    private Reply stretch(RestCall call, ReplicationArray r, boolean add) {
        call.allowParams(MEMBER_WRITE);
        List<String> groups = call.list("group_names");
        List<String> members = call.list("member_names");
        if (groups.size() != 1 || members.size() != 1) {
            throw FaRestError.badRequest(null, "Invalid parameters: give exactly one of group_names and one of "
                    + "member_names.");
        }
        String pod = groups.get(0);
        String array = members.get(0);
        try {
            if (add) {
                r.stretchPod(pod, array);
                return Reply.items(List.of(ReplicationViews.member(pod, array, null)));
            }
            r.unstretchPod(pod, array);
            return Reply.empty();
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Pod", pod);
        }
    }

    /** {@code failover_preferences}: a list of references {@code {"name": ...}}; [] or null clears. */
    private static List<String> preferences(JsonNode body) {
        JsonNode n = body == null ? null : body.get("failover_preferences");
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw FaRestError.badRequest(null, "Invalid value for failover_preferences: expected a list of references.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            String name = e.isObject() ? e.path("name").asText("") : "";
            if (name.isBlank()) {
                throw FaRestError.badRequest(null, "Invalid value for failover_preferences: each entry needs a name.");
            }
            out.add(name);
        }
        return out;
    }
}
