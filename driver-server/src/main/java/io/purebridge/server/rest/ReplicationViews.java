package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayConnectionRecord;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;

/** ReplicationArray records as FlashArray REST 2.x items (2.36 spec field names). */
final class ReplicationViews {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ReplicationViews() {
    }

    /** The array's replication capability, or 404 as for a path a real array lacks. */
    static ReplicationArray of(RestCall call, ArrayContext ctx) {
        if (ctx.array() instanceof ReplicationArray r) {
            return r;
        }
        throw new FaRestError(404, null, "The resource /" + call.resource() + " is not supported by this "
                + "simulated array: it does not replicate.");
    }

    static ObjectNode pod(PodRecord p, boolean destroyed) {
        ObjectNode o = F.objectNode();
        o.put("id", p.id());
        o.put("name", p.name());
        ArrayNode arrays = o.putArray("arrays");
        for (PodArrayStatus s : p.arrays()) {
            ObjectNode a = arrays.addObject();
            a.put("id", s.arrayId());
            a.put("name", s.arrayName());
            a.put("status", s.status());
            a.put("progress", s.progress());
            if (s.frozenAtEpochMillis() == 0) {
                a.putNull("frozen_at");
            } else {
                a.put("frozen_at", s.frozenAtEpochMillis());
            }
            a.put("mediator_status", s.mediatorStatus());
            a.put("pre_elected", s.preElected());
            ObjectNode m = a.putObject("member");
            m.put("id", s.arrayId());
            m.put("name", s.arrayName());
            m.put("resource_type", "arrays");
        }
        o.put("array_count", p.arrayCount());
        if (p.failoverPreferences().isEmpty()) {
            o.putNull("failover_preferences");
        } else {
            ArrayNode prefs = o.putArray("failover_preferences");
            p.failoverPreferences().forEach(n -> prefs.add(ref(n)));
        }
        o.putNull("source");
        o.put("mediator", "purestorage");
        o.put("promotion_status", p.promotionStatus() == null ? "promoted" : p.promotionStatus());
        o.put("requested_promotion_state", "promoted");
        o.put("link_source_count", 0);
        o.put("link_target_count", 0);
        o.put("destroyed", destroyed);
        o.putNull("time_remaining");
        return o;
    }

    static ObjectNode member(String group, String member, String resourceType) {
        ObjectNode o = F.objectNode();
        o.set("group", ref(group));
        ObjectNode m = ref(member);
        if (resourceType != null) {
            m.put("resource_type", resourceType);
        }
        o.set("member", m);
        return o;
    }

    static ObjectNode protectionGroup(ProtectionGroupRecord g, boolean destroyed) {
        ObjectNode o = F.objectNode();
        o.putNull("id");
        o.put("name", g.name());
        o.put("destroyed", destroyed);
        o.putNull("time_remaining");
        o.put("is_local", g.local());
        o.set("pod", ArrayNames.podOf(g.name()).<JsonNode>map(ReplicationViews::ref).orElse(F.nullNode()));
        o.set("source", g.source() == null ? F.nullNode() : ref(g.source()));
        o.put("host_count", 0);
        o.put("host_group_count", 0);
        o.put("volume_count", g.members().size());
        o.put("target_count", g.targets().size());
        ObjectNode snap = o.putObject("snapshot_schedule");
        snap.put("enabled", false);
        snap.put("frequency", 3_600_000L);
        snap.putNull("at");
        ReplicationSchedule s = g.replicationSchedule();
        if (s == null) {
            o.putNull("replication_schedule");
        } else {
            ObjectNode r = o.putObject("replication_schedule");
            r.put("enabled", s.enabled());
            r.put("frequency", s.frequencyMs());
            r.putNull("at");
            if (s.blackoutStartMs() == s.blackoutEndMs()) {
                r.putNull("blackout");
            } else {
                ObjectNode b = r.putObject("blackout");
                b.put("start", s.blackoutStartMs());
                b.put("end", s.blackoutEndMs());
            }
        }
        o.set("source_retention", retention(g.sourceRetention()));
        o.set("target_retention", retention(g.targetRetention()));
        o.put("retention_lock", "unlocked");
        return o;
    }

    private static JsonNode retention(RetentionPolicy p) {
        if (p == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("all_for_sec", p.allForSec());
        o.put("per_day", p.perDay());
        o.put("days", p.days());
        return o;
    }

    static ObjectNode target(String group, PgTargetRecord t) {
        ObjectNode o = member(group, t.arrayName(), "arrays");
        o.put("allowed", t.allowed());
        o.put("status", t.status());
        return o;
    }

    static ObjectNode pgSnapshot(PgSnapshotRecord s, ArrayContext ctx) {
        ObjectNode o = F.objectNode();
        o.putNull("id");
        o.put("name", s.name());
        o.put("suffix", s.name().substring(s.name().lastIndexOf('.') + 1));
        o.put("created", s.createdEpochMillis());
        o.put("destroyed", s.destroyed());
        JsonViews.timeRemaining(o, s.destroyed(), s.destroyedEpochMillis(), ctx);
        o.set("pod", ArrayNames.podOf(s.groupName()).<JsonNode>map(ReplicationViews::ref).orElse(F.nullNode()));
        o.set("source", ref(s.groupName()));
        return o;
    }

    /**
     * One transfer of a snapshot to one target. REST 2.36 has no target field; {@code target} is a
     * simulator extension (clients of real arrays ask the target array instead).
     */
    static ObjectNode transfer(PgTransferRecord t) {
        ObjectNode o = F.objectNode();
        o.putNull("id");
        o.put("name", t.snapshotName());
        o.put("started", t.startedEpochMillis());
        if (t.completedEpochMillis() == 0) {
            o.putNull("completed");
        } else {
            o.put("completed", t.completedEpochMillis());
        }
        o.put("progress", t.progress());
        o.put("data_transferred", t.dataTransferred());
        o.put("physical_bytes_written", t.physicalBytesWritten());
        o.put("destroyed", false);
        o.set("target", ref(t.targetArray()));
        return o;
    }

    /** REST has no "unreachable" connection status; a lost link shows as {@code connecting}. */
    static ObjectNode arrayConnection(ArrayConnectionRecord c) {
        ObjectNode o = F.objectNode();
        o.putNull("id");
        o.put("name", c.remoteName());
        o.putNull("management_address");
        o.putArray("replication_addresses");
        o.put("replication_transport", "ip");
        o.put("status", "connected".equals(c.status()) ? "connected" : "connecting");
        o.put("type", c.types().contains("sync-replication") ? "sync-replication"
                : c.types().isEmpty() ? "async-replication" : c.types().get(0));
        o.putNull("version");
        o.putNull("throttle");
        o.put("encryption", "unencrypted");
        return o;
    }

    static ObjectNode ref(String name) {
        ObjectNode r = F.objectNode();
        r.putNull("id");
        r.put("name", name);
        return r;
    }
}
