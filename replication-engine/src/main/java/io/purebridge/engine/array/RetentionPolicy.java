package io.purebridge.engine.array;

/**
 * REST {@code RetentionPolicy}: keep every snapshot for {@code allForSec} seconds, then
 * {@code perDay} snapshots per day for {@code days} more days; older ones are eradicated.
 */
public record RetentionPolicy(long allForSec, int perDay, int days) {
    public RetentionPolicy {
        if (allForSec < 0 || perDay < 0 || days < 0) {
            throw new IllegalArgumentException("retention values must not be negative: all_for_sec=" + allForSec
                    + ", per_day=" + perDay + ", days=" + days);
        }
    }

    /** Cinder's defaults (pure_replica_retention_*): 4 hours, then 3 per day for 7 days. */
    public static RetentionPolicy cinderDefault() {
        return new RetentionPolicy(14_400, 3, 7);
    }
}
