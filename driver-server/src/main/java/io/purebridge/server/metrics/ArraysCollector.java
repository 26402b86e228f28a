package io.purebridge.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space, volumes and snapshots of every array the service hosts, read at scrape time from the
 * arrays themselves (in-process simulated arrays: no network). An array that does not answer (a
 * stopped one) is {@code purebridge_array_up 0} and has no other point.
 */
public final class ArraysCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ArraysCollector.class);

    static final String UP = "purebridge_array_up";
    static final String CAPACITY = "purebridge_array_capacity_bytes";
    static final String USED = "purebridge_array_used_bytes";
    static final String PROVISIONED = "purebridge_array_provisioned_bytes";
    static final String SNAPSHOT_SPACE = "purebridge_array_snapshot_space_bytes";
    static final String DATA_REDUCTION = "purebridge_array_data_reduction_ratio";
    static final String VOLUMES = "purebridge_array_volumes";
    static final String SNAPSHOTS = "purebridge_array_snapshots";
    static final String DESTROYED_VOLUMES = "purebridge_array_destroyed_volumes";

    private final Supplier<Map<String, FlashArray>> arrays;

    /** @param arrays the hosted arrays by name, opened with their own tokens (tokens stay in-process) */
    public ArraysCollector(Supplier<Map<String, FlashArray>> arrays) {
        this.arrays = Objects.requireNonNull(arrays, "arrays");
    }

    @Override
    public MetricSnapshots collect() {
        Gauges g = new Gauges()
                .gauge(UP, null, "1 when the array answers, 0 when it does not (stopped or unreachable).")
                .gauge(CAPACITY, Unit.BYTES, "Usable physical capacity of the array.")
                .gauge(USED, Unit.BYTES, "Physical space in use: unique data, snapshots, shared and system.")
                .gauge(PROVISIONED, Unit.BYTES, "Sum of the provisioned sizes of the live volumes.")
                .gauge(SNAPSHOT_SPACE, Unit.BYTES, "Physical space only snapshots hold.")
                .gauge(DATA_REDUCTION, Unit.RATIO, "Logical written bytes per physical byte (dedup and compression).")
                .gauge(VOLUMES, null, "Live volumes on the array.")
                .gauge(SNAPSHOTS, null, "Live volume snapshots on the array.")
                .gauge(DESTROYED_VOLUMES, null, "Destroyed volumes waiting for eradication.");
        for (Map.Entry<String, FlashArray> e : arrays.get().entrySet()) {
            String name = e.getKey();
            FlashArray array = e.getValue();
            ArraySpace space;
            long volumes = 0;
            long destroyed = 0;
            long snapshots = 0;
            try {
                space = array.space();
                for (VolumeRecord v : array.listVolumes()) {
                    if (v.destroyed()) {
                        destroyed++;
                    } else {
                        volumes++;
                    }
                }
                for (SnapshotRecord s : array.listSnapshots(null)) {
                    if (!s.destroyed()) {
                        snapshots++;
                    }
                }
            } catch (EngineException ex) {
                LOG.debug("metrics: array {} does not answer: {}", name, ex.reason());
                g.set(UP, 0, "array", name);
                continue;
            }
            g.set(UP, 1, "array", name);
            g.set(CAPACITY, space.capacityBytes(), "array", name);
            g.set(USED, space.totalPhysicalBytes(), "array", name);
            g.set(PROVISIONED, space.totalProvisionedBytes(), "array", name);
            g.set(SNAPSHOT_SPACE, space.snapshotsBytes(), "array", name);
            g.set(DATA_REDUCTION, space.dataReduction(), "array", name);
            g.set(VOLUMES, volumes, "array", name);
            g.set(SNAPSHOTS, snapshots, "array", name);
            g.set(DESTROYED_VOLUMES, destroyed, "array", name);
        }
        return new MetricSnapshots(g.build());
    }
}
