package io.purebridge.engine.offload;

/**
 * A job of {@link OffloadJobs} at one moment.
 *
 * @param id the job id
 * @param subject what it works on: {@code array:snapshot} (offload, verify) or
 *     {@code array:snapshot -> array:volume} (restore)
 * @param doneBytes logical bytes read, written or checked so far
 * @param totalBytes logical size of the snapshot (0 until the job has read it)
 * @param sentBytes bytes that crossed the network to or from the bucket (after compression)
 * @param rateBytesPerSecond average rate of {@code doneBytes} since the job started
 * @param etaSeconds seconds left at that rate; -1 when unknown, 0 once finished
 * @param finishedMillis 0 while running
 * @param error why it failed (never a secret), or null
 * @param result the offloaded snapshot's name, the restored volume, or verify's verdict; null until done
 * @param verify verify's report, for VERIFY jobs that finished
 */
public record OffloadJobStatus(String id, OffloadJobs.Kind kind, String target, String subject, State state,
        long doneBytes, long totalBytes, long sentBytes, long rateBytesPerSecond, long etaSeconds,
        long createdMillis, long finishedMillis, String error, String result, VerifyReport verify) {
    /** Where a job stands. A verify that found damage is FAILED, with its report. */
    public enum State { RUNNING, COMPLETED, FAILED }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
