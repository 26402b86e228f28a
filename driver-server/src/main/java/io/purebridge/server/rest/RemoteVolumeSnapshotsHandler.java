package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /remote-volume-snapshots}: the snapshots offloaded to the service's targets, read from the
 * buckets, in FlashArray's item shape: {@code name} "srcArray:volume.suffix", {@code suffix},
 * {@code created}, {@code provisioned}, {@code source} (the volume on its array) and {@code remote}
 * (the target).
 * <ul>
 *   <li>{@code GET [?on=TARGET]}: what every target (or those {@code on} names) holds.
 *   <li>{@code POST ?source_names=VOL&on=TARGET}, body {@code {suffix}} optional: a snapshot taken on
 *       the target ({@link OnDemandOffload}), answered once it is there.
 *   <li>{@code PATCH ?names=&on=} with {@code {"destroyed": true}}: deletes it from the target at once
 *       (a bucket keeps no destroyed state to recover from); {@code DELETE ?names=&on=} then finds
 *       nothing, which succeeds, so the vendor's destroy-then-eradicate works.
 * </ul>
 * Restoring goes through {@code POST /volumes} with the snapshot as its source, or purebridge-admin.
 */
final class RemoteVolumeSnapshotsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "on", "source_names");
    private static final Set<String> POST_PARAMS = Set.of("source_names", "on");
    private static final Set<String> POST_FIELDS = Set.of("suffix");
    /** PATCH and DELETE: the same snapshots by name, on one target. */
    private static final Set<String> BY_NAME_PARAMS = Set.of("names", "on", "replication_snapshot");
    private static final Set<String> PATCH_FIELDS = Set.of("destroyed");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OffloadTargets targets;

    RemoteVolumeSnapshotsHandler(OffloadTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call);
            case "POST" -> post(call, ctx);
            case "PATCH" -> patch(call);
            case "DELETE" -> delete(call);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply post(RestCall call, ArrayContext ctx) {
        call.allowParams(POST_PARAMS);
        call.allowFields(POST_FIELDS);
        List<String> sources = call.requiredSourceNames();
        String suffix = Names.optionalSuffix(call.body());
        Target on = onlyTarget(call);
        List<ObjectNode> items = new ArrayList<>();
        for (String volume : sources) {
            items.add(item(on.shown(), OnDemandOffload.take(ctx.array(), on.service(), volume, suffix)));
        }
        return Reply.items(items);
    }

    private Reply patch(RestCall call) {
        call.allowParams(BY_NAME_PARAMS);
        call.allowFields(PATCH_FIELDS);
        Bodies.require(call);
        List<String> names = call.requiredNames();
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        if (!Boolean.TRUE.equals(destroyed)) {
            throw FaRestError.badRequest(names.get(0), "Only {\"destroyed\": true} is supported: it deletes the"
                    + " snapshot from the offload target, which keeps nothing to recover.");
        }
        Target on = onlyTarget(call);
        Map<String, OffloadedSnapshot> held = new LinkedHashMap<>();
        on.service().list().forEach(s -> held.put(s.name(), s));
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            OffloadedSnapshot s = held.get(name);
            if (s == null) {
                throw FaRestError.badRequest(name, "Snapshot does not exist.");
            }
            ObjectNode item = item(on.shown(), s);
            deleteOne(on, name);
            items.add(item.put("destroyed", true));
        }
        return Reply.items(items);
    }

    private Reply delete(RestCall call) {
        call.allowParams(BY_NAME_PARAMS);
        Target on = onlyTarget(call);
        for (String name : call.requiredNames()) {
            deleteOne(on, name);
        }
        return Reply.empty();
    }

    private static void deleteOne(Target on, String name) {
        try {
            on.service().delete(name);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Snapshot", name);
        }
    }

    /** The target a write names with {@code on}: exactly one, known and connected. */
    private Target onlyTarget(RestCall call) {
        List<String> on = call.list("on");
        if (on.size() != 1) {
            throw FaRestError.badRequest(null, "Missing parameter: on must name the one offload target.");
        }
        String shown = on.get(0);
        String name = targets.byNameOnArrays(shown)
                .orElseThrow(() -> FaRestError.badRequest(shown, "Offload target does not exist."));
        try {
            return new Target(shown, targets.service(name));
        } catch (EngineException e) {
            throw FaRestError.badRequest(shown, "Offload target is not connected: " + e.getMessage());
        }
    }

    private record Target(String shown, OffloadService service) {
    }

    private Reply get(RestCall call) {
        call.allowParams(GET_PARAMS);
        List<String> sources = call.list("source_names");
        List<ObjectNode> items = new ArrayList<>();
        listed(targets, call).forEach((name, listed) -> {
            for (OffloadedSnapshot s : listed) {
                String source = s.sourceArray() + ":" + s.sourceVolume();
                if (sources.isEmpty() || sources.contains(source)) {
                    items.add(item(name, s));
                }
            }
        });
        return Listing.page(call, Selection.select(call, items, "Snapshot"));
    }

    /**
     * What the targets {@code on} names (every target without it) hold, by the name the arrays know
     * each target under. An unknown target is a 400; so is one that does not answer when named,
     * while listing every target skips it.
     */
    static Map<String, List<OffloadedSnapshot>> listed(OffloadTargets targets, RestCall call) {
        List<String> on = call.list("on");
        Map<String, String> named = new LinkedHashMap<>();
        for (String name : on) {
            named.put(name, targets.byNameOnArrays(name)
                    .orElseThrow(() -> FaRestError.badRequest(name, "Offload target does not exist.")));
        }
        if (on.isEmpty()) {
            targets.names().forEach(name -> named.put(targets.target(name).nameOnArrays(), name));
        }
        Map<String, List<OffloadedSnapshot>> listed = new LinkedHashMap<>();
        named.forEach((shown, name) -> {
            try {
                listed.put(shown, targets.service(name).list());
            } catch (EngineException e) {
                if (!on.isEmpty()) {
                    throw FaRestError.badRequest(shown, "Offload target is not connected: " + e.getMessage());
                }
                // listing every target: one that does not answer lists nothing
            }
        });
        return listed;
    }

    static ObjectNode item(String target, OffloadedSnapshot s) {
        ObjectNode o = F.objectNode();
        o.put("id", s.key());
        o.put("name", s.name());
        int dot = s.snapshot().lastIndexOf('.');
        o.put("suffix", dot < 0 ? s.snapshot() : s.snapshot().substring(dot + 1));
        o.put("created", s.createdMillis());
        o.put("destroyed", false);
        o.putNull("time_remaining");
        o.put("provisioned", s.sizeBytes());
        o.putNull("pod");
        ObjectNode source = o.putObject("source");
        source.putNull("id");
        source.put("name", s.sourceArray() + ":" + s.sourceVolume());
        o.putObject("remote").putNull("id").put("name", target);
        return o;
    }
}
