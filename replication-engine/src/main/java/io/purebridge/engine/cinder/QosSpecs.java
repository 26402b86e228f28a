package io.purebridge.engine.cinder;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.error.EngineException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A volume type's QoS as upstream reads it (reference §5.1): the associated qos-spec when there is
 * one (it replaces the extra specs, no merge), else the type's extra specs. Keys: {@code maxIOPS},
 * {@code maxBWS} (MB/s), {@code maxIOPS_per_GB}, {@code maxBWS_per_GB} (MB/s per GB); an explicit
 * maximum beats its per-GB form, 0 means no limit.
 *
 * <p>Unlike upstream, a qos-spec is checked whole: an unknown key, a negative or non-integer value
 * is refused naming the key before anything is created (upstream silently ignores such keys). A
 * qos-spec whose consumer is {@code front-end} is Nova's to enforce and is ignored here. Per-GB
 * limits are recomputed for the new size on extend (upstream multiplies by bytes there).
 *
 * @param maxIops maxIOPS, or 0
 * @param maxBandwidthMbs maxBWS in MB/s, or 0
 * @param iopsPerGb maxIOPS_per_GB, or 0
 * @param bandwidthPerGbMbs maxBWS_per_GB in MB/s, or 0
 */
public record QosSpecs(long maxIops, long maxBandwidthMbs, long iopsPerGb, long bandwidthPerGbMbs) {
    public static final String MAX_IOPS = "maxIOPS";
    public static final String MAX_BWS = "maxBWS";
    public static final String MAX_IOPS_PER_GB = "maxIOPS_per_GB";
    public static final String MAX_BWS_PER_GB = "maxBWS_per_GB";
    /** Upstream's keys, in its order. */
    public static final List<String> KEYS = List.of(MAX_IOPS, MAX_BWS, MAX_IOPS_PER_GB, MAX_BWS_PER_GB);
    public static final QosSpecs NONE = new QosSpecs(0, 0, 0, 0);
    private static final long MIB = 1L << 20;
    private static final String FRONT_END = "front-end";

    /** The QoS of a volume type: its qos-spec when one is associated, else its extra specs. */
    public static QosSpecs of(CinderVolume volume) {
        return of(volume.extraSpecs(), volume.qosSpec(), volume.id());
    }

    /**
     * @param qosSpec the associated qos-spec, or null
     * @param owner the Cinder volume (or type) the specs are for, for messages
     */
    public static QosSpecs of(Map<String, String> extraSpecs, VolumeTypeQos qosSpec, String owner) {
        if (qosSpec != null) {
            if (FRONT_END.equals(qosSpec.consumer())) {
                return NONE;
            }
            for (String key : qosSpec.specs().keySet()) {
                if (!KEYS.contains(key)) {
                    throw EngineException.invalidArgument("QOS_SPEC_UNKNOWN_KEY", "qos-spec key '" + key
                            + "' of volume " + owner + " is not one this backend enforces"
                            + (key.equals("minIOPS") ? " (FlashArray QoS has limits only, no minimum IOPS)" : "")
                            + "; use " + String.join(", ", KEYS) + ", or set the qos-spec's consumer to front-end.");
                }
            }
            return parse(qosSpec.specs(), "qos-spec", owner);
        }
        Map<String, String> picked = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (extraSpecs.containsKey(key)) {
                picked.put(key, extraSpecs.get(key));
            }
        }
        return parse(picked, "extra spec", owner);
    }

    private static QosSpecs parse(Map<String, String> specs, String kind, String owner) {
        QosSpecs parsed = new QosSpecs(value(specs, MAX_IOPS, kind, owner), value(specs, MAX_BWS, kind, owner),
                value(specs, MAX_IOPS_PER_GB, kind, owner), value(specs, MAX_BWS_PER_GB, kind, owner));
        // The fixed limits are checked now, so a type the array would refuse creates nothing.
        parsed.limitsFor(1, kind, owner);
        return parsed;
    }

    private static long value(Map<String, String> specs, String key, String kind, String owner) {
        String raw = specs.get(key);
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("QOS_SPEC_NOT_INTEGER", kind + " " + key + "='" + raw
                    + "' of volume " + owner + " is not a whole number; use a non-negative integer (0: no limit).");
        }
        if (value < 0) {
            throw EngineException.invalidArgument("QOS_SPEC_NEGATIVE", kind + " " + key + "=" + value + " of volume "
                    + owner + " is negative; use a non-negative integer (0: no limit).");
        }
        return value;
    }

    public boolean none() {
        return equals(NONE);
    }

    /** The limits depend on the volume's size: they change when it is extended. */
    public boolean perGb() {
        return (iopsPerGb > 0 && maxIops == 0) || (bandwidthPerGbMbs > 0 && maxBandwidthMbs == 0);
    }

    /** The array limits for a volume of {@code sizeGib}. */
    public QosLimits limitsFor(long sizeGib, String owner) {
        return limitsFor(sizeGib, "QoS", owner);
    }

    private QosLimits limitsFor(long sizeGib, String kind, String owner) {
        Long iops = null;
        if (maxIops > 0) {
            iops = checked(maxIops, QosLimits.MIN_IOPS, QosLimits.MAX_IOPS, kind, MAX_IOPS, owner, "");
        } else if (iopsPerGb > 0) {
            // Scaled limits are clipped into the array's range rather than refused at some sizes.
            iops = clip(multiply(iopsPerGb, sizeGib), QosLimits.MIN_IOPS, QosLimits.MAX_IOPS);
        }
        Long bandwidth = null;
        if (maxBandwidthMbs > 0) {
            bandwidth = checked(multiply(maxBandwidthMbs, MIB), QosLimits.MIN_BANDWIDTH, QosLimits.MAX_BANDWIDTH,
                    kind, MAX_BWS, owner, " MB/s (1.." + QosLimits.MAX_BANDWIDTH / MIB + ")");
        } else if (bandwidthPerGbMbs > 0) {
            bandwidth = clip(multiply(multiply(bandwidthPerGbMbs, MIB), sizeGib), QosLimits.MIN_BANDWIDTH,
                    QosLimits.MAX_BANDWIDTH);
        }
        return new QosLimits(bandwidth, iops);
    }

    private static long checked(long value, long min, long max, String kind, String key, String owner, String unit) {
        if (value < min || value > max) {
            long shownMin = unit.isEmpty() ? min : min / MIB;
            long shownMax = unit.isEmpty() ? max : max / MIB;
            throw EngineException.invalidArgument("QOS_SPEC_OUT_OF_RANGE", kind + " " + key + " of volume " + owner
                    + " is out of range: use " + shownMin + ".." + shownMax + (unit.isEmpty() ? "" : " MB/s")
                    + ", or 0 for no limit.");
        }
        return value;
    }

    private static long clip(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Parsed specs of one associated qos-spec, as Cinder hands them to the driver. */
    public record VolumeTypeQos(String consumer, Map<String, String> specs) {
        public VolumeTypeQos {
            consumer = consumer == null ? "" : consumer;
            specs = Map.copyOf(Objects.requireNonNull(specs, "specs"));
        }
    }
}
