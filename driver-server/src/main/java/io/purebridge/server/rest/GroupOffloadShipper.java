package io.purebridge.server.rest;

import io.purebridge.engine.PeriodicTimer;
import io.purebridge.engine.PeriodicTimer.OnClose;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.GroupSnapshotOffload;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated arrays' own offload, as a FlashArray runs CloudSnap: on every run, each protection
 * group with an offload target ({@link GroupOffloadTargets}) sends the snapshots the target lacks,
 * kept there for the group's target retention, and a snapshot taken on a target whose send failed
 * is sent again ({@link OnDemandOffload}). Expiry in the bucket is the service's retention
 * sweep, the same for every array. A group or target that fails is logged and tried again next run.
 */
final class GroupOffloadShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupOffloadShipper.class);
    private static final long DAY_SECONDS = 86_400L;

    private final GroupOffloadTargets offloads;
    private final OnDemandOffload onDemand;
    private final Map<String, Supplier<? extends FlashArray>> arrays;
    private PeriodicTimer timer;

    GroupOffloadShipper(GroupOffloadTargets offloads, OnDemandOffload onDemand,
            Map<String, Supplier<? extends FlashArray>> arrays) {
        this.offloads = offloads;
        this.onDemand = onDemand;
        this.arrays = Map.copyOf(arrays);
    }

    /**
     * One pass over every array; returns the group snapshots offloaded now. Snapshots taken on a
     * target whose send failed are started again first (they run in the background).
     */
    synchronized List<String> runOnce() {
        onDemand.resume();
        List<String> shipped = new ArrayList<>();
        Map<String, Set<String>> present = new HashMap<>();
        for (Map.Entry<String, Supplier<? extends FlashArray>> a : arrays.entrySet()) {
            Map<String, List<String>> groups = offloads.groupsOf(a.getKey());
            if (groups.isEmpty()) {
                continue;
            }
            FlashArray array;
            try {
                array = a.getValue().get();
            } catch (EngineException e) {
                LOG.warn("array {}: not open, its offload runs later: {}", a.getKey(), e.getMessage());
                continue;
            }
            if (array instanceof ReplicationArray r) {
                groups.forEach((group, targets) -> targets.forEach(t ->
                        ship(a.getKey(), array, r, group, t, present).ifPresent(shipped::addAll)));
            }
        }
        if (!shipped.isEmpty()) {
            LOG.info("arrays offloaded {} protection group snapshots: {}", shipped.size(), shipped);
        }
        return shipped;
    }

    private Optional<List<String>> ship(String arrayName, FlashArray array, ReplicationArray r, String group,
            String target, Map<String, Set<String>> present) {
        Optional<String> service = offloads.serviceTarget(target);
        Optional<ProtectionGroupRecord> g = r.findProtectionGroup(group);
        if (service.isEmpty() || g.isEmpty()) {
            return Optional.empty(); // the target left the configuration, or the group is gone
        }
        try {
            OffloadService bucket = offloads.targets().service(service.get());
            Set<String> there = present.computeIfAbsent(service.get(), s -> new HashSet<>(
                    bucket.list().stream().map(OffloadedSnapshot::name).toList()));
            long days = g.get().targetRetention() == null ? 1
                    : Math.max(1, g.get().targetRetention().allForSec() / DAY_SECONDS);
            return Optional.of(GroupSnapshotOffload.shipMissing(array, r, group, bucket, days, there));
        } catch (EngineException e) {
            LOG.warn("array {}: offload of protection group {} to {} failed; retried on the next run: {}", arrayName,
                    group, target, e.getMessage());
            return Optional.empty();
        }
    }

    /** Runs {@link #runOnce} every {@code period} on a daemon thread (once; later calls do nothing). */
    synchronized void start(Duration period) {
        if (timer != null || period.isZero() || period.isNegative()) {
            return;
        }
        // A send in progress is left to finish: close, which shares the run's lock, waits for it.
        timer = PeriodicTimer.named("array-offload", OnClose.FINISH_RUN, LOG)
                .every(period, "array offload run", this::runOnce);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.close();
            timer = null;
        }
    }
}
