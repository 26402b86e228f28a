package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /protection-groups} (GET, POST, PATCH schedule/retention/destroyed, DELETE),
 * {@code /protection-groups/targets} (GET, POST, PATCH allowed on the target) and
 * {@code /protection-groups/volumes} (GET, POST, DELETE). PATCH merges partial sub-objects, as
 * Cinder sends one field at a time. Destroying a group removes it at once (no destroyed state in
 * the simulated array); DELETE of a group no longer there succeeds. A target may be an offload
 * target the array is connected to ({@code /offloads}), as on FlashArray: the group's snapshots
 * then go to its bucket ({@link GroupOffloadTargets}).
 */
final class ProtectionGroupsHandler implements ResourceHandler {
    enum Kind {
        GROUPS("protection-groups"), TARGETS("protection-groups/targets"), VOLUMES("protection-groups/volumes");

        private final String resource;

        Kind(String resource) {
            this.resource = resource;
        }

        String resource() {
            return resource;
        }
    }

    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed");
    private static final Set<String> PATCH_FIELDS = Set.of("destroyed", "replication_schedule",
            "replication_schedule.enabled", "replication_schedule.frequency", "replication_schedule.at",
            "replication_schedule.blackout", "replication_schedule.blackout.start", "replication_schedule.blackout.end",
            "source_retention", "source_retention.all_for_sec", "source_retention.per_day", "source_retention.days",
            "target_retention", "target_retention.all_for_sec", "target_retention.per_day", "target_retention.days");
    private static final Set<String> MEMBER_GET = VolumesHandler.with(Listing.PAGING_PARAMS, "group_names", "member_names");
    private static final Set<String> MEMBER_WRITE = Set.of("group_names", "member_names");

    private final Kind kind;
    /** Null: no offload targets are served. */
    private final GroupOffloadTargets offloads;

    ProtectionGroupsHandler(Kind kind) {
        this(kind, null);
    }

