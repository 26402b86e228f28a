package io.purebridge.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.v1.ArraySpaceFigures;
import io.purebridge.v1.BackendStatus;
import io.purebridge.v1.BackendTargetStatus;
import io.purebridge.v1.PodMemberStatus;
import io.purebridge.v1.PodStatus;
import io.purebridge.v1.ProtectionGroupStatus;
import io.purebridge.v1.ProtectionGroupTargetStatus;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link StatusSnapshot}: one section per registered backend (failed over or not, its
 * primary and replication targets with their state and space, its pod with every member's sync
 * state, resync progress bar and ETA, and its protection groups with each target's RPO against the
 * schedule), then one section per array with what no backend claimed, then the offload targets
 * (connected or not, bucket, snapshots held) and running offload jobs (progress bar, rate, ETA);
 * or one JSON document.
 *
 * <p>A resync's ETA comes from the bytes left now and in the previous snapshot (null before two
 * snapshots, or when nothing moved). A target is LATE when its RPO is over twice the replication
 * interval, the threshold of the PurebridgeReplicationRPOOverSchedule alert.
 */
final class StatusView {
    static final int BAR_WIDTH = 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusView() {
    }

    /** Seconds until the member's resync finishes at the rate seen since {@code previous}, or -1. */
    static long etaSeconds(StatusSnapshot now, StatusSnapshot previous, String pod, PodMemberStatus member) {
        if (previous == null || !member.getStatus().equals("resyncing")) {
            return -1;
        }
        PodMemberStatus before = member(previous, pod, member.getArray());
        double seconds = (now.at().toEpochMilli() - previous.at().toEpochMilli()) / 1000.0;
        if (before == null || seconds <= 0) {
            return -1;
        }
        double rate = (before.getDirtyBytes() - member.getDirtyBytes()) / seconds;
        if (rate <= 0) {
            return -1;
        }
        return (long) Math.ceil(member.getDirtyBytes() / rate);
    }

