package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of request-body fields; a wrong type is a 400 naming the field. */
final class Bodies {
    /** Where a request whose body is a JSON list (PUT /volumes/tags/batch) keeps it. */
    static final String LIST_BODY = "<list>";

    private Bodies() {
    }

    /** The body sent as a JSON list, or null when the body was absent or an object. */
    static JsonNode listBody(RestCall call) {
        JsonNode n = call.body() == null ? null : call.body().get(LIST_BODY);
        if (call.body() != null && n == null && call.body().size() > 0) {
            throw FaRestError.badRequest(null, "Invalid request body: expected a JSON list.");
        }
        return n;
    }

    static ObjectNode require(RestCall call) {
        if (call.body() == null) {
            throw FaRestError.badRequest(null, "Missing request body for " + call.method() + " /" + call.resource() + ".");
        }
        return call.body();
    }

    static Long longField(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected an integer.");
        }
        return n.asLong();
    }

    static Boolean boolField(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected true or false.");
        }
        return n.asBoolean();
    }

    static String textField(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected a string.");
        }
        return n.asText();
    }

    static ObjectNode objectField(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected an object.");
        }
        return (ObjectNode) n;
    }

    static List<String> stringList(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected a list of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw FaRestError.badRequest(null, "Invalid value for " + field + ": expected a list of strings.");
            }
            out.add(e.asText());
        }
        return out;
    }
}
