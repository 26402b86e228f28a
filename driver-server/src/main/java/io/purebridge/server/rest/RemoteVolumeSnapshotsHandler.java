package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.SnapshotRecord;
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
 *       the target ({@link OnDemandOffload}), answered once its send began; listed once complete.
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
    private final OnDemandOffload sends;

    RemoteVolumeSnapshotsHandler(OffloadTargets targets, OnDemandOffload sends) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.sends = Objects.requireNonNull(sends, "sends");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call);
            case "POST" -> post(call, ctx);
            case "PATCH" -> patch(call, ctx);
            case "DELETE" -> delete(call, ctx);
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
        String arrayName = ctx.array().arrayInfo().name();
        for (String volume : sources) {
            OnDemandOffload.Taken taken = sends.take(ctx, on.shown(), on.service(), volume, suffix);
            items.add(taken.held().map(s -> item(on.shown(), s))
                    .orElseGet(() -> sending(on.shown(), arrayName, taken.sending().orElseThrow())));
        }
        return Reply.items(items);
    }

    private Reply patch(RestCall call, ArrayContext ctx) {
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
        refuseWhileSending(ctx, on, names);
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

    private Reply delete(RestCall call, ArrayContext ctx) {
        call.allowParams(BY_NAME_PARAMS);
        Target on = onlyTarget(call);
        refuseWhileSending(ctx, on, call.requiredNames());
        for (String name : call.requiredNames()) {
            deleteOne(on, name);
        }
        return Reply.empty();
    }

    /** A snapshot still being sent has nothing on the target to destroy yet: said so, nothing changed. */
    private void refuseWhileSending(ArrayContext ctx, Target on, List<String> names) {
        String arrayName = ctx.array().arrayInfo().name();
        for (OnDemandOffload.Send s : sends.pending(ctx.arrayName(), on.shown())) {
            String name = arrayName + ":" + s.snapshot();
            if (names.contains(name)) {
                throw FaRestError.badRequest(name, "Snapshot is still being sent to the offload target; destroy it"
                        + " once /remote-volume-snapshots/transfer shows it completed.");
            }
        }
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

    /** A snapshot answered and still being sent: its local copy, under the name and id it will have there. */
    static ObjectNode sending(String target, String arrayName, SnapshotRecord local) {
        String name = arrayName + ":" + local.name();
        return view(target, OffloadService.keyOf(name), name, local.suffix(), local.createdEpochMillis(),
                local.provisionedBytes(), arrayName + ":" + local.sourceName());
    }

    static ObjectNode item(String target, OffloadedSnapshot s) {
        int dot = s.snapshot().lastIndexOf('.');
        return view(target, s.key(), s.name(), dot < 0 ? s.snapshot() : s.snapshot().substring(dot + 1),
                s.createdMillis(), s.sizeBytes(), s.sourceArray() + ":" + s.sourceVolume());
    }

    private static ObjectNode view(String target, String id, String name, String suffix, long created,
            long provisioned, String source) {
        ObjectNode o = F.objectNode();
        o.put("id", id);
        o.put("name", name);
        o.put("suffix", suffix);
        o.put("created", created);
        o.put("destroyed", false);
        o.putNull("time_remaining");
        o.put("provisioned", provisioned);
        o.putNull("pod");
        o.putObject("source").putNull("id").put("name", source);
        o.putObject("remote").putNull("id").put("name", target);
        return o;
    }
}
