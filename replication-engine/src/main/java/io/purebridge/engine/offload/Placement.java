package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.util.Locale;

/**
 * FlashArray's placement strategies for AWS targets. {@code retention-based} sends data kept
 * longer than a threshold (default 30 days, S3 STANDARD_IA's minimum storage duration) to
 * STANDARD_IA and the rest to STANDARD.
 */
public enum Placement {
    RETENTION_BASED("retention-based"),
    AWS_STANDARD_CLASS("aws-standard-class"),
    AWS_INTELLIGENT_TIERING("aws-intelligent-tiering");

    private final String text;

    Placement(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static Placement parse(String value) {
        if (value == null || value.isBlank()) {
            return RETENTION_BASED;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Placement p : values()) {
            if (p.text.equals(v)) {
                return p;
            }
        }
        throw EngineException.invalidArgument("OFFLOAD_PLACEMENT_INVALID", "placement '" + value
                + "' is not known: use retention-based, aws-standard-class or aws-intelligent-tiering");
    }

    /** The S3 storage class for objects of a snapshot kept {@code retentionDays}. */
    public String storageClass(long retentionDays, long iaThresholdDays) {
        return switch (this) {
            case RETENTION_BASED -> retentionDays > iaThresholdDays ? "STANDARD_IA" : "STANDARD";
            case AWS_STANDARD_CLASS -> "STANDARD";
            case AWS_INTELLIGENT_TIERING -> "INTELLIGENT_TIERING";
        };
    }
}
