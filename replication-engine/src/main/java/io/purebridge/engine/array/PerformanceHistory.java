package io.purebridge.engine.array;

import java.util.List;

/**
 * Optional capability of an array that reports its front-end I/O performance over time, as
 * FlashArray's {@code GET /arrays/performance} does. Like {@link BlockDataAccess} it is a separate
 * interface, tested with {@code instanceof}.
 */
public interface PerformanceHistory {
    /** The resolutions (milliseconds between samples) array-wide performance accepts, finest first. */
    List<Long> RESOLUTIONS_MS = List.of(1_000L, 30_000L, 300_000L, 1_800_000L, 7_200_000L, 28_800_000L, 86_400_000L);

    /**
     * One sample per {@code resolutionMs} interval (aligned to the resolution) that overlaps the
     * window, oldest first. Arguments follow the REST parameters: a null {@code endTimeMs} means now;
     * a null {@code startTimeMs} means one resolution before the end (the latest sample only); a null
     * {@code resolutionMs} means the finest. Intervals with no recorded history (before the array
     * started counting) are left out, so the list may be empty.
     *
     * @throws io.purebridge.engine.error.EngineException INVALID_ARGUMENT for a resolution not in
     *     {@link #RESOLUTIONS_MS} or an end before the start
     */
    List<ArrayPerformance> performance(Long startTimeMs, Long endTimeMs, Long resolutionMs);
}
