package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /remote-volume-snapshots[?on=TARGET]}: the snapshots offloaded to the service's
 * targets (all of them, or those {@code on} names), read from the buckets, in FlashArray's item
 * shape: {@code name} "srcArray:volume.suffix", {@code suffix}, {@code created}, {@code provisioned},
 * {@code source} (the volume on its array) and {@code remote} (the target). Offloading goes through
 * purebridge-admin offload; restoring, there or by {@code POST /volumes} with the snapshot as its
 * source. Writes here are refused with a 400 saying so.
 */
final class RemoteVolumeSnapshotsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "on", "source_names");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OffloadTargets targets;

    RemoteVolumeSnapshotsHandler(OffloadTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call);
            case "POST", "PATCH", "DELETE" -> throw FaRestError.badRequest(
                    call.list("names").isEmpty() ? null : call.list("names").get(0),
                    "Offload on this simulated array goes through the purebridge service (purebridge-admin"
                            + " offload start); restore with POST /volumes and the snapshot as source.name.");
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
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
