package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /remote-protection-group-snapshots[?on=TARGET]}: the protection group snapshots whose
 * volume snapshots were offloaded to the service's targets, from the same bucket listing as
 * {@code /remote-volume-snapshots}. An offloaded volume snapshot named {@code PG.SUFFIX.VOLUME} (what
 * a group snapshot makes, e.g. the OffloadShipper's scheduled ones) belongs to the group snapshot
 * {@code srcArray:PG.SUFFIX}; one item per such group snapshot and target, in FlashArray's shape:
 * {@code name}, {@code suffix}, {@code created} (its earliest volume snapshot), {@code destroyed},
 * {@code time_remaining}, {@code is_local} (taken on the array answering), {@code source}
 * ({@code srcArray:PG}) and {@code remote} (the target). Writes are refused with a 400, as on
 * {@code /remote-volume-snapshots}.
 */
final class RemoteProtectionGroupSnapshotsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "on", "source_names");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final OffloadTargets targets;

    RemoteProtectionGroupSnapshotsHandler(OffloadTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call, ctx);
            case "POST", "PATCH", "DELETE" -> throw FaRestError.badRequest(
                    call.list("names").isEmpty() ? null : call.list("names").get(0),
                    "Offload and restore on this simulated array go through the purebridge service"
                            + " (purebridge-admin offload start|restore), not over REST.");
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        List<String> sources = call.list("source_names");
        List<ObjectNode> items = new ArrayList<>();
        RemoteVolumeSnapshotsHandler.listed(targets, call).forEach((target, listed) -> {
            Map<String, ObjectNode> groups = new LinkedHashMap<>();
            for (OffloadedSnapshot s : listed) {
                String[] parts = s.snapshot().split("\\.", 3);
                if (parts.length < 3) {
                    continue; // a volume's own snapshot, not a group's
                }
                String source = s.sourceArray() + ":" + parts[0];
                if (!sources.isEmpty() && !sources.contains(source)) {
                    continue;
                }
                String name = source + "." + parts[1];
                ObjectNode item = groups.computeIfAbsent(name, n -> item(target, n, source, parts[1],
                        s.sourceArray().equals(ctx.arrayName()), s.createdMillis()));
                item.put("created", Math.min(item.path("created").asLong(), s.createdMillis()));
            }
            items.addAll(groups.values());
        });
        return Listing.page(call, Selection.select(call, items, "Snapshot"));
    }

    private static ObjectNode item(String target, String name, String source, String suffix, boolean local,
            long created) {
        ObjectNode o = F.objectNode();
        o.put("id", UUID.nameUUIDFromBytes((target + "/" + name).getBytes(StandardCharsets.UTF_8)).toString());
        o.put("name", name);
        o.put("suffix", suffix);
        o.put("created", created);
        o.put("destroyed", false);
        o.putNull("time_remaining");
        o.put("is_local", local);
        o.putObject("source").putNull("id").put("name", source);
        o.putObject("remote").putNull("id").put("name", target);
        return o;
    }
}
