package io.purebridge.engine.array;

/**
 * REST {@code /protection-group-snapshots/transfer}: one snapshot's transfer to one target.
 *
 * @param progress 0.0-1.0; 1.0 once complete
 * @param dataTransferred logical bytes of the blocks that differed from the target's baseline
 * @param physicalBytesWritten bytes that crossed the wire (compressed chunks the target lacked)
 */
public record PgTransferRecord(
        String snapshotName,
        String targetArray,
        long startedEpochMillis,
        long completedEpochMillis,
        double progress,
        long dataTransferred,
        long physicalBytesWritten) {
}
