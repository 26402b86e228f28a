package io.purebridge.engine.sim;

import io.purebridge.engine.array.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * REST retention, exactly: keep every snapshot younger than {@code all_for_sec}; of those older,
 * up to {@code all_for_sec + days} days, keep {@code per_day} per UTC day of creation; eradicate the
 * rest. Which ones survive in a day is not documented by Pure; here: evenly spaced by position,
 * always including the day's newest, deterministic.
 */
final class Retention {
    static final long DAY_MS = 86_400_000L;

    private Retention() {
    }

    /** A snapshot to judge: its name and creation time. */
    record Item(String name, long createdEpochMillis) {
    }

    /** Names of the items the policy eradicates at {@code now}. */
    static List<String> expired(List<Item> items, RetentionPolicy policy, long now) {
        long allForMs = policy.allForSec() * 1000L;
        long horizon = allForMs + policy.days() * DAY_MS;
        List<String> out = new ArrayList<>();
        Map<Long, List<Item>> perDay = new TreeMap<>();
        for (Item it : items) {
            long age = now - it.createdEpochMillis();
            if (age < allForMs) {
                continue;
            }
            if (age >= horizon) {
                out.add(it.name());
            } else {
                perDay.computeIfAbsent(Math.floorDiv(it.createdEpochMillis(), DAY_MS), d -> new ArrayList<>()).add(it);
            }
        }
        for (List<Item> day : perDay.values()) {
            day.sort((a, b) -> a.createdEpochMillis() != b.createdEpochMillis()
                    ? Long.compare(a.createdEpochMillis(), b.createdEpochMillis()) : a.name().compareTo(b.name()));
            boolean[] keep = keepEvenly(day.size(), policy.perDay());
            for (int i = 0; i < day.size(); i++) {
                if (!keep[i]) {
                    out.add(day.get(i).name());
                }
            }
        }
        return out;
    }

    /** {@code n} positions of {@code k}, evenly spaced, the last always included. */
    static boolean[] keepEvenly(int k, int n) {
        boolean[] keep = new boolean[k];
        if (n <= 0 || k == 0) {
            return keep;
        }
        if (n >= k) {
            java.util.Arrays.fill(keep, true);
            return keep;
        }
        if (n == 1) {
            keep[k - 1] = true;
            return keep;
        }
        for (int i = 0; i < n; i++) {
            keep[(int) Math.round((double) i * (k - 1) / (n - 1))] = true;
        }
        return keep;
    }
}
