package io.purebridge.engine.offload;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live progress of one offload, restore or verify, for status views (thread-safe). */
public final class OffloadProgress {
    /** Where a job stands. */
    public enum State { RUNNING, COMPLETED, FAILED }

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final long sequence = SEQUENCE.incrementAndGet();
    private final String job;
    private final long totalBytes;
    private final long startedMillis;
    private final AtomicLong doneBytes = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final AtomicReference<String> error = new AtomicReference<>();

    public OffloadProgress(String job, long totalBytes, long startedMillis) {
        this.job = job;
        this.totalBytes = totalBytes;
        this.startedMillis = startedMillis;
    }

    public String job() {
        return job;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long doneBytes() {
        return doneBytes.get();
    }

    /** Bytes that crossed the network to or from the bucket (after compression). */
    public long sentBytes() {
        return sentBytes.get();
    }

    /** Order of creation in this process. */
    public long sequence() {
        return sequence;
    }

    public long startedMillis() {
        return startedMillis;
    }

    public State state() {
        return state.get();
    }

    /** The failure's message (never a secret: engine messages carry none), or null. */
    public String error() {
        return error.get();
    }

    void addDone(long n) {
        doneBytes.addAndGet(n);
    }

    void addSent(long n) {
        sentBytes.addAndGet(n);
    }

    void complete() {
        state.set(State.COMPLETED);
    }

    void fail(String message) {
        error.set(message);
        state.set(State.FAILED);
    }
}
