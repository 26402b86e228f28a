package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counts the front-end I/O a simulated array serves and keeps its recent history: 1-second samples
 * for the last hour and 30-second samples for the last day; coarser resolutions are sums of these.
 *
 * <p>The hot path only adds to {@link LongAdder}s. The second's totals move into the history lazily,
 * on the first I/O or query of a later second, so no thread is needed and an idle array costs
 * nothing. Only complete seconds are reported. The history lives in memory only: it starts empty
 * when the array opens (a restart loses it, as counters on a rebooted controller would).
 *
 * <p>Queue time is the wait for the array's lock, marked by {@link #served()} from inside the
 * locked section; the rest of an operation's time is service time.
 */
final class IoStats {
    static final int FINE_SLOTS = 3600;
    static final long COARSE_SECONDS = 30;
    static final int COARSE_SLOTS = 2880;

    // Counter indices, per sample.
    static final int READ_OPS = 0;
    static final int READ_BYTES = 1;
    static final int READ_NANOS = 2;
    static final int READ_QUEUE_NANOS = 3;
    static final int WRITE_OPS = 4;
    static final int WRITE_BYTES = 5;
    static final int WRITE_NANOS = 6;
    static final int WRITE_QUEUE_NANOS = 7;
    static final int MIRRORED_OPS = 8;
    static final int MIRRORED_BYTES = 9;
    static final int MIRRORED_NANOS = 10;
    static final int MIRRORED_QUEUE_NANOS = 11;
    static final int COUNTERS = 12;

    private final Clock clock;
    private final LongSupplier nanoTime;
    private final LongAdder[] current = new LongAdder[COUNTERS];
    /** When this thread's current operation got the lock (nanoTime); 0 when not yet. */
    private final ThreadLocal<long[]> servedAt = ThreadLocal.withInitial(() -> new long[1]);
    private final long firstSecond;
    private volatile long currentSecond;

    // Guarded by this.
    private final long[][] fine = new long[FINE_SLOTS][COUNTERS];
    private final long[] fineSecond = new long[FINE_SLOTS];
    private final long[][] coarse = new long[COARSE_SLOTS][COUNTERS];
    private final long[] coarseIndex = new long[COARSE_SLOTS];

    IoStats(Clock clock, LongSupplier nanoTime) {
        this.clock = clock;
        this.nanoTime = nanoTime;
        for (int i = 0; i < COUNTERS; i++) {
            current[i] = new LongAdder();
        }
        Arrays.fill(fineSecond, -1);
        Arrays.fill(coarseIndex, -1);
        firstSecond = Math.floorDiv(clock.millis(), 1000);
        currentSecond = firstSecond;
    }

    /** Starts timing one operation; pass the result to {@link #read} or {@link #write}. */
    long begin() {
        servedAt.get()[0] = 0;
        return nanoTime.getAsLong();
    }

    /** Marks that the operation on this thread now holds the array (its queue time ends). */
    void served() {
        servedAt.get()[0] = nanoTime.getAsLong();
    }

    void read(long startNanos, long bytes) {
        record(startNanos, READ_OPS, bytes, false);
    }

    void write(long startNanos, long bytes, boolean mirrored) {
        record(startNanos, WRITE_OPS, bytes, mirrored);
    }

    /** Adds one operation at {@code base} (ops, bytes, nanos, queue nanos), and as mirrored if so. */
    private void record(long startNanos, int base, long bytes, boolean mirrored) {
        long end = nanoTime.getAsLong();
        long served = servedAt.get()[0];
        long total = Math.max(0, end - startNanos);
        long queue = served >= startNanos && served <= end ? served - startNanos : 0;
        rollTo(Math.floorDiv(clock.millis(), 1000));
        current[base].increment();
        current[base + 1].add(bytes);
        current[base + 2].add(total);
        current[base + 3].add(queue);
        if (mirrored) {
            current[MIRRORED_OPS].increment();
            current[MIRRORED_BYTES].add(bytes);
            current[MIRRORED_NANOS].add(total);
            current[MIRRORED_QUEUE_NANOS].add(queue);
        }
    }

    private void rollTo(long second) {
        if (second != currentSecond) {
            roll(second);
        }
    }

    /** Moves the counters into the sample of {@link #currentSecond}, then starts {@code second}. */
    private synchronized void roll(long second) {
        long sec = currentSecond;
        if (second <= sec) {
            return;
        }
        int f = (int) Math.floorMod(sec, (long) FINE_SLOTS);
        if (fineSecond[f] != sec) {
            fineSecond[f] = sec;
            Arrays.fill(fine[f], 0);
        }
        long ci = Math.floorDiv(sec, COARSE_SECONDS);
        int c = (int) Math.floorMod(ci, (long) COARSE_SLOTS);
        if (coarseIndex[c] != ci) {
            coarseIndex[c] = ci;
            Arrays.fill(coarse[c], 0);
        }
        for (int i = 0; i < COUNTERS; i++) {
            long v = current[i].sumThenReset();
            fine[f][i] += v;
            coarse[c][i] += v;
        }
        currentSecond = second;
    }

