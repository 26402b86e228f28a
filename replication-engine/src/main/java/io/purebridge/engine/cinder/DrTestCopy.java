package io.purebridge.engine.cinder;

/**
 * One test copy of a DR drill on the target array.
 *
 * @param name the copy's array name ({@code drtest-<volume>}), never a production name
 * @param sourceVolume the production volume it copies, as named on the primary
 * @param snapshot the replicated snapshot it was made from
 * @param dataAsOfEpochMillis when that snapshot was taken on the primary: the copy's data as of then,
 *     or 0 when the snapshot has aged out since
 * @param createdEpochMillis when the copy was made
 * @param rpoMillis what a real failover at copy time would have lost: created - data as of, or -1
 *     when unknown
 */
public record DrTestCopy(
        String name,
        String sourceVolume,
        String snapshot,
        long dataAsOfEpochMillis,
        long createdEpochMillis,
        long rpoMillis) {
}
