package io.purebridge.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.purebridge.engine.offload.OffloadJobStatus;
import io.purebridge.engine.offload.OffloadJobs;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Snapshot offload: per configured target, whether it is connected (never connects at scrape
 * time) and its running jobs; per job this service process keeps (running and the newest
 * finished), bytes done of total, network bytes, rate and ETA, labelled by job id, kind (offload,
 * restore, verify), target and state. No secret is ever a label or a value.
 */
public final class OffloadCollector implements MultiCollector {
    static final String TARGET_CONNECTED = "purebridge_offload_target_connected";
    static final String TARGET_RUNNING = "purebridge_offload_target_running_jobs";
    static final String JOB_DONE = "purebridge_offload_job_done_bytes";
    static final String JOB_TOTAL = "purebridge_offload_job_total_bytes";
    static final String JOB_TRANSFERRED = "purebridge_offload_job_transferred_bytes";
    static final String JOB_RATE = "purebridge_offload_job_rate_bytes_per_second";
    static final String JOB_ETA = "purebridge_offload_job_eta_seconds";

    private final OffloadJobs jobs;

    public OffloadCollector(OffloadJobs jobs) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    @Override
    public MetricSnapshots collect() {
        Gauges g = new Gauges()
                .gauge(TARGET_CONNECTED, null, "1 when the offload target is connected (bucket checked), else 0.")
                .gauge(TARGET_RUNNING, null, "Offload, restore and verify jobs running on the target.")
                .gauge(JOB_DONE, Unit.BYTES, "Logical bytes the job has read, written or checked.")
                .gauge(JOB_TOTAL, Unit.BYTES, "Logical size of the job's snapshot (0 until known).")
                .gauge(JOB_TRANSFERRED, Unit.BYTES, "Bytes the job moved to or from the bucket (after compression).")
                .gauge(JOB_RATE, null, "The job's average rate of logical bytes since it started.")
                .gauge(JOB_ETA, Unit.SECONDS, "Seconds the running job needs at that rate (absent when unknown).");
        Map<String, Integer> running = new LinkedHashMap<>();
        jobs.targets().names().forEach(t -> running.put(t, 0));
        for (OffloadJobStatus j : jobs.jobs()) {
            String[] labels = {"job_id", j.id(), "kind", j.kind().name().toLowerCase(Locale.ROOT), "target", j.target(),
                "state", j.state().name().toLowerCase(Locale.ROOT)};
            g.set(JOB_DONE, j.doneBytes(), labels);
            g.set(JOB_TOTAL, j.totalBytes(), labels);
            g.set(JOB_TRANSFERRED, j.sentBytes(), labels);
            g.set(JOB_RATE, j.rateBytesPerSecond(), labels);
            if (!j.finished()) {
                running.merge(j.target(), 1, Integer::sum);
                if (j.etaSeconds() >= 0) {
                    g.set(JOB_ETA, j.etaSeconds(), labels);
                }
            }
        }
        for (String target : jobs.targets().names()) {
            g.set(TARGET_CONNECTED, jobs.targets().connected(target).isPresent() ? 1 : 0, "target", target);
            g.set(TARGET_RUNNING, running.getOrDefault(target, 0), "target", target);
        }
        return new MetricSnapshots(g.build());
    }
}
