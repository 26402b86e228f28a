package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a FlashArray error response into an EngineException. Arrays answer every business error
 * with 400 and {@code {"errors":[{"context","message"}]}}; the category is only in the message
 * text, so this matches the fragments the upstream driver matches on. More specific fragments are
 * tried first ("has not been destroyed" before "has been destroyed").
 */
public final class RestErrors {
    /** Reason for an object that is destroyed and waiting for eradication. */
    public static final String DESTROYED = "DESTROYED";
    public static final String HAS_CONNECTIONS = "HAS_CONNECTIONS";
    public static final String NOT_DESTROYED = "NOT_DESTROYED";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern POD_NOT_FOUND =
            Pattern.compile("(^|[^:a-z0-9_-])pod( [^ ]+)? does not exist");

    private record Rule(String fragment, ErrorCode code, String reason) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule("not been destroyed", ErrorCode.FAILED_PRECONDITION, NOT_DESTROYED),
            new Rule("exceeds the", ErrorCode.OUT_OF_RANGE, "SIZE_TOO_LARGE"),
            new Rule("has been destroyed", ErrorCode.FAILED_PRECONDITION, DESTROYED),
            new Rule("existing connections", ErrorCode.FAILED_PRECONDITION, HAS_CONNECTIONS),
            new Rule("is not empty", ErrorCode.FAILED_PRECONDITION, "NOT_EMPTY"),
            new Rule("already exists", ErrorCode.ALREADY_EXISTS, "ALREADY_EXISTS"),
            new Rule("already in use", ErrorCode.ALREADY_EXISTS, "ALREADY_IN_USE"),
            new Rule("already belongs to", ErrorCode.ALREADY_EXISTS, "ALREADY_BELONGS"),
            // Replication: the reasons the engine uses, so callers can tell a missing pod from a missing
            // volume. "cannot be a target of" is the simulator's wording (a real array's is unverified).
            new Rule("cannot be a target of", ErrorCode.INVALID_ARGUMENT, "TARGET_IS_SOURCE"),
            new Rule("does not exist", ErrorCode.NOT_FOUND, "NOT_FOUND"),
            new Rule("no such volume or snapshot", ErrorCode.NOT_FOUND, "NOT_FOUND"),
            new Rule("could not be found", ErrorCode.NOT_FOUND, "NOT_FOUND"),
            new Rule("is not connected", ErrorCode.NOT_FOUND, "NOT_CONNECTED"),
            new Rule("truncat", ErrorCode.OUT_OF_RANGE, "SHRINK_NEEDS_TRUNCATE"),
            new Rule("limit reached", ErrorCode.RESOURCE_EXHAUSTED, "LIMIT_REACHED"),
            new Rule("maximum number", ErrorCode.RESOURCE_EXHAUSTED, "LIMIT_REACHED"),
            new Rule("out of space", ErrorCode.RESOURCE_EXHAUSTED, "OUT_OF_SPACE"));

    private RestErrors() {
    }

    /** The messages of an error body, or the raw body (cut short) if it is not the envelope. */
    public static List<String> messages(String body) {
        List<String> out = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode errors = root.path("errors");
            for (JsonNode e : errors) {
                String context = e.path("context").isTextual() ? e.path("context").asText() : null;
                String message = e.path("message").asText("");
                out.add(context == null || context.isEmpty() || message.contains(context)
                        ? message : context + ": " + message);
            }
            if (out.isEmpty() && root.path("message").isTextual()) {
                out.add(root.path("message").asText());
            }
        } catch (IOException e) {
            out.add(body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
        return out;
    }

    /**
     * The exception for a non-2xx answer.
     *
     * @param what the operation and object, e.g. "create volume 'v1'"
     * @param sanIp the array, named in every message
     */
    public static EngineException toException(int status, String body, String what, String sanIp) {
        List<String> messages = messages(body);
        String detail = messages.isEmpty() ? "no error details" : String.join("; ", messages);
        String where = " (array " + sanIp + ", HTTP " + status + ")";
        if (status == 401) {
            return new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_REJECTED", "Array " + sanIp
                    + " refused the API token while trying to " + what + "; check pure_api_token / api_token "
                    + "in cinder.conf.");
        }
        if (status == 403) {
            return new EngineException(ErrorCode.UNAUTHENTICATED, "PERMISSION_DENIED", "Array " + sanIp
                    + " denied permission to " + what + ": " + detail + "; use an API token of an array "
                    + "admin user.");
        }
        if (status == 429 || status >= 502) {
            return new EngineException(ErrorCode.UNAVAILABLE, "ARRAY_BUSY", "Array " + sanIp
                    + " could not " + what + " now: " + detail + where + "; retry later.");
        }
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("already exists") && lower.contains("has been destroyed")) {
            // Creating over a destroyed object's name: the name is taken until eradication.
            return new EngineException(ErrorCode.ALREADY_EXISTS, DESTROYED, "Cannot " + what + ": " + detail + where
                    + "; eradicate the destroyed object or recover it.");
        }
        if (POD_NOT_FOUND.matcher(lower).find()) {
            return new EngineException(ErrorCode.NOT_FOUND, "POD_NOT_FOUND", "Cannot " + what + ": " + detail + where);
        }
        for (Rule rule : RULES) {
            if (lower.contains(rule.fragment())) {
                return new EngineException(rule.code(), rule.reason(), "Cannot " + what + ": " + detail + where);
            }
        }
        if (status == 404) {
            return new EngineException(ErrorCode.UNIMPLEMENTED, "ENDPOINT_NOT_SUPPORTED", "Array " + sanIp
                    + " does not support the request to " + what + ": " + detail + where
                    + "; the array's Purity version may be too old.");
        }
        if (status >= 500) {
            return new EngineException(ErrorCode.INTERNAL, "ARRAY_INTERNAL_ERROR", "Array " + sanIp
                    + " failed to " + what + ": " + detail + where + "; check the array's health.");
        }
        return new EngineException(ErrorCode.INVALID_ARGUMENT, "ARRAY_REJECTED_REQUEST", "Cannot " + what
                + ": " + detail + where);
    }
}
