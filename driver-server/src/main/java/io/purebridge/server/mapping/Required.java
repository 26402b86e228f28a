package io.purebridge.server.mapping;

import io.purebridge.engine.error.EngineException;

/**
 * Checks the proto fields marked "Required." The failure is an INVALID_ARGUMENT engine error so it
 * travels through the same status table as every other error; its message names the field by its
 * proto path (e.g. {@code snapshot.volume.name_id}).
 */
public final class Required {
    /** ErrorInfo reason of a missing required field. */
    public static final String FIELD_REQUIRED = "FIELD_REQUIRED";
    /** ErrorInfo reason of an enum left at its UNSPECIFIED value (or a value this build does not know). */
    public static final String ENUM_UNSPECIFIED = "ENUM_UNSPECIFIED";

    private Required() {
    }

    /** Returns {@code value} when it is not empty. */
    public static String text(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw missing(field);
        }
        return value;
    }

    /** Fails unless a message field is set ({@code hasX()}). */
    public static void present(boolean present, String field) {
        if (!present) {
            throw missing(field);
        }
    }

    public static EngineException missing(String field) {
        return EngineException.invalidArgument(FIELD_REQUIRED,
                field + " is required: set it in the request");
    }

    public static EngineException unspecified(String field, String value) {
        return EngineException.invalidArgument(ENUM_UNSPECIFIED,
                field + " is required: got " + value + ", set one of the defined values");
    }
}
