package io.purebridge.engine.array;

/**
 * REST {@code replication_schedule}; units as REST 2.x: milliseconds.
 *
 * @param frequencyMs how often a snapshot is taken and replicated
 * @param blackoutStartMs start of the daily blackout window, ms since midnight UTC; equal to
 *     {@code blackoutEndMs} for no blackout
 * @param blackoutEndMs end of the window (exclusive); a window may wrap midnight
 */
public record ReplicationSchedule(boolean enabled, long frequencyMs, long blackoutStartMs, long blackoutEndMs) {
    public static final long DAY_MS = 86_400_000L;

    public ReplicationSchedule {
        if (frequencyMs <= 0) {
            throw new IllegalArgumentException("replication frequency must be positive, got " + frequencyMs + " ms");
        }
        if (blackoutStartMs < 0 || blackoutStartMs >= DAY_MS || blackoutEndMs < 0 || blackoutEndMs >= DAY_MS) {
            throw new IllegalArgumentException("blackout times are ms since midnight (0-86399999)");
        }
    }

    public static ReplicationSchedule every(long frequencyMs, boolean enabled) {
        return new ReplicationSchedule(enabled, frequencyMs, 0, 0);
    }

    /** True when {@code epochMillis} lies inside the daily blackout window. */
    public boolean inBlackout(long epochMillis) {
        if (blackoutStartMs == blackoutEndMs) {
            return false;
        }
        long t = Math.floorMod(epochMillis, DAY_MS);
        return blackoutStartMs < blackoutEndMs ? t >= blackoutStartMs && t < blackoutEndMs
                : t >= blackoutStartMs || t < blackoutEndMs;
    }
}
