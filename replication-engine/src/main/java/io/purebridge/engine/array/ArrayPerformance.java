package io.purebridge.engine.array;

/**
 * One sample of an array's front-end performance over an interval, in the units of FlashArray's
 * {@code ArrayPerformance}: rates per second, latencies in microseconds per operation.
 *
 * <p>{@code usecPer*Op} is the whole time an operation spent in the array (queue plus service, no
 * SAN time); {@code queueUsecPer*Op} the part spent waiting before being served. Mirrored writes
 * (writes to a pod stretched to a peer) are also counted in the write figures. {@code queueDepth}
 * is the average number of operations in the array over the interval.
 *
 * @param timeMs start of the interval, milliseconds since the epoch
 */
public record ArrayPerformance(
        long timeMs,
        long readsPerSec,
        long writesPerSec,
        long mirroredWritesPerSec,
        long readBytesPerSec,
        long writeBytesPerSec,
        long mirroredWriteBytesPerSec,
        long usecPerReadOp,
        long usecPerWriteOp,
        long usecPerMirroredWriteOp,
        long queueUsecPerReadOp,
        long queueUsecPerWriteOp,
        long queueUsecPerMirroredWriteOp,
        long queueDepth) {

    public long bytesPerRead() {
        return per(readBytesPerSec, readsPerSec);
    }

    public long bytesPerWrite() {
        return per(writeBytesPerSec, writesPerSec);
    }

    public long bytesPerMirroredWrite() {
        return per(mirroredWriteBytesPerSec, mirroredWritesPerSec);
    }

    public long bytesPerOp() {
        return per(readBytesPerSec + writeBytesPerSec, readsPerSec + writesPerSec);
    }

    public long serviceUsecPerReadOp() {
        return Math.max(0, usecPerReadOp - queueUsecPerReadOp);
    }

    public long serviceUsecPerWriteOp() {
        return Math.max(0, usecPerWriteOp - queueUsecPerWriteOp);
    }

    public long serviceUsecPerMirroredWriteOp() {
        return Math.max(0, usecPerMirroredWriteOp - queueUsecPerMirroredWriteOp);
    }

    private static long per(long total, long count) {
        return count == 0 ? 0 : Math.round((double) total / count);
    }
}
