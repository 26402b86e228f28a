package io.purebridge.engine.array;

import io.purebridge.engine.error.EngineException;

/**
 * QoS limits of a volume or volume group; a null limit is unlimited.
 *
 * @param bandwidthBytesPerSecond {@value #MIN_BANDWIDTH}..{@value #MAX_BANDWIDTH} bytes/s, or null
 * @param iops {@value #MIN_IOPS}..{@value #MAX_IOPS} I/O operations per second, or null
 */
public record QosLimits(Long bandwidthBytesPerSecond, Long iops) {
    public static final long MIN_BANDWIDTH = 1_048_576L;
    public static final long MAX_BANDWIDTH = 549_755_813_888L;
    public static final long MIN_IOPS = 100L;
    public static final long MAX_IOPS = 100_000_000L;
    public static final QosLimits UNLIMITED = new QosLimits(null, null);

    public boolean unlimited() {
        return bandwidthBytesPerSecond == null && iops == null;
    }

    /** These limits with the bandwidth limit replaced (null clears it). */
    public QosLimits withBandwidth(Long bytesPerSecond) {
        return new QosLimits(bytesPerSecond, iops);
    }

    /** These limits with the IOPS limit replaced (null clears it). */
    public QosLimits withIops(Long limit) {
        return new QosLimits(bandwidthBytesPerSecond, limit);
    }

    /**
     * Checks the FlashArray ranges.
     *
     * @param owner the volume or group the limits are for, for the message
     * @throws EngineException INVALID_ARGUMENT naming the field and its range
     */
    public QosLimits check(String owner) {
        if (bandwidthBytesPerSecond != null
                && (bandwidthBytesPerSecond < MIN_BANDWIDTH || bandwidthBytesPerSecond > MAX_BANDWIDTH)) {
            throw EngineException.invalidArgument("QOS_BANDWIDTH_OUT_OF_RANGE", "QoS bandwidth_limit "
                    + bandwidthBytesPerSecond + " for " + owner + " is out of range: use " + MIN_BANDWIDTH + ".."
                    + MAX_BANDWIDTH + " bytes per second, or no limit.");
        }
        if (iops != null && (iops < MIN_IOPS || iops > MAX_IOPS)) {
            throw EngineException.invalidArgument("QOS_IOPS_OUT_OF_RANGE", "QoS iops_limit " + iops + " for " + owner
                    + " is out of range: use " + MIN_IOPS + ".." + MAX_IOPS + ", or no limit.");
        }
        return this;
    }
}
