package io.purebridge.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadTargetInfo;
import io.purebridge.v1.OffloadedSnapshotInfo;
import java.util.List;
import java.util.Locale;

/** The offload commands' --json documents: one line each, field names as in the proto. */
final class OffloadJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OffloadJson() {
    }

    static String targets(List<OffloadTargetInfo> targets) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("targets");
        for (OffloadTargetInfo t : targets) {
            ObjectNode o = list.addObject().put("name", t.getName()).put("protocol", t.getProtocol())
                    .put("bucket", t.getBucket()).put("endpoint", t.getEndpoint()).put("region", t.getRegion())
                    .put("placement_strategy", t.getPlacementStrategy())
                    .put("state", enumText(t.getState().name(), "OFFLOAD_TARGET_STATE_"))
                    .put("error", t.getError()).put("format_version", t.getFormatVersion())
                    .put("initialized", t.getInitialized()).put("access_key_id_ref", t.getAccessKeyIdRef())
                    .put("encrypted", t.getEncrypted());
            ArrayNode rules = o.putArray("unverified_rules");
            t.getUnverifiedRulesList().forEach(rules::add);
        }
        return root.toString();
    }

    static String snapshots(String target, List<OffloadedSnapshotInfo> snapshots) {
        ObjectNode root = JSON.createObjectNode().put("target", target);
        ArrayNode list = root.putArray("snapshots");
        for (OffloadedSnapshotInfo s : snapshots) {
            list.addObject().put("name", s.getName()).put("source_array", s.getSourceArray())
                    .put("snapshot", s.getSnapshot()).put("source_volume", s.getSourceVolume())
                    .put("size_bytes", s.getSizeBytes()).put("created_ms", s.getCreatedMs())
                    .put("offloaded_ms", s.getOffloadedMs()).put("expires_ms", s.getExpiresMs())
                    .put("storage_class", s.getStorageClass());
        }
        return root.toString();
    }

    static String jobs(List<OffloadJob> jobs) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("jobs");
        jobs.forEach(j -> list.add(jobNode(j)));
        return root.toString();
    }

    static String job(OffloadJob j) {
        return jobNode(j).toString();
    }

    private static ObjectNode jobNode(OffloadJob j) {
        ObjectNode o = JSON.createObjectNode().put("job_id", j.getJobId())
                .put("kind", enumText(j.getKind().name(), "OFFLOAD_JOB_KIND_")).put("target", j.getTarget())
                .put("subject", j.getSubject()).put("state", enumText(j.getState().name(), "OFFLOAD_JOB_STATE_"))
                .put("done_bytes", j.getDoneBytes()).put("total_bytes", j.getTotalBytes())
                .put("transferred_bytes", j.getTransferredBytes())
                .put("rate_bytes_per_second", j.getRateBytesPerSecond()).put("eta_seconds", j.getEtaSeconds())
                .put("started_ms", j.getStartedMs()).put("finished_ms", j.getFinishedMs())
                .put("error", j.getError()).put("result", j.getResult());
        if (j.hasVerify()) {
            ObjectNode v = o.putObject("verify").put("packs", j.getVerify().getPacks())
                    .put("blocks", j.getVerify().getBlocks());
            ArrayNode problems = v.putArray("problems");
            j.getVerify().getProblemsList().forEach(problems::add);
        }
        return o;
    }

    private static String enumText(String name, String prefix) {
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
    }
}