    private static PodMemberStatus member(StatusSnapshot snapshot, String pod, String array) {
        for (PodStatus p : snapshot.pods()) {
            if (p.getName().equals(pod)) {
                for (PodMemberStatus m : p.getArraysList()) {
                    if (m.getArray().equals(array)) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    static boolean late(ProtectionGroupStatus group, ProtectionGroupTargetStatus target) {
        return group.getScheduleEnabled() && target.getLagMillis() >= 0
                && target.getLagMillis() > 2 * group.getFrequencyMs();
    }

    private static List<PodStatus> podsOf(StatusSnapshot s, String array) {
        return s.pods().stream().filter(p -> p.getArraysCount() > 0 && p.getArrays(0).getArray().equals(array))
                .toList();
    }

    private static List<ProtectionGroupStatus> groupsOf(StatusSnapshot s, String array) {
        return s.groups().stream().filter(g -> g.getSourceArray().equals(array)).toList();
    }

    private static List<String[]> links(StatusSnapshot s) {
        List<String> arrays = s.network().getArraysList().stream().sorted().toList();
        List<String[]> links = new ArrayList<>();
        for (int i = 0; i < arrays.size(); i++) {
            for (int j = i + 1; j < arrays.size(); j++) {
                String a = arrays.get(i);
                String b = arrays.get(j);
                boolean cut = s.network().getCutLinksList().contains(a + "|" + b)
                        || s.network().getCutLinksList().contains(b + "|" + a);
                links.add(new String[] {a, b, cut ? "cut" : "up"});
            }
        }
        return links;
    }

    static String text(StatusSnapshot s, StatusSnapshot previous, String endpoint) {
        StringBuilder out = new StringBuilder();
        out.append("purebridge status  ").append(s.at().truncatedTo(ChronoUnit.MILLIS)).append("  (")
                .append(endpoint).append(")\n");
        out.append("mediator ").append(s.network().getMediatorReachable() ? "reachable" : "UNREACHABLE")
                .append("; links:");
        for (String[] link : links(s)) {
            out.append(' ').append(link[0]).append("<->").append(link[1]).append(' ')
                    .append(link[2].equals("cut") ? "CUT" : "up").append(',');
        }
        out.setLength(out.length() - (links(s).isEmpty() ? 0 : 1));
        out.append('\n');
        Set<String> shownPods = new HashSet<>();
        Set<String> shownGroups = new HashSet<>();
        for (BackendStatus backend : s.backends()) {
            out.append("\n== backend ").append(backend.getName()).append("  ")
                    .append(backend.getActiveBackendId().isEmpty() ? "on its primary"
                            : "FAILED OVER to '" + backend.getActiveBackendId() + "'")
                    .append(", serving from ").append(backend.getActiveArray()).append('\n');
            for (String[] member : backendArrays(backend)) {
                out.append(String.format(Locale.ROOT, "  %-16s %-24s ", member[0], member[1]));
                appendArrayState(out, s, member[0]);
            }
            for (PodStatus pod : s.pods()) {
                if (!backend.getPod().isEmpty() && pod.getName().equals(backend.getPod())) {
                    appendPod(out, s, previous, pod);
                    shownPods.add(pod.getName());
                }
            }
            for (ProtectionGroupStatus g : s.groups()) {
                if (backend.getProtectionGroupsList().contains(g.getName())
                        && (g.getSourceArray().equals(backend.getActiveArray())
                                || g.getSourceArray().equals(backend.getPrimaryArray()))) {
                    appendGroup(out, g);
                    shownGroups.add(g.getSourceArray() + "|" + g.getName());
                }
            }
        }
        for (String array : s.network().getArraysList()) {
            out.append('\n').append("== ").append(array).append("  ");
            appendArrayState(out, s, array);
            for (PodStatus pod : podsOf(s, array)) {
                if (!shownPods.contains(pod.getName())) {
                    appendPod(out, s, previous, pod);
                }
            }
            for (ProtectionGroupStatus g : groupsOf(s, array)) {
                if (!shownGroups.contains(g.getSourceArray() + "|" + g.getName())) {
                    appendGroup(out, g);
                }
            }
        }
        s.offload().appendText(out);
        return out.toString();
    }

    /** The backend's arrays as {name, role}: the primary, then each replication target. */
    static List<String[]> backendArrays(BackendStatus backend) {
        List<String[]> arrays = new ArrayList<>();
        arrays.add(new String[] {backend.getPrimaryArray().isEmpty() ? "?" : backend.getPrimaryArray(), "primary"});
        for (BackendTargetStatus t : backend.getTargetsList()) {
            arrays.add(new String[] {t.getArray().isEmpty() ? "?" : t.getArray(),
                t.getType() + " target '" + t.getBackendId() + "'"});
        }
        return arrays;
    }

    private static void appendArrayState(StringBuilder out, StatusSnapshot s, String array) {
        ArraySpaceFigures space = s.space().get(array);
        if (array.equals("?")) {
            out.append("UNREACHABLE at registration");
        } else if (!s.network().getArraysList().contains(array)) {
            out.append("not hosted by this service");
        } else if (s.network().getStoppedArraysList().contains(array)) {
            out.append("STOPPED");
        } else if (space == null) {
            out.append("DOES NOT ANSWER (").append(s.spaceErrors().get(array)).append(')');
        } else {
            double used = space.getCapacityBytes() == 0 ? 0
                    : (double) space.getTotalPhysicalBytes() / space.getCapacityBytes();
            out.append(String.format(Locale.ROOT, "up  space %s of %s used (%.1f%%), provisioned %s, data"
                    + " reduction %.2f", bytes(space.getTotalPhysicalBytes()), bytes(space.getCapacityBytes()),
                    used * 100, bytes(space.getTotalProvisionedBytes()), space.getDataReduction()));
        }
        out.append('\n');
    }

    private static void appendPod(StringBuilder out, StatusSnapshot s, StatusSnapshot previous, PodStatus pod) {
        out.append("  pod ").append(pod.getName()).append("  mediator ")
                .append(pod.getMediatorReachable() ? "reachable" : "UNREACHABLE")
                .append(pod.getPreElected().isEmpty() ? "" : ", pre-elected " + pod.getPreElected()).append('\n');
        for (PodMemberStatus m : pod.getArraysList()) {
            out.append(String.format(Locale.ROOT, "    %-20s %-10s %s", m.getArray(), m.getStatus(),
                    m.getInSync() ? "in sync" : "OUT OF SYNC"));
            if (m.getStatus().equals("resyncing")) {
                long eta = etaSeconds(s, previous, pod.getName(), m);
                out.append("  ").append(bar(m.getProgress())).append(String.format(Locale.ROOT,
                        " %3d%%  %s left  ETA %s", Math.round(m.getProgress() * 100), bytes(m.getDirtyBytes()),
                        eta < 0 ? "-" : duration(eta)));
            }
            out.append('\n');
        }
    }

    private static void appendGroup(StringBuilder out, ProtectionGroupStatus g) {
        out.append("  pg ").append(g.getName()).append(" on ").append(g.getSourceArray()).append("  schedule ")
                .append(g.getScheduleEnabled() ? "every " + duration(g.getFrequencyMs() / 1000) : "off")
                .append("  ").append(g.getSnapshotCount()).append(" snapshot(s)\n");
        for (ProtectionGroupTargetStatus t : g.getTargetsList()) {
            String rpo = t.getLagMillis() < 0 ? "RPO - (never replicated)"
                    : "RPO " + duration(t.getLagMillis() / 1000) + (late(g, t) ? " LATE" : "");
            out.append(String.format(Locale.ROOT, "    -> %-17s %-11s %-28s sent %s%n", t.getArray(),
                    t.getReachable() ? "reachable" : "UNREACHABLE", rpo, bytes(t.getBytesSent())));
        }
    }

    static String json(StatusSnapshot s, StatusSnapshot previous) {
        ObjectNode root = JSON.createObjectNode();
        root.put("time", s.at().toString());
        root.put("mediator_reachable", s.network().getMediatorReachable());
        ArrayNode links = root.putArray("links");
        for (String[] link : links(s)) {
            links.addObject().put("array_a", link[0]).put("array_b", link[1]).put("up", link[2].equals("up"));
        }
        ArrayNode backends = root.putArray("backends");
        for (BackendStatus backend : s.backends()) {
            ObjectNode b = backends.addObject().put("name", backend.getName())
                    .put("failed_over", !backend.getActiveBackendId().isEmpty())
                    .put("active_backend_id", backend.getActiveBackendId())
                    .put("active_array", backend.getActiveArray());
            ArrayNode members = b.putArray("arrays");
            for (String[] member : backendArrays(backend)) {
                String array = member[0];
                members.addObject().put("name", array.equals("?") ? null : array).put("role", member[1])
                        .put("up", s.space().containsKey(array));
            }
            if (backend.getPod().isEmpty()) {
                b.putNull("pod");
            } else {
                b.put("pod", backend.getPod());
            }
            ArrayNode groups = b.putArray("protection_groups");
            backend.getProtectionGroupsList().forEach(groups::add);
        }
        ArrayNode arrays = root.putArray("arrays");
        for (String array : s.network().getArraysList()) {
            ObjectNode a = arrays.addObject().put("name", array);
            ArraySpaceFigures space = s.space().get(array);
            a.put("stopped", s.network().getStoppedArraysList().contains(array));
            a.put("up", space != null);
            if (space != null) {
                a.putObject("space").put("capacity_bytes", space.getCapacityBytes())
                        .put("used_bytes", space.getTotalPhysicalBytes())
                        .put("provisioned_bytes", space.getTotalProvisionedBytes())
                        .put("snapshots_bytes", space.getSnapshotsBytes())
                        .put("data_reduction", space.getDataReduction());
            } else {
                a.put("error", s.spaceErrors().get(array));
            }
            ArrayNode pods = a.putArray("pods");
            for (PodStatus pod : podsOf(s, array)) {
                ObjectNode p = pods.addObject().put("name", pod.getName())
                        .put("mediator_reachable", pod.getMediatorReachable());
                ArrayNode members = p.putArray("members");
                for (PodMemberStatus m : pod.getArraysList()) {
                    long eta = etaSeconds(s, previous, pod.getName(), m);
                    ObjectNode member = members.addObject().put("array", m.getArray()).put("status", m.getStatus())
                            .put("in_sync", m.getInSync()).put("resync_progress", m.getProgress())
                            .put("resync_remaining_bytes", m.getDirtyBytes());
                    if (eta >= 0) {
                        member.put("eta_seconds", eta);
                    } else {
                        member.putNull("eta_seconds");
                    }
                }
            }
            ArrayNode groups = a.putArray("protection_groups");
            for (ProtectionGroupStatus g : groupsOf(s, array)) {
                ObjectNode group = groups.addObject().put("name", g.getName())
                        .put("schedule_enabled", g.getScheduleEnabled())
                        .put("interval_seconds", g.getFrequencyMs() / 1000.0)
                        .put("snapshots", g.getSnapshotCount());
                ArrayNode targets = group.putArray("targets");
                for (ProtectionGroupTargetStatus t : g.getTargetsList()) {
                    ObjectNode target = targets.addObject().put("array", t.getArray()).put("reachable", t.getReachable())
                            .put("last_snapshot", t.getLastReplicatedSnapshot()).put("bytes_sent", t.getBytesSent())
                            .put("late", late(g, t));
                    if (t.getLagMillis() >= 0) {
                        target.put("rpo_seconds", t.getLagMillis() / 1000.0);
                    } else {
                        target.putNull("rpo_seconds");
                    }
                }
            }
        }
        s.offload().appendJson(root);
        return root.toString();
    }

    static String bar(double fraction) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
