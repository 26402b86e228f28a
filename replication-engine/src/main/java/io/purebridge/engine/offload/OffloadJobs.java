package io.purebridge.engine.offload;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offloads, restores and verifies of the configured targets run in the background, each under a
 * job id, so an operator's tool starts one and polls it. Starting the same work while it runs
 * returns the running job (idempotent by what it does). The newest {@value #KEEP_FINISHED}
 * finished jobs are kept for status.
 */
public final class OffloadJobs implements AutoCloseable {
    static final int KEEP_FINISHED = 100;
    private static final Logger LOG = LoggerFactory.getLogger(OffloadJobs.class);

    /** What a job does. */
    public enum Kind { OFFLOAD, RESTORE, VERIFY }

    private final OffloadTargets targets;
    private final Clock clock;
    private final ExecutorService runner;
    private final Map<String, OffloadJob> jobs = new LinkedHashMap<>();

    public OffloadJobs(OffloadTargets targets, Clock clock) {
        this.targets = targets;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "offload-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public OffloadTargets targets() {
        return targets;
    }

    /**
     * Offloads {@code snapshot} of {@code array} to {@code target}, kept {@code retentionDays} (0:
     * until deleted). Checks the target and the snapshot before it returns.
     *
     * @return the job id
     */
    public String offload(String target, FlashArray array, String snapshot, long retentionDays) {
        targets.target(target);
        String source = array.arrayInfo().name();
        if (array.findSnapshot(snapshot).isEmpty()) {
            throw EngineException.notFound("SNAPSHOT_NOT_FOUND", "snapshot " + snapshot + " does not exist on array "
                    + source + "; name a snapshot that array lists");
        }
        return submit(Kind.OFFLOAD, target, source + ":" + snapshot, job -> {
            OffloadedSnapshot s = targets.service(target).offload(array, snapshot, retentionDays, job::started);
            return new Outcome(s.name(), null);
        });
    }

    /**
     * Restores offloaded snapshot {@code name} ({@code array:snapshot}) of {@code target} as new
     * volume {@code volume} of {@code array}.
     *
     * @return the job id
     */
    public String restore(String target, String name, FlashArray array, String volume) {
        targets.target(target);
        OffloadService.keyOf(name);
        String into = array.arrayInfo().name() + ":" + volume;
        return submit(Kind.RESTORE, target, name + " -> " + into, job -> {
            targets.service(target).restore(name, array, volume, job::started);
            return new Outcome(into, null);
        });
    }

    /** Reads back every block of offloaded snapshot {@code name} and checks it; the report is the job's result. */
    public String verify(String target, String name) {
        targets.target(target);
        OffloadService.keyOf(name);
        return submit(Kind.VERIFY, target, name, job -> {
            VerifyReport r = targets.service(target).verify(name, job::started);
            return new Outcome(r.ok() ? "intact" : r.problems().size() + " problems", r);
        });
    }

    /** One job's status now. */
    public synchronized Optional<OffloadJobStatus> job(String id) {
        OffloadJob j = jobs.get(id);
        return j == null ? Optional.empty() : Optional.of(j.status(clock.millis()));
    }

    /** Every kept job, oldest first. */
    public synchronized List<OffloadJobStatus> jobs() {
        long now = clock.millis();
        List<OffloadJobStatus> out = new ArrayList<>();
        jobs.values().forEach(j -> out.add(j.status(now)));
        return out;
    }

    record Outcome(String result, VerifyReport report) {
    }

    private synchronized String submit(Kind kind, String target, String subject, Function<OffloadJob, Outcome> work) {
        for (OffloadJob j : jobs.values()) {
            if (j.kind() == kind && j.target().equals(target) && j.subject().equals(subject) && j.running()) {
                return j.id();
            }
        }
        String id = UUID.randomUUID().toString();
        OffloadJob job = new OffloadJob(id, kind, target, subject, clock.millis());
        jobs.put(id, job);
        prune();
        LOG.info("offload-jobs: {} {} of {} on target {} started", id, kind, subject, target);
        runner.execute(() -> {
            try {
                Outcome o = work.apply(job);
                job.finish(o.result(), o.report(), null, clock.millis());
                LOG.info("offload-jobs: {} {} of {} finished: {}", id, kind, subject, o.result());
            } catch (RuntimeException e) {
                String message = e instanceof EngineException ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                job.finish(null, null, message, clock.millis());
                LOG.warn("offload-jobs: {} {} of {} failed: {}", id, kind, subject, message);
            }
        });
        return id;
    }

    private void prune() {
        int finished = (int) jobs.values().stream().filter(j -> !j.running()).count();
        var it = jobs.values().iterator();
        while (finished > KEEP_FINISHED && it.hasNext()) {
            if (!it.next().running()) {
                it.remove();
                finished--;
            }
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
