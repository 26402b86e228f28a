package io.purebridge.server.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.SlidingWindowReservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A dropwizard {@link Reservoir} that also counts Prometheus classic-histogram buckets, so an RPC
 * latency {@link Timer} in the dropwizard registry can be exported as a histogram (aggregatable
 * across replicas and over time) and not only as the reservoir's decaying quantiles. Values are
 * nanoseconds, as {@link Timer} records them. Thread-safe; an update is a binary search over
 * {@link #UPPER_BOUNDS_SECONDS}, two {@link LongAdder} increments and one store in a sliding window.
 */
public final class LatencyBuckets implements Reservoir {
    /** Upper bounds of the buckets in seconds, +Inf last: 1 ms to one minute. */
    static final double[] UPPER_BOUNDS_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, 30, 60, Double.POSITIVE_INFINITY};

    private static final long[] UPPER_BOUNDS_NANOS = Arrays.stream(UPPER_BOUNDS_SECONDS)
            .mapToLong(s -> Double.isInfinite(s) ? Long.MAX_VALUE : Math.round(s * 1e9)).toArray();

    /**
     * The last calls' values, for dropwizard's own quantiles. A sliding window: the default
     * exponentially decaying reservoir's skip-list insert costs more than the rest of the RPC
     * bookkeeping together.
     */
    private final Reservoir quantiles = new SlidingWindowReservoir(1024);
    private final LongAdder[] counts = new LongAdder[UPPER_BOUNDS_NANOS.length];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyBuckets() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** A timer whose reservoir is a fresh {@link LatencyBuckets}; for {@code MetricRegistry.timer(name, supplier)}. */
    public static Timer newTimer() {
        return new BucketedTimer(new LatencyBuckets());
    }

    /** The buckets behind {@code timer}, when it was made by {@link #newTimer}. */
    static LatencyBuckets of(Timer timer) {
        return timer instanceof BucketedTimer bucketed ? bucketed.buckets : null;
    }

    @Override
    public void update(long nanos) {
        int i = Arrays.binarySearch(UPPER_BOUNDS_NANOS, nanos);
        counts[i >= 0 ? i : -i - 1].increment();
        sumNanos.add(nanos);
        quantiles.update(nanos);
    }

    @Override
    public int size() {
        return quantiles.size();
    }

    @Override
    public Snapshot getSnapshot() {
        return quantiles.getSnapshot();
    }

    /** Per-bucket (not cumulative) counts, in the order of {@link #UPPER_BOUNDS_SECONDS}. */
    long[] bucketCounts() {
        long[] out = new long[counts.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts[i].sum();
        }
        return out;
    }

    double sumSeconds() {
        return sumNanos.sum() / (double) TimeUnit.SECONDS.toNanos(1);
    }

    private static final class BucketedTimer extends Timer {
        private final LatencyBuckets buckets;

        BucketedTimer(LatencyBuckets buckets) {
            super(buckets);
            this.buckets = buckets;
        }
    }
}
