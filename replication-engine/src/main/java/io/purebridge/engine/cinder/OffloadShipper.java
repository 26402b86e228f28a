package io.purebridge.engine.cinder;

import io.purebridge.engine.PeriodicTimer;
import io.purebridge.engine.PeriodicTimer.OnClose;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTargets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of CloudSnap for arrays that do not offload by themselves: on every run it
 * sends the snapshots the offload protection groups took on their schedules (each array once,
 * however many backends use it), then lets every target expire what outlived its retention and
 * collect unreferenced data ({@code OffloadService.expireAndCollect}). On arrays that send by
 * themselves it drops the volumes of on-demand sends that completed after their call stopped
 * waiting ({@code OffloadCopies.dropFinishedSendSources}).
 */
public final class OffloadShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadShipper.class);

    /**
     * What one run did.
     *
     * @param offloaded snapshots sent, as the targets list them
     * @param expired offloaded snapshots deleted by retention
     * @param problems one line per target that could not be reached or swept
     */
    public record Result(List<String> offloaded, List<String> expired, List<String> problems) {
        public Result {
            offloaded = List.copyOf(offloaded);
            expired = List.copyOf(expired);
            problems = List.copyOf(problems);
        }
    }

    private final Supplier<Collection<ArrayCinderBackend>> backends;
    private final OffloadTargets targets;
    /** Guards {@link #timer}: not this object's lock, which a run holds for its whole length. */
    private final Object timerLock = new Object();
    private PeriodicTimer timer;

    OffloadShipper(Supplier<Collection<ArrayCinderBackend>> backends, OffloadTargets targets) {
        this.backends = backends;
        this.targets = targets;
    }

    /** One pass: ship scheduled snapshots, then expire and collect on every target. */
    public synchronized Result runOnce() {
        List<String> offloaded = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (targets.names().isEmpty()) {
            return new Result(offloaded, expired, problems);
        }
        Set<String> arrays = new HashSet<>();
        for (ArrayCinderBackend backend : backends.get()) {
            OffloadCopies copies = backend.offloadCopies();
            if (arrays.add(copies.arrayName())) {
                offloaded.addAll(copies.shipScheduled());
                copies.dropFinishedSendSources();
            }
        }
        for (String target : targets.names()) {
            try {
                expired.addAll(targets.service(target).expireAndCollect().expired());
            } catch (EngineException e) {
                problems.add(target + ": " + e.getMessage());
                LOG.warn("offload target {}: retention sweep failed; retried on the next run: {}", target,
                        e.getMessage());
            }
        }
        if (!expired.isEmpty()) {
            LOG.info("offload retention expired {}", expired);
        }
        return new Result(offloaded, expired, problems);
    }

    /** Runs {@link #runOnce} every {@code period} on a daemon thread (once; later calls do nothing). */
    void start(Duration period) {
        synchronized (timerLock) {
            if (timer != null || period.isZero() || period.isNegative() || targets.names().isEmpty()) {
                return;
            }
            timer = PeriodicTimer.named("offload-shipper", OnClose.INTERRUPT_RUN, LOG)
                    .every(period, "offload shipping run", this::runOnce);
        }
        LOG.info("offload shipping every {} s to {}", period.toSeconds(), targets.names());
    }

    /**
     * Stops the timer, interrupting a run in progress and waiting for its end. A run holds this
     * object's lock throughout, so close must not take it: it would wait for the whole run instead
     * of interrupting it, and a run about to start would then wait out the timer's grace period.
     */
    @Override
    public void close() {
        PeriodicTimer stopping;
        synchronized (timerLock) {
            stopping = timer;
            timer = null;
        }
        if (stopping != null) {
            stopping.close();
        }
    }
}
