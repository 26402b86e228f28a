package io.purebridge.engine.cinder;

import io.purebridge.engine.error.EngineException;
import java.util.Locale;
import java.util.Map;

/** How a volume type asks to be replicated (extra specs replication_enabled / replication_type). */
public enum ReplicationMode {
    NONE,
    ASYNC,
    SYNC,
    TRISYNC;

    public static final String REPLICATION_ENABLED = "replication_enabled";
    public static final String REPLICATION_TYPE = "replication_type";

    /**
     * {@code replication_enabled='<is> True'} makes a type replicated, async unless
     * {@code replication_type} says {@code <in> sync} or {@code <in> trisync}. Upstream silently
     * treats an unknown replication_type as "not replicated"; that hides a typo, so it is rejected.
     */
    public static ReplicationMode fromExtraSpecs(Map<String, String> extraSpecs) {
        String enabled = extraSpecs.get(REPLICATION_ENABLED);
        if (enabled == null || !stripOperator(enabled, "<is>").equalsIgnoreCase("true")) {
            return NONE;
        }
        String type = extraSpecs.get(REPLICATION_TYPE);
        if (type == null) {
            return ASYNC;
        }
        return switch (stripOperator(type, "<in>").toLowerCase(Locale.ROOT)) {
            case "async" -> ASYNC;
            case "sync" -> SYNC;
            case "trisync" -> TRISYNC;
            default -> throw EngineException.invalidArgument("UNKNOWN_REPLICATION_TYPE",
                    "Volume type extra spec replication_type='" + type
                            + "' is unknown; use '<in> async', '<in> sync' or '<in> trisync'.");
        };
    }

    private static String stripOperator(String value, String operator) {
        String trimmed = value.trim();
        return trimmed.startsWith(operator) ? trimmed.substring(operator.length()).trim() : trimmed;
    }
}