    ProtectionGroupsHandler(Kind kind, GroupOffloadTargets offloads) {
        this.kind = kind;
        this.offloads = offloads;
    }

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        ReplicationArray r = ReplicationViews.of(call, ctx);
        return switch (kind) {
            case GROUPS -> switch (call.method()) {
                case "GET" -> get(call, r);
                case "POST" -> post(call, r, ctx);
                case "PATCH" -> patch(call, r, ctx);
                case "DELETE" -> delete(call, r);
                default -> throw ResourceHandler.methodNotAllowed(call);
            };
            case TARGETS -> switch (call.method()) {
                case "GET" -> getTargets(call, r, ctx);
                case "POST" -> postTargets(call, r, ctx);
                case "PATCH" -> allow(call, r);
                case "DELETE" -> deleteTargets(call, r, ctx);
                default -> throw ResourceHandler.methodNotAllowed(call);
            };
            case VOLUMES -> switch (call.method()) {
                case "GET" -> getVolumes(call, r);
                case "POST", "DELETE" -> members(call, r, call.method().equals("POST"));
                default -> throw ResourceHandler.methodNotAllowed(call);
            };
        };
    }

    private Reply get(RestCall call, ReplicationArray r) {
        call.allowParams(GET_PARAMS);
        List<ObjectNode> items = new ArrayList<>();
        r.listProtectionGroups().forEach(g -> items.add(ReplicationViews.protectionGroup(g, false)));
        return Listing.page(call, Selection.select(call, items, "Protection group"));
    }

    private Reply post(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(Set.of("names"));
        call.allowFields(Set.of());
        List<ObjectNode> items = new ArrayList<>();
        EngineErrors.forEachName(call.requiredNames(), "Protection group", name -> {
            ProtectionGroupRecord made = r.createProtectionGroup(name);
            forgetOffloads(ctx, name); // a new group under an old name starts without targets
            items.add(ReplicationViews.protectionGroup(made, false));
        });
        return Reply.items(items);
    }

    private Reply patch(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(Set.of("names"));
        call.allowFields(PATCH_FIELDS);
        ObjectNode body = Bodies.require(call);
        Boolean destroyed = Bodies.boolField(body, "destroyed");
        if (Boolean.FALSE.equals(destroyed)) {
            throw FaRestError.badRequest(null, "Recovering a destroyed protection group is not supported by this "
                    + "simulated array.");
        }
        List<ObjectNode> items = new ArrayList<>();
        for (String name : call.requiredNames()) {
            try {
                ProtectionGroupRecord g = r.findProtectionGroup(name)
                        .orElseThrow(() -> FaRestError.badRequest(name, "Protection group does not exist."));
                ObjectNode rs = Bodies.objectField(body, "replication_schedule");
                if (rs != null) {
                    g = r.setReplicationSchedule(name, schedule(g.replicationSchedule(), rs));
                }
                RetentionPolicy source = retention(g.sourceRetention(), Bodies.objectField(body, "source_retention"),
                        "source_retention");
                RetentionPolicy target = retention(g.targetRetention(), Bodies.objectField(body, "target_retention"),
                        "target_retention");
                if (body.has("source_retention") || body.has("target_retention")) {
                    g = r.setRetention(name, body.has("source_retention") ? source : null,
                            body.has("target_retention") ? target : null);
                }
                if (Boolean.TRUE.equals(destroyed)) {
                    r.destroyProtectionGroup(name);
                    forgetOffloads(ctx, name);
                }
                items.add(ReplicationViews.protectionGroup(g, Boolean.TRUE.equals(destroyed)));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Protection group", name);
            }
        }
        return Reply.items(items);
    }

    private static ReplicationSchedule schedule(ReplicationSchedule current, ObjectNode patch) {
        ReplicationSchedule c = current != null ? current : ReplicationSchedule.every(14_400_000L, false);
        Boolean enabled = Bodies.boolField(patch, "enabled");
        Long frequency = Bodies.longField(patch, "frequency");
        long start = c.blackoutStartMs();
        long end = c.blackoutEndMs();
        JsonNode blackout = patch.get("blackout");
        if (blackout != null) {
            if (blackout.isNull() || (blackout.isTextual() && blackout.asText().isEmpty())) {
                start = 0;
                end = 0;
            } else if (blackout.isObject()) {
                Long s = Bodies.longField(blackout, "start");
                Long e = Bodies.longField(blackout, "end");
                start = s != null ? s : start;
                end = e != null ? e : end;
            } else {
                throw FaRestError.badRequest(null, "Invalid value for blackout: expected {start, end} or \"\".");
            }
        }
        try {
            return new ReplicationSchedule(enabled != null ? enabled : c.enabled(),
                    frequency != null ? frequency : c.frequencyMs(), start, end);
        } catch (IllegalArgumentException e) {
            throw FaRestError.badRequest(null, "Invalid value for replication_schedule: " + e.getMessage() + ".");
        }
    }

    private static RetentionPolicy retention(RetentionPolicy current, ObjectNode patch, String field) {
        if (patch == null) {
            return current;
        }
        RetentionPolicy c = current != null ? current : RetentionPolicy.cinderDefault();
        Long all = Bodies.longField(patch, "all_for_sec");
        Long perDay = Bodies.longField(patch, "per_day");
        Long days = Bodies.longField(patch, "days");
        try {
            return new RetentionPolicy(all != null ? all : c.allForSec(),
                    perDay != null ? Math.toIntExact(perDay) : c.perDay(), days != null ? Math.toIntExact(days) : c.days());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": " + e.getMessage() + ".");
        }
    }

    private Reply delete(RestCall call, ReplicationArray r) {
        call.allowParams(Set.of("names"));
        for (String name : call.requiredNames()) {
            if (r.findProtectionGroup(name).isPresent()) {
                throw FaRestError.badRequest(name, "Cannot eradicate protection group that has not been destroyed.");
            }
        }
        return Reply.empty();
    }

    private List<ProtectionGroupRecord> groups(RestCall call, ReplicationArray r) {
        List<String> names = call.list("group_names");
        if (names.isEmpty()) {
            return r.listProtectionGroups();
        }
        List<ProtectionGroupRecord> out = new ArrayList<>();
        for (String n : names) {
            out.add(r.findProtectionGroup(n).orElseThrow(() -> FaRestError.badRequest(n,
                    "Protection group does not exist.")));
        }
        return out;
    }

    private Reply getTargets(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(MEMBER_GET);
        List<String> members = call.list("member_names");
        List<ObjectNode> items = new ArrayList<>();
        for (ProtectionGroupRecord g : groups(call, r)) {
            for (PgTargetRecord t : targetsOf(g, ctx)) {
                if (members.isEmpty() || members.contains(t.arrayName())) {
                    items.add(ReplicationViews.target(g.name(), t));
                }
            }
        }
        return Listing.page(call, items);
    }

    private Reply postTargets(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(MEMBER_WRITE);
        String group = oneGroup(call);
        List<String> members = requiredMembers(call);
        List<String> toOffload = members.stream().filter(this::isOffloadTarget).toList();
        List<String> toArrays = members.stream().filter(m -> !isOffloadTarget(m)).toList();
        try {
            ProtectionGroupRecord g = r.findProtectionGroup(group)
                    .orElseThrow(() -> FaRestError.badRequest(group, "Protection group does not exist."));
            if (!toArrays.isEmpty()) {
                g = r.addProtectionGroupTargets(group, toArrays);
            }
            toOffload.forEach(t -> offloads.add(ctx.arrayName(), group, t));
            List<ObjectNode> items = new ArrayList<>();
            for (PgTargetRecord t : targetsOf(g, ctx)) {
                if (members.contains(t.arrayName())) {
                    items.add(ReplicationViews.target(g.name(), t));
                }
            }
            return Reply.items(items);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Protection group", group);
        }
    }

    private Reply deleteTargets(RestCall call, ReplicationArray r, ArrayContext ctx) {
        call.allowParams(MEMBER_WRITE);
        String group = oneGroup(call);
        List<String> members = requiredMembers(call);
        try {
            List<String> toArrays = members.stream().filter(m -> !isOffloadTarget(m)).toList();
            if (!toArrays.isEmpty()) {
                r.removeProtectionGroupTargets(group, toArrays);
            }
            members.stream().filter(this::isOffloadTarget).forEach(t -> offloads.remove(ctx.arrayName(), group, t));
            return Reply.empty();
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Protection group", group);
        }
    }

    private boolean isOffloadTarget(String name) {
        return offloads != null && offloads.serviceTarget(name).isPresent();
    }

    /** The group's array targets and its offload targets (always allowed: a bucket has no say). */
    private List<PgTargetRecord> targetsOf(ProtectionGroupRecord g, ArrayContext ctx) {
        List<PgTargetRecord> out = new ArrayList<>(g.targets());
        if (offloads != null && g.local()) {
            offloads.of(ctx.arrayName(), g.name()).forEach(t -> out.add(new PgTargetRecord(t, true, "replicating")));
        }
        return out;
    }

    private void forgetOffloads(ArrayContext ctx, String group) {
        if (offloads != null) {
            offloads.dropGroup(ctx.arrayName(), group);
        }
    }

    /** On the target array: {@code group_names=<source>:<pg>}, body {@code {"allowed": true|false}}. */
    private Reply allow(RestCall call, ReplicationArray r) {
        call.allowParams(MEMBER_WRITE);
        call.allowFields(Set.of("allowed"));
        Bodies.require(call);
        Boolean allowed = Bodies.boolField(call.body(), "allowed");
        if (allowed == null) {
            throw FaRestError.badRequest(null, "Missing parameter: allowed is required.");
        }
        String group = oneGroup(call);
        try {
            ProtectionGroupRecord g = r.allowProtectionGroup(group, allowed);
            List<ObjectNode> items = new ArrayList<>();
            g.targets().forEach(t -> items.add(ReplicationViews.target(g.name(), t)));
            return Reply.items(items);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Protection group", group);
        }
    }

    private Reply getVolumes(RestCall call, ReplicationArray r) {
        call.allowParams(MEMBER_GET);
        List<String> members = call.list("member_names");
        List<ObjectNode> items = new ArrayList<>();
        for (ProtectionGroupRecord g : groups(call, r)) {
            for (String v : g.members()) {
                if (members.isEmpty() || members.contains(v)) {
                    ObjectNode item = ReplicationViews.member(g.name(), v, null);
                    ((ObjectNode) item.get("member")).put("destroyed", false);
                    items.add(item);
                }
            }
        }
        return Listing.page(call, items);
    }

    private Reply members(RestCall call, ReplicationArray r, boolean add) {
        call.allowParams(MEMBER_WRITE);
        String group = oneGroup(call);
        List<String> members = requiredMembers(call);
        try {
            if (!add) {
                r.removeProtectionGroupMembers(group, members);
                return Reply.empty();
            }
            r.addProtectionGroupMembers(group, members);
            List<ObjectNode> items = new ArrayList<>();
            for (String v : members) {
                ObjectNode item = ReplicationViews.member(group, v, null);
                ((ObjectNode) item.get("member")).put("destroyed", false);
                items.add(item);
            }
            return Reply.items(items);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Protection group", group);
        }
    }

    private static String oneGroup(RestCall call) {
        List<String> groups = call.list("group_names");
        if (groups.size() != 1) {
            throw FaRestError.badRequest(null, "Invalid parameters: give exactly one of group_names.");
        }
        return groups.get(0);
    }

    private static List<String> requiredMembers(RestCall call) {
        List<String> members = call.list("member_names");
        if (members.isEmpty()) {
            throw FaRestError.badRequest(null, "Missing parameter: member_names is required.");
        }
        return members;
    }
}
