package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.util.Map;

/**
 * Sizes and limits of an offload target. The defaults follow the measurements in the S3 notes:
 * 16 MiB objects written as independent PUTs are about twice as fast as one big multipart upload
 * on a filesystem-backed server, and 4 requests in flight is the knee on 2 cores.
 *
 * @param packBytes target size of one chunk pack object
 * @param partBytes multipart part size (objects larger than this go multipart; at least 5 MiB)
 * @param concurrency requests in flight
 * @param iaThresholdDays retention above which retention-based placement picks STANDARD_IA
 * @param leaseMillis an offload or sweep marker older than this (not renewed) counts as dead
 * @param graceMillis an unreferenced pack younger than this is never collected
 * @param maxAttempts attempts per request (SDK retries plus content-verification retries)
 */
public record OffloadTuning(
        int packBytes, int partBytes, int concurrency, long iaThresholdDays, long leaseMillis, long graceMillis,
        int maxAttempts) {
    public static final int MIN_PART = 5 << 20;
    public static final int MAX_PARTS = 10_000;

    public OffloadTuning {
        if (packBytes < (1 << 20) || partBytes < MIN_PART || concurrency < 1 || maxAttempts < 1) {
            throw EngineException.invalidArgument("OFFLOAD_TUNING_INVALID", "offload tuning: pack_mib must be >= 1,"
                    + " part_mib >= 5, concurrency >= 1 and max_attempts >= 1");
        }
    }

    public static OffloadTuning defaults() {
        return new OffloadTuning(16 << 20, 16 << 20, 4, 30, 10 * 60_000L, 60 * 60_000L, 10);
    }

    static OffloadTuning fromConfig(String target, Map<String, String> s) {
        OffloadTuning d = defaults();
        return new OffloadTuning(
                mib(target, s, "pack_mib", d.packBytes),
                mib(target, s, "part_mib", d.partBytes),
                (int) num(target, s, "concurrency", d.concurrency),
                num(target, s, "ia_threshold_days", d.iaThresholdDays),
                num(target, s, "lease_seconds", d.leaseMillis / 1000) * 1000,
                num(target, s, "gc_grace_seconds", d.graceMillis / 1000) * 1000,
                (int) num(target, s, "max_attempts", d.maxAttempts));
    }

    /** Part size for an object of {@code size} bytes: at least size / 10,000 so S3's part limit holds. */
    public long partSizeFor(long size) {
        long min = (size + MAX_PARTS - 1) / MAX_PARTS;
        long mib = 1 << 20;
        return Math.max(partBytes, (min + mib - 1) / mib * mib);
    }

    private static int mib(String target, Map<String, String> s, String key, int dflt) {
        return (int) Math.min(Integer.MAX_VALUE, num(target, s, key, dflt >> 20) << 20);
    }

    private static long num(String target, Map<String, String> s, String key, long dflt) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("OFFLOAD_TUNING_INVALID", "offload target " + target + ": " + key
                    + " = '" + v + "' must be a non-negative whole number");
        }
    }

    public OffloadTuning withPack(int pack, int part) {
        return new OffloadTuning(pack, part, concurrency, iaThresholdDays, leaseMillis, graceMillis, maxAttempts);
    }

    public OffloadTuning withTimes(long lease, long grace) {
        return new OffloadTuning(packBytes, partBytes, concurrency, iaThresholdDays, lease, grace, maxAttempts);
    }
}
