package io.purebridge.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.sim.NetworkStatus;
import io.purebridge.engine.sim.PgStatus;
import io.purebridge.engine.sim.PodStatus;
import io.purebridge.engine.sim.ReplicationControls;
import java.util.List;
import java.util.Objects;

/**
 * Replication health of the hosted arrays' network, read at scrape time: links and mediator, pod
 * members (status, in sync, resync progress and bytes left) and protection group targets (the real
 * RPO, its schedule, bytes sent).
 *
 * <p>{@code purebridge_pg_target_rpo_seconds} is the age of the newest snapshot complete on the
 * target: the data lost if the source died now. Compare it with
 * {@code purebridge_pg_replication_interval_seconds} (the schedule); absent before the first transfer.
 */
public final class ReplicationCollector implements MultiCollector {
    static final List<String> MEMBER_STATES = List.of(PodArrayStatus.ONLINE, PodArrayStatus.OFFLINE,
            PodArrayStatus.RESYNCING, PodArrayStatus.UNKNOWN);

    static final String MEDIATOR = "purebridge_replication_mediator_reachable";
    static final String LINK_UP = "purebridge_replication_link_up";
    static final String MEMBER_STATUS = "purebridge_pod_member_status";
    static final String IN_SYNC = "purebridge_pod_member_in_sync";
    static final String PROGRESS = "purebridge_pod_member_resync_progress_ratio";
    static final String REMAINING = "purebridge_pod_member_resync_remaining_bytes";
    static final String RPO = "purebridge_pg_target_rpo_seconds";
    static final String LAST_COMPLETED = "purebridge_pg_target_last_completed_timestamp_seconds";
    static final String INTERVAL = "purebridge_pg_replication_interval_seconds";
    static final String SCHEDULE_ENABLED = "purebridge_pg_schedule_enabled";
    static final String PG_SNAPSHOTS = "purebridge_pg_snapshots";
    static final String TARGET_REACHABLE = "purebridge_pg_target_reachable";
    static final String TARGET_SNAPSHOTS = "purebridge_pg_target_snapshots";
    static final String SENT = "purebridge_pg_target_transferred_bytes";
    static final String LOGICAL_SENT = "purebridge_pg_target_transferred_logical_bytes";

    private final ReplicationControls controls;

    public ReplicationCollector(ReplicationControls controls) {
        this.controls = Objects.requireNonNull(controls, "controls");
    }

    @Override
    public MetricSnapshots collect() {
        Gauges g = new Gauges()
                .gauge(MEDIATOR, null, "1 when the arrays reach the pod mediator.")
                .gauge(LINK_UP, null, "1 when the replication link between two hosted arrays is up, 0 when cut.")
                .gauge(MEMBER_STATUS, null, "1 for a pod member's current status (online, offline, resyncing,"
                        + " unknown), 0 for the others.")
                .gauge(IN_SYNC, null, "1 when the pod member holds every acknowledged write.")
                .gauge(PROGRESS, Unit.RATIO, "Resync progress of a pod member, 0 to 1 (1 when in sync).")
                .gauge(REMAINING, Unit.BYTES, "Bytes still to resync to a pod member.")
                .gauge(RPO, Unit.SECONDS, "Age of the newest protection group snapshot complete on the target"
                        + " (the recovery point); absent before the first transfer.")
                .gauge(LAST_COMPLETED, Unit.SECONDS, "When the newest transfer to the target completed (Unix time).")
                .gauge(INTERVAL, Unit.SECONDS, "The protection group's replication schedule; absent when the"
                        + " schedule is off.")
                .gauge(SCHEDULE_ENABLED, null, "1 when the protection group's replication schedule is on.")
                .gauge(PG_SNAPSHOTS, null, "Snapshots of the protection group on its source array.")
                .gauge(TARGET_REACHABLE, null, "1 when the source reaches the target array.")
                .gauge(TARGET_SNAPSHOTS, null, "Snapshots of the protection group on the target array.")
                .counter(SENT, Unit.BYTES, "Bytes sent on the wire to the target (compressed, deduplicated).")
                .counter(LOGICAL_SENT, Unit.BYTES, "Bytes of the blocks that differed from the target's baseline.");
        NetworkStatus network = controls.networkStatus();
        g.set(MEDIATOR, network.mediatorReachable() ? 1 : 0);
        List<String> arrays = network.arrays().stream().sorted().toList();
        for (int i = 0; i < arrays.size(); i++) {
            for (int j = i + 1; j < arrays.size(); j++) {
                String a = arrays.get(i);
                String b = arrays.get(j);
                boolean cut = network.cutLinks().contains(a + "|" + b) || network.cutLinks().contains(b + "|" + a);
                g.set(LINK_UP, cut ? 0 : 1, "array_a", a, "array_b", b);
            }
        }
        for (PodStatus pod : controls.podStatuses()) {
            for (PodStatus.Member m : pod.arrays()) {
                for (String state : MEMBER_STATES) {
                    g.set(MEMBER_STATUS, state.equals(m.status()) ? 1 : 0, "pod", pod.name(), "array", m.arrayName(),
                            "status", state);
                }
                g.set(IN_SYNC, m.inSync() ? 1 : 0, "pod", pod.name(), "array", m.arrayName());
                g.set(PROGRESS, m.progress(), "pod", pod.name(), "array", m.arrayName());
                g.set(REMAINING, m.dirtyBytes(), "pod", pod.name(), "array", m.arrayName());
            }
        }
        for (PgStatus pg : controls.pgStatuses()) {
            String[] group = {"source_array", pg.sourceArray(), "pg", pg.name()};
            boolean scheduled = pg.schedule() != null && pg.schedule().enabled();
            g.set(SCHEDULE_ENABLED, scheduled ? 1 : 0, group);
            if (scheduled) {
                g.set(INTERVAL, pg.schedule().frequencyMs() / 1000.0, group);
            }
            g.set(PG_SNAPSHOTS, pg.snapshotCount(), group);
            for (PgStatus.Target t : pg.targets()) {
                String[] labels = {"source_array", pg.sourceArray(), "pg", pg.name(), "target_array", t.arrayName()};
                g.set(TARGET_REACHABLE, t.reachable() ? 1 : 0, labels);
                g.set(TARGET_SNAPSHOTS, t.snapshotsOnTarget(), labels);
                g.set(SENT, t.bytesSent(), labels);
                g.set(LOGICAL_SENT, t.logicalBytesSent(), labels);
                if (t.lagMillis() >= 0) {
                    g.set(RPO, t.lagMillis() / 1000.0, labels);
                }
                if (t.lastCompletedEpochMillis() > 0) {
                    g.set(LAST_COMPLETED, t.lastCompletedEpochMillis() / 1000.0, labels);
                }
            }
        }
        return new MetricSnapshots(g.build());
    }
}
