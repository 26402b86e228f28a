package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /protection-group-snapshots} (GET, POST with suffix/replicate_now/apply_retention, PATCH
 * destroyed, DELETE = eradicate) and {@code /protection-group-snapshots/transfer} (GET). As clients
 * expect, a name without a '.' in {@code names} selects every snapshot of that group.
 */
final class PgSnapshotsHandler implements ResourceHandler {
    private static final Set<String> GET_PARAMS =
            VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed", "source_names");
    private static final Set<String> POST_PARAMS = Set.of("source_names", "replicate_now", "replicate", "apply_retention");
    private static final Set<String> NAMES = Set.of("names");

    private final boolean transfers;

    private PgSnapshotsHandler(boolean transfers) {
        this.transfers = transfers;
    }

    static PgSnapshotsHandler snapshots() {
        return new PgSnapshotsHandler(false);
    }

    static PgSnapshotsHandler transfer() {
        return new PgSnapshotsHandler(true);
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        ReplicationArray r = ReplicationViews.of(call, ctx);
        if (transfers) {
            if (!call.method().equals("GET")) {
                throw ResourceHandler.methodNotAllowed(call);
            }
            return getTransfers(call, r);
        }
        return switch (call.method()) {
            case "GET" -> get(call, r, ctx);
            case "POST" -> post(call, r, ctx);
            case "PATCH" -> patch(call, r, ctx);
            case "DELETE" -> delete(call, r);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        List<String> names = call.list("names");
        List<String> groupNames = new ArrayList<>(call.list("source_names"));
        List<String> snapNames = new ArrayList<>();
        for (String n : names) {
            // A group name (no '.' after the source and pod prefixes) asks for all of its snapshots.
            String tail = n.substring(Math.max(n.lastIndexOf(':') + 1, 0));
            if (tail.contains(".") || n.contains("*")) {
                snapNames.add(n);
            } else {
                groupNames.add(n);
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        if (groupNames.isEmpty()) {
            for (ProtectionGroupRecord g : r.listProtectionGroups()) {
                r.listProtectionGroupSnapshots(g.name()).forEach(s -> items.add(ReplicationViews.pgSnapshot(s, ctx)));
            }
        } else {
            for (String g : groupNames) {
                if (r.findProtectionGroup(g).isEmpty()) {
                    throw FaRestError.badRequest(g, "Protection group does not exist.");
                }
                try {
                    r.listProtectionGroupSnapshots(g).forEach(s -> items.add(ReplicationViews.pgSnapshot(s, ctx)));
                } catch (EngineException e) {
                    throw EngineErrors.toRest(e, "Protection group", g);
                }
            }
        }
        if (snapNames.isEmpty()) {
            call.query().remove("names");
        } else {
            call.query().put("names", snapNames);
        }
        return Listing.page(call, Selection.select(call, items, "Protection group snapshot"));
    }

    private Reply post(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(POST_PARAMS);
        call.allowFields(Set.of("suffix"));
        String suffix = call.body() == null ? null : Bodies.textField(call.body(), "suffix");
        List<String> sources = call.requiredSourceNames();
        Boolean now = call.bool("replicate_now");
        Boolean queued = call.bool("replicate");
        if (Boolean.TRUE.equals(now) && Boolean.TRUE.equals(queued)) {
            throw FaRestError.badRequest(null, "Invalid parameters: replicate and replicate_now cannot be combined.");
        }
        // The simulated array has no transfer queue: replicate (queued) ships at once like replicate_now.
        boolean replicateNow = Boolean.TRUE.equals(now) || Boolean.TRUE.equals(queued);
        boolean applyRetention = Boolean.TRUE.equals(call.bool("apply_retention"));
        List<ObjectNode> items = new ArrayList<>();
        for (String g : sources) {
            try {
                PgSnapshotRecord s = r.createProtectionGroupSnapshot(g, suffix, replicateNow, applyRetention);
                items.add(ReplicationViews.pgSnapshot(s, ctx));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Protection group", g);
            }
        }
        return Reply.items(items);
    }

    /** {@code destroyed: true} destroys (recoverable until eradicated), {@code false} recovers. */
    private Reply patch(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(NAMES);
        call.allowFields(Set.of("destroyed"));
        Bodies.require(call);
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        if (destroyed == null) {
            throw FaRestError.badRequest(null, "Missing parameter: give destroyed.");
        }
        List<ObjectNode> items = new ArrayList<>();
        EngineErrors.forEachName(call.requiredNames(), "Protection group snapshot", name -> items.add(
                ReplicationViews.pgSnapshot(destroyed ? r.destroyProtectionGroupSnapshot(name)
                        : r.recoverProtectionGroupSnapshot(name), ctx)));
        return Reply.items(items);
    }

    private Reply delete(RestCall call, ReplicationArray r) {
        call.allowParams(NAMES);
        EngineErrors.forEachName(call.requiredNames(), "Protection group snapshot",
                r::eradicateProtectionGroupSnapshot);
        return Reply.empty();
    }

    /**
     * Outgoing transfers of local groups and, on a target, the received snapshots of replica groups
     * (how clients choose a failover snapshot); {@code names} may name groups or snapshots. Newest
     * first per group.
     */
    private Reply getTransfers(RestCall call, ReplicationArray r) {
        call.allowParams(GET_PARAMS);
        List<String> wanted = new ArrayList<>(call.list("names"));
        wanted.addAll(call.list("source_names"));
        Boolean destroyed = call.bool("destroyed");
        List<ObjectNode> items = new ArrayList<>();
        if (Boolean.TRUE.equals(destroyed)) {
            // Snapshots go straight to eradication here: nothing is ever in the destroyed state.
            call.query().remove("names");
            call.query().remove("source_names");
            return Listing.page(call, items);
        }
        for (ProtectionGroupRecord g : r.listProtectionGroups()) {
            boolean wholeGroup = wanted.isEmpty() || wanted.contains(g.name());
            r.listProtectionGroupTransfers(g.name()).forEach(t -> {
                if (wholeGroup || wanted.contains(t.snapshotName())) {
                    items.add(ReplicationViews.transfer(t));
                }
            });
        }
        call.query().remove("names");
        call.query().remove("source_names");
        return Listing.page(call, items);
    }
}
