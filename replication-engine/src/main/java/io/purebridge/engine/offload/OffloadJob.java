package io.purebridge.engine.offload;

/** One background job of {@link OffloadJobs}: what it does, its live progress once started, how it ended. */
final class OffloadJob {
    private final String id;
    private final OffloadJobs.Kind kind;
    private final String target;
    private final String subject;
    private final long createdMillis;
    private volatile OffloadProgress progress;
    private volatile boolean finished;
    private volatile long finishedMillis;
    private volatile String result;
    private volatile VerifyReport report;
    private volatile String error;

    OffloadJob(String id, OffloadJobs.Kind kind, String target, String subject, long createdMillis) {
        this.id = id;
        this.kind = kind;
        this.target = target;
        this.subject = subject;
        this.createdMillis = createdMillis;
    }

    String id() {
        return id;
    }

    OffloadJobs.Kind kind() {
        return kind;
    }

    String target() {
        return target;
    }

    String subject() {
        return subject;
    }

    boolean running() {
        return !finished;
    }

    void started(OffloadProgress p) {
        progress = p;
    }

    void finish(String outcome, VerifyReport verifyReport, String failure, long atMillis) {
        result = outcome;
        report = verifyReport;
        error = failure;
        finishedMillis = atMillis;
        finished = true;
    }

    OffloadJobStatus status(long nowMillis) {
        OffloadProgress p = progress;
        boolean done = finished;
        long total = p == null ? 0 : p.totalBytes();
        long doneBytes = p == null ? 0 : p.doneBytes();
        long sent = p == null ? 0 : p.sentBytes();
        long started = p == null ? createdMillis : p.startedMillis();
        long end = done ? finishedMillis : nowMillis;
        long elapsed = Math.max(1, end - started);
        long rate = doneBytes * 1000 / elapsed;
        OffloadJobStatus.State state;
        if (!done) {
            state = OffloadJobStatus.State.RUNNING;
        } else if (error != null || (report != null && !report.ok())) {
            state = OffloadJobStatus.State.FAILED;
        } else {
            state = OffloadJobStatus.State.COMPLETED;
        }
        if (state == OffloadJobStatus.State.COMPLETED && total > doneBytes) {
            doneBytes = total; // an idempotent repeat finds everything there already
        }
        long eta = !done && rate > 0 && total > 0 ? Math.max(0, (total - doneBytes) / rate) : done ? 0 : -1;
        return new OffloadJobStatus(id, kind, target, subject, state, doneBytes, total, sent, rate, eta,
                createdMillis, done ? finishedMillis : 0, error, result, report);
    }
}
