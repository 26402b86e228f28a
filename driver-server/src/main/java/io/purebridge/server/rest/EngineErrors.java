package io.purebridge.server.rest;

import io.purebridge.engine.error.EngineException;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Engine errors as the FlashArray reports them: 400 with the message fragments clients match on
 * ("does not exist", "already exists", "has been destroyed", "cannot be deleted due to existing
 * connections"), 503 when the array cannot serve now, 500 only for engine bugs.
 */
final class EngineErrors {
    private EngineErrors() {
    }

    /**
     * Runs {@code action} on each name in order; the first engine failure becomes the REST error
     * about that name (earlier names stay done, as on a FlashArray).
     */
    static void forEachName(Collection<String> names, String kind, Consumer<String> action) {
        for (String name : names) {
            try {
                action.accept(name);
            } catch (EngineException e) {
                throw toRest(e, kind, name);
            }
        }
    }

    /**
     * @param kind what the handler works on, e.g. "Volume"; a reason like HOST_NOT_FOUND overrides it
     * @param context the object name for the error's context, or null
     */
    static FaRestError toRest(EngineException e, String kind, String context) {
        String reason = e.reason().toUpperCase(Locale.ROOT);
        String what = kindOf(reason, kind);
        String detail = e.getMessage() == null ? "" : e.getMessage();
        return switch (e.code()) {
            case NOT_FOUND -> bad(context, reason.contains("NOT_CONNECTED")
                    ? "Host is not connected to volume." : what + " does not exist.", detail);
            case ALREADY_EXISTS -> bad(context, reason.contains("IN_USE")
                    ? "Initiator is already in use." : what + " already exists.", detail);
            case FAILED_PRECONDITION -> {
                if (reason.contains("NOT_DESTROYED")) {
                    yield bad(context, "Cannot eradicate " + what.toLowerCase(Locale.ROOT)
                            + " that has not been destroyed.", detail);
                } else if (reason.contains("DESTROYED")) {
                    yield bad(context, what + " has been destroyed.", detail);
                } else if (reason.contains("CONNECT")) {
                    yield bad(context, what + " cannot be deleted due to existing connections.", detail);
                }
                yield bad(context, null, detail);
            }
            case OUT_OF_RANGE -> bad(context, reason.contains("SHRINK") || reason.contains("TRUNCAT")
                    ? "Implicit truncation not permitted." : null, detail);
            case RESOURCE_EXHAUSTED -> bad(context, "Resource limit reached.", detail);
            case UNAVAILABLE -> new FaRestError(503, context, detail);
            case INTERNAL -> new FaRestError(500, context, "Internal error: " + detail);
            default -> bad(context, null, detail);
        };
    }

    private static FaRestError bad(String context, String canonical, String detail) {
        if (canonical == null) {
            return FaRestError.badRequest(context, detail);
        }
        String fragment = canonical.substring(canonical.indexOf(' ') + 1, canonical.length() - 1)
                .toLowerCase(Locale.ROOT);
        if (detail.toLowerCase(Locale.ROOT).contains(fragment) || detail.isEmpty()) {
            return FaRestError.badRequest(context, detail.isEmpty() ? canonical : detail);
        }
        return FaRestError.badRequest(context, canonical + " " + detail);
    }

    private static String kindOf(String reason, String kind) {
        if (reason.startsWith("VOLUME_GROUP_")) {
            return "Volume group";
        }
        if (reason.startsWith("VOLUME_")) {
            return "Volume";
        }
        if (reason.startsWith("SNAPSHOT_")) {
            return "Snapshot";
        }
        if (reason.startsWith("HOST_")) {
            return "Host";
        }
        if (reason.startsWith("CONNECTION_")) {
            return "Connection";
        }
        if (reason.startsWith("POD_")) {
            return "Pod";
        }
        if (reason.startsWith("PROTECTION_GROUP_") || reason.startsWith("PG_")) {
            return "Protection group";
        }
        return kind;
    }
}
