package io.purebridge.server.rest;

import io.purebridge.engine.array.FlashArray;
import java.time.Clock;

/**
 * What a resource handler works with: the array behind this endpoint, its name, the clock and the
 * eradication delay used for {@code time_remaining}.
 */
record ArrayContext(String arrayName, FlashArray array, Clock clock, long eradicationDelayMs) {
}
