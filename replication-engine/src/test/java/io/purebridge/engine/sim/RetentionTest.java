package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** REST retention: all for all_for_sec, then per_day per UTC day for days, then gone. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RetentionTest {
    private static final long HOUR = 3_600_000L;

    /** Hourly snapshots s0..s(n-1), the last one taken at {@code now}. */
    private static List<Retention.Item> hourly(int n, long now) {
        List<Retention.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(new Retention.Item("s" + i, now - (long) (n - 1 - i) * HOUR));
        }
        return items;
    }

    @Test
    void keepsAllThenPerDayThenNothing() {
        long now = Instant.parse("2026-03-10T00:00:00Z").toEpochMilli();
        // 4 h all, then 2 per day for 1 day: s(72-4)..s71 young; older than 4 h + 1 day gone.
        List<String> gone = Retention.expired(hourly(72, now), new RetentionPolicy(4 * 3600, 2, 1), now);
        List<String> kept = hourly(72, now).stream().map(Retention.Item::name).filter(n -> !gone.contains(n)).toList();
        // young: ages 0..3 h -> s68..s71. Per-day window: ages 4 h .. 27 h -> s44..s67, created on
        // 2026-03-08 (s44..s46, 21:00-23:00) and 2026-03-09 (s47..s67, 00:00-20:00): 2 per day, the
        // first and the newest of each day. s43 (28 h) and older are gone.
        assertThat(kept).containsExactly("s44", "s46", "s47", "s67", "s68", "s69", "s70", "s71");
    }

    @Test
    void evenlySpacedChoiceIsDeterministicAndKeepsTheNewest() {
        assertThat(Retention.keepEvenly(5, 1)).containsExactly(false, false, false, false, true);
        assertThat(Retention.keepEvenly(5, 3)).containsExactly(true, false, true, false, true);
        assertThat(Retention.keepEvenly(2, 3)).containsExactly(true, true);
        assertThat(Retention.keepEvenly(3, 0)).containsExactly(false, false, false);
    }

    @Test
    void zeroDaysKeepsOnlyTheAllWindow() {
        long now = Instant.parse("2026-03-10T12:00:00Z").toEpochMilli();
        List<String> gone = Retention.expired(hourly(10, now), new RetentionPolicy(3 * 3600, 5, 0), now);
        assertThat(gone).containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4", "s5", "s6");
    }
}
