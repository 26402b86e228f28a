package io.purebridge.engine.sim;

import io.purebridge.engine.array.QosLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * QoS on the simulated data path: one token bucket per limited volume or volume group, for bytes
 * and for I/Os. A caller reserves its I/O (the bucket may go into debt) and then waits until the
 * debt is repaid at the limit's rate, so concurrent callers queue fairly and an I/O larger than a
 * second's allowance still passes. Buckets hold at most one second of allowance (the burst).
 * Clock and sleeper are replaceable so tests need not wait.
 */
public final class QosThrottle {
    /** Sleeps for a number of nanoseconds. */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final Map<String, Bucket> buckets = new HashMap<>();

    public QosThrottle(LongSupplier nanoClock, Sleeper sleeper) {
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** The wall clock and Thread.sleep. */
    public static QosThrottle system() {
        return new QosThrottle(System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    /**
     * Reserves one I/O of {@code bytes} against each limited owner and waits for the longest
     * reservation; owners with no limit cost nothing.
     *
     * @param owners bucket key -> limits, e.g. volume id and group id
     */
    public void acquire(Map<String, QosLimits> owners, long bytes) {
        long wait = 0;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            for (Map.Entry<String, QosLimits> e : owners.entrySet()) {
                if (!e.getValue().unlimited()) {
                    Bucket b = buckets.computeIfAbsent(e.getKey(), k -> new Bucket(now));
                    wait = Math.max(wait, b.reserve(e.getValue(), now, bytes));
                }
            }
        }
        if (wait > 0) {
            try {
                sleeper.sleepNanos(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Forgets an owner's bucket (its limits changed or it is gone). */
    public synchronized void forget(String owner) {
        buckets.remove(owner);
    }

    /** Token balances in bytes and I/Os, starting full; negative is debt. */
    private static final class Bucket {
        private double bytes = Double.NaN;
        private double ios = Double.NaN;
        private long last;

        Bucket(long now) {
            last = now;
        }

        /** Takes the I/O from the balances; returns how long the caller must wait for the debt. */
        long reserve(QosLimits limits, long now, long size) {
            double elapsed = (double) Math.max(0, now - last) / SECOND;
            last = now;
            long wait = 0;
            Long bw = limits.bandwidthBytesPerSecond();
            if (bw != null) {
                bytes = Double.isNaN(bytes) ? bw : Math.min(bw, bytes + elapsed * bw);
                bytes -= size;
                wait = Math.max(wait, debtNanos(bytes, bw));
            }
            Long iops = limits.iops();
            if (iops != null) {
                ios = Double.isNaN(ios) ? iops : Math.min(iops, ios + elapsed * iops);
                ios -= 1;
                wait = Math.max(wait, debtNanos(ios, iops));
            }
            return wait;
        }

        private static long debtNanos(double balance, long rate) {
            return balance >= 0 ? 0 : (long) Math.ceil(-balance * SECOND / rate);
        }
    }
}
