package io.purebridge.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ListOffloadJobsRequest;
import io.purebridge.v1.ListOffloadTargetsRequest;
import io.purebridge.v1.ListOffloadedSnapshotsRequest;
import io.purebridge.v1.OffloadAdminServiceGrpc;
import io.purebridge.v1.OffloadJob;
import io.purebridge.v1.OffloadJobState;
import io.purebridge.v1.OffloadTargetInfo;
import io.purebridge.v1.OffloadTargetState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The offload part of {@code purebridge-admin status}: every offload target (connected or why not,
 * its bucket and endpoint, how many offloaded snapshots its bucket holds) and the offload, restore
 * and verify jobs running now with their progress, rate and ETA (the service's own figures: average
 * rate since the job started).
 *
 * @param targets in the service's configuration order
 * @param snapshots per connected target: the offloaded snapshots its bucket holds; a target whose
 *     listing failed is absent and has an entry in {@code errors}
 * @param errors per target whose snapshots could not be listed: the gRPC code name
 * @param running the jobs running now, oldest first
 * @param unavailable why the service gave no offload status at all (e.g. UNIMPLEMENTED: a service
 *     without OffloadAdminService), or null
 */
record StatusOffload(List<OffloadTargetInfo> targets, Map<String, Integer> snapshots, Map<String, String> errors,
        List<OffloadJob> running, String unavailable) {

    private static final long DEADLINE_SECONDS = 10;

    static StatusOffload read(Channel channel, List<ArrayAccess> access) {
        OffloadAdminServiceGrpc.OffloadAdminServiceBlockingStub stub = OffloadAdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        List<OffloadTargetInfo> targets;
        List<OffloadJob> jobs;
        try {
            targets = stub.listOffloadTargets(ListOffloadTargetsRequest.newBuilder().addAllAccess(access).build())
                    .getTargetsList();
            jobs = stub.listOffloadJobs(ListOffloadJobsRequest.newBuilder().addAllAccess(access).build())
                    .getJobsList();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw e;
            }
            return new StatusOffload(List.of(), Map.of(), Map.of(), List.of(), e.getStatus().getCode().name());
        }
        Map<String, Integer> snapshots = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (OffloadTargetInfo t : targets) {
            if (!connected(t)) {
                continue;
            }
            try {
                snapshots.put(t.getName(), stub.listOffloadedSnapshots(ListOffloadedSnapshotsRequest.newBuilder()
                        .addAllAccess(access).setTarget(t.getName()).build()).getSnapshotsCount());
            } catch (StatusRuntimeException e) {
                errors.put(t.getName(), e.getStatus().getCode().name());
            }
        }
        List<OffloadJob> running = jobs.stream()
                .filter(j -> j.getState() == OffloadJobState.OFFLOAD_JOB_STATE_RUNNING).toList();
        return new StatusOffload(targets, snapshots, errors, running, null);
    }

    static boolean connected(OffloadTargetInfo t) {
        return t.getState() == OffloadTargetState.OFFLOAD_TARGET_STATE_CONNECTED;
    }

    /** Done over total, 0..1; 0 while the total is not known yet. */
    static double progress(OffloadJob j) {
        return j.getTotalBytes() <= 0 ? 0 : Math.min(1.0, (double) j.getDoneBytes() / j.getTotalBytes());
    }

    private static String kind(OffloadJob j) {
        String name = j.getKind().name();
        return name.substring(name.lastIndexOf('_') + 1).toLowerCase(Locale.ROOT);
    }

    void appendText(StringBuilder out) {
        out.append("\n== offload");
        if (unavailable != null) {
            out.append("  status not available (").append(unavailable).append(")\n");
            return;
        }
        if (targets.isEmpty()) {
            out.append("  no targets ([offload.NAME] sections or [s3] in the service config)\n");
        } else {
            out.append('\n');
        }
        for (OffloadTargetInfo t : targets) {
            out.append(String.format(Locale.ROOT, "  %-16s %-13s s3://%s at %s", t.getName(),
                    connected(t) ? "connected" : "NOT CONNECTED", t.getBucket(),
                    t.getEndpoint().isEmpty() ? "AWS " + t.getRegion() : t.getEndpoint()));
            if (snapshots.containsKey(t.getName())) {
                out.append("  ").append(snapshots.get(t.getName())).append(" snapshot(s)");
            } else if (errors.containsKey(t.getName())) {
                out.append("  snapshots not listed (").append(errors.get(t.getName())).append(')');
            } else if (!t.getError().isEmpty()) {
                out.append("  ").append(t.getError());
            }
            out.append('\n');
        }
        for (OffloadJob j : running) {
            long eta = j.getEtaSeconds();
            out.append(String.format(Locale.ROOT, "  job %s %-7s %s on %s%n      %s %3d%%  %s of %s  %s/s  ETA %s%n",
                    j.getJobId(), kind(j), j.getSubject(), j.getTarget(), StatusView.bar(progress(j)),
                    Math.round(progress(j) * 100), StatusView.bytes(j.getDoneBytes()),
                    j.getTotalBytes() > 0 ? StatusView.bytes(j.getTotalBytes()) : "?",
                    StatusView.bytes(j.getRateBytesPerSecond()), eta < 0 ? "-" : StatusView.duration(eta)));
        }
        if (!targets.isEmpty() && running.isEmpty()) {
            out.append("  no offload jobs running\n");
        }
    }

    void appendJson(ObjectNode root) {
        ObjectNode offload = root.putObject("offload");
        if (unavailable != null) {
            offload.put("error", unavailable);
        } else {
            offload.putNull("error");
        }
        var list = offload.putArray("targets");
        for (OffloadTargetInfo t : targets) {
            ObjectNode target = list.addObject().put("name", t.getName()).put("connected", connected(t))
                    .put("bucket", t.getBucket()).put("endpoint", t.getEndpoint()).put("error", t.getError());
            if (snapshots.containsKey(t.getName())) {
                target.put("snapshots", snapshots.get(t.getName()));
            } else {
                target.putNull("snapshots");
            }
        }
        var jobs = offload.putArray("running_jobs");
        for (OffloadJob j : running) {
            ObjectNode job = jobs.addObject().put("job_id", j.getJobId()).put("kind", kind(j))
                    .put("target", j.getTarget()).put("subject", j.getSubject()).put("done_bytes", j.getDoneBytes())
                    .put("total_bytes", j.getTotalBytes()).put("progress", progress(j))
                    .put("rate_bytes_per_second", j.getRateBytesPerSecond()).put("started_ms", j.getStartedMs());
            if (j.getEtaSeconds() >= 0) {
                job.put("eta_seconds", j.getEtaSeconds());
            } else {
                job.putNull("eta_seconds");
            }
        }
    }
}