    /** See {@link PerformanceHistory#performance}. */
    synchronized List<ArrayPerformance> performance(Long startTimeMs, Long endTimeMs, Long resolutionMs) {
        long nowMs = clock.millis();
        long nowSecond = Math.floorDiv(nowMs, 1000);
        roll(nowSecond);
        long res = resolutionMs == null ? PerformanceHistory.RESOLUTIONS_MS.get(0) : resolutionMs;
        if (!PerformanceHistory.RESOLUTIONS_MS.contains(res)) {
            throw EngineException.invalidArgument("INVALID_RESOLUTION", "Invalid resolution " + res
                    + ": use one of " + PerformanceHistory.RESOLUTIONS_MS + " (milliseconds).");
        }
        // Now means the end of the last complete second: the running second is not reported yet.
        long end = endTimeMs == null ? nowSecond * 1000 - 1 : endTimeMs;
        long start = startTimeMs == null ? end - res + 1 : startTimeMs;
        if (end < start) {
            throw EngineException.invalidArgument("INVALID_TIME_WINDOW", "Invalid end_time " + end
                    + ": it is before start_time " + start + ".");
        }
        boolean useFine = res < COARSE_SECONDS * 1000;
        long retained = useFine ? FINE_SLOTS : COARSE_SLOTS * COARSE_SECONDS;
        long coveredFrom = Math.max(firstSecond, nowSecond - retained);
        // Intervals [t, t + res), t aligned to the resolution, that overlap [start, end]: for the
        // default start that is exactly the (possibly still running) interval holding the end.
        long first = Math.floorDiv(start, res);
        long last = Math.floorDiv(end, res);
        first = Math.max(first, Math.floorDiv(coveredFrom * 1000, res));
        last = Math.min(last, Math.floorDiv(nowSecond * 1000 - 1, res));
        List<ArrayPerformance> out = new ArrayList<>();
        for (long k = first; k <= last; k++) {
            long fromSecond = k * res / 1000;
            long toSecond = (k + 1) * res / 1000;
            long seconds = Math.min(toSecond, nowSecond) - Math.max(fromSecond, coveredFrom);
            if (seconds <= 0) {
                continue;
            }
            long[] sum = new long[COUNTERS];
            if (useFine) {
                for (long s = fromSecond; s < toSecond; s++) {
                    int f = (int) Math.floorMod(s, (long) FINE_SLOTS);
                    if (fineSecond[f] == s) {
                        add(sum, fine[f]);
                    }
                }
            } else {
                for (long ci = fromSecond / COARSE_SECONDS; ci < toSecond / COARSE_SECONDS; ci++) {
                    int c = (int) Math.floorMod(ci, (long) COARSE_SLOTS);
                    if (coarseIndex[c] == ci) {
                        add(sum, coarse[c]);
                    }
                }
            }
            out.add(sample(k * res, sum, seconds));
        }
        return out;
    }

    private static void add(long[] sum, long[] sample) {
        for (int i = 0; i < COUNTERS; i++) {
            sum[i] += sample[i];
        }
    }

    private static ArrayPerformance sample(long timeMs, long[] s, long seconds) {
        long busyNanos = s[READ_NANOS] + s[WRITE_NANOS];
        return new ArrayPerformance(timeMs,
                rate(s[READ_OPS], seconds), rate(s[WRITE_OPS], seconds), rate(s[MIRRORED_OPS], seconds),
                rate(s[READ_BYTES], seconds), rate(s[WRITE_BYTES], seconds), rate(s[MIRRORED_BYTES], seconds),
                usec(s[READ_NANOS], s[READ_OPS]), usec(s[WRITE_NANOS], s[WRITE_OPS]),
                usec(s[MIRRORED_NANOS], s[MIRRORED_OPS]),
                usec(s[READ_QUEUE_NANOS], s[READ_OPS]), usec(s[WRITE_QUEUE_NANOS], s[WRITE_OPS]),
                usec(s[MIRRORED_QUEUE_NANOS], s[MIRRORED_OPS]),
                // Little's law: average operations in the array = busy time / elapsed time.
                Math.round(busyNanos / (seconds * 1e9)));
    }

    private static long rate(long count, long seconds) {
        return Math.round((double) count / seconds);
    }

    private static long usec(long nanos, long ops) {
        return ops == 0 ? 0 : Math.round(nanos / 1000.0 / ops);
    }
}
