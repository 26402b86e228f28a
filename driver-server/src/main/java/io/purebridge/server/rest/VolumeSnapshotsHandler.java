package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /volume-snapshots}: GET, POST (source_names + suffix), PATCH (destroyed, name), DELETE. */
final class VolumeSnapshotsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "source_names");
    private static final Set<String> POST_PARAMS = Set.of("source_names");
    private static final Set<String> POST_FIELDS = Set.of("suffix");
    private static final Set<String> PATCH_PARAMS = Set.of("names");
    private static final Set<String> PATCH_FIELDS = Set.of("destroyed", "name");

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
        List<SnapshotRecord> snaps = new ArrayList<>();
        List<String> sources = call.list("source_names");
        if (sources.isEmpty()) {
            snaps.addAll(ctx.array().listSnapshots(null));
        } else {
            for (String source : sources) {
                if (ctx.array().findVolume(source).isEmpty()) {
                    throw FaRestError.badRequest(source, "Volume does not exist.");
                }
                try {
                    snaps.addAll(ctx.array().listSnapshots(source));
                } catch (EngineException e) {
                    throw EngineErrors.toRest(e, "Volume", source);
                }
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        snaps.forEach(s -> items.add(JsonViews.snapshot(s, ctx)));
        return Listing.page(call, Selection.select(call, items, "Snapshot"));
    }

    private Reply post(RestCall call, ArrayContext ctx) {
        call.allowParams(POST_PARAMS);
        call.allowFields(POST_FIELDS);
        List<String> sources = call.requiredSourceNames();
        String suffix = Names.optionalSuffix(call.body());
        List<ObjectNode> items = new ArrayList<>();
        for (String source : sources) {
            try {
                String s = suffix != null ? suffix : nextNumericSuffix(ctx, source);
                items.add(JsonViews.snapshot(ctx.array().createSnapshot(source, s), ctx));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Volume", source);
            }
        }
        return Reply.items(items);
    }

    /** Without a suffix the array names snapshots VOL.N with a growing N. */
    private static String nextNumericSuffix(ArrayContext ctx, String source) {
        long max = 0;
        for (SnapshotRecord s : ctx.array().listSnapshots(source)) {
            if (s.suffix().matches("[0-9]{1,18}")) {
                max = Math.max(max, Long.parseLong(s.suffix()));
            }
        }
        return Long.toString(max + 1);
    }

    private Reply patch(RestCall call, ArrayContext ctx) {
        call.allowParams(PATCH_PARAMS);
        call.allowFields(PATCH_FIELDS);
        Bodies.require(call);
        List<String> names = call.requiredNames();
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        String newName = Bodies.textField(call.body(), "name");
        if (destroyed == null && newName == null) {
            throw FaRestError.badRequest(null, "Missing parameter: give destroyed or name.");
        }
        if (Boolean.FALSE.equals(destroyed)) {
            throw FaRestError.badRequest(names.get(0), "Recovering a destroyed snapshot is not supported by "
                    + "this simulated array yet.");
        }
        if (newName != null) {
            Names.checkSnapshot(newName);
            if (names.size() != 1) {
                throw FaRestError.badRequest(null, "Invalid parameters: rename one snapshot at a time.");
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            String current = name;
            try {
                if (newName != null && !newName.equals(current)) {
                    ctx.array().renameSnapshot(current, newName);
                    current = newName;
                }
                if (Boolean.TRUE.equals(destroyed)) {
                    ctx.array().destroySnapshot(current);
                }
                ctx.array().findSnapshot(current).ifPresent(s -> items.add(JsonViews.snapshot(s, ctx)));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Snapshot", current);
            }
        }
        return Reply.items(items);
    }

    private Reply delete(RestCall call, ArrayContext ctx) {
        call.allowParams(PATCH_PARAMS);
        EngineErrors.forEachName(call.requiredNames(), "Snapshot", name -> ctx.array().eradicateSnapshot(name));
        return Reply.empty();
    }
}
