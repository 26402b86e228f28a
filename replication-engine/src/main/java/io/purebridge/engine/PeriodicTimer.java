package io.purebridge.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Background work on one daemon thread of its own, each piece run every period (first after one
 * period). A run that throws is logged and tried again at the next period: one bad run never ends
 * the schedule.
 */
public final class PeriodicTimer implements AutoCloseable {
    /** What {@link #close} does to a run in progress. */
    public enum OnClose {
        /** Lets it finish, e.g. a transfer worth completing; close returns at once. */
        FINISH_RUN,
        /** Interrupts it and waits up to 10 s for it to end, for owners about to close what runs use. */
        INTERRUPT_RUN
    }

    private static final long CLOSE_WAIT_SECONDS = 10;

    private final ScheduledExecutorService executor;
    private final OnClose onClose;
    private final Logger log;

    private PeriodicTimer(String threadName, OnClose onClose, Logger log) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.onClose = onClose;
        this.log = log;
    }

    /**
     * A timer on a thread named {@code threadName}, running nothing yet. Failures go to {@code log}.
     */
    public static PeriodicTimer named(String threadName, OnClose onClose, Logger log) {
        return new PeriodicTimer(threadName, onClose, log);
    }

    /**
     * Runs {@code work} every {@code period}; {@code what} names it in the warning of a failed run.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public PeriodicTimer every(Duration period, String what, Runnable work) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("the period of " + what + " must be positive: " + period);
        }
        long ms = period.toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                // One line a failure (a heartbeat may fail every period); the stack for debugging.
                log.warn("{} failed; retried on the next run: {}", what, e.toString());
                log.debug("{} failed", what, e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        if (onClose == OnClose.FINISH_RUN) {
            executor.shutdown();
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
