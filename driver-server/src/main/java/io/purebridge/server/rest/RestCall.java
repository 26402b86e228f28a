package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed API call: method, resource path (after {@code /api/<version>/}), query parameters
 * (list values split on commas and then percent-decoded) and the JSON body, if any.
 */
final class RestCall {
    private final String method;
    private final String resource;
    private final Map<String, List<String>> query;
    private final ObjectNode body;

    RestCall(String method, String resource, Map<String, List<String>> query, ObjectNode body) {
        this.method = method;
        this.resource = resource;
        this.query = new LinkedHashMap<>(query);
        this.body = body;
    }

    String method() {
        return method;
    }

    String resource() {
        return resource;
    }

    Map<String, List<String>> query() {
        return query;
    }

    /** The body, or null when the request had none. */
    ObjectNode body() {
        return body;
    }

    boolean has(String param) {
        return query.containsKey(param);
    }

    /** A list parameter, empty when absent. */
    List<String> list(String param) {
        return query.getOrDefault(param, List.of());
    }

    /** A single-valued parameter, or null. */
    String single(String param) {
        List<String> values = query.get(param);
        if (values == null) {
            return null;
        }
        if (values.size() != 1) {
            throw FaRestError.badRequest(null, "Invalid value for parameter " + param + ": expected one value.");
        }
        return values.get(0);
    }

    Boolean bool(String param) {
        String v = single(param);
        if (v == null) {
            return null;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.valueOf(v.toLowerCase(java.util.Locale.ROOT));
        }
        throw FaRestError.badRequest(null, "Invalid value for parameter " + param + ": '" + v
                + "' is not true or false.");
    }

    Long number(String param) {
        String v = single(param);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw FaRestError.badRequest(null, "Invalid value for parameter " + param + ": '" + v
                    + "' is not a non-negative integer.");
        }
    }

    /** Rejects query parameters this operation does not take. */
    void allowParams(Set<String> allowed) {
        for (String key : query.keySet()) {
            if (!allowed.contains(key) && !IGNORED_PARAMS.contains(key)) {
                throw FaRestError.badRequest(null, "Invalid parameter: " + key
                        + " is not a supported query parameter of " + method + " /" + resource + ".");
            }
        }
    }

    /** Rejects body fields this operation does not take; nested objects by dotted prefix. */
    void allowFields(Set<String> allowed) {
        if (body != null && body.has(Bodies.LIST_BODY)) {
            throw FaRestError.badRequest(null, "Invalid request body: expected a JSON object.");
        }
        if (body != null) {
            checkFields(body, "", allowed);
        }
    }

    private static void checkFields(JsonNode node, String prefix, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            String path = prefix + name;
            if (!allowed.contains(path)) {
                throw FaRestError.badRequest(null, "Invalid parameter: field '" + path
                        + "' is unknown or not supported here.");
            }
            JsonNode child = node.get(name);
            if (child.isObject() && hasNested(allowed, path)) {
                checkFields(child, path + ".", allowed);
            }
        }
    }

    private static boolean hasNested(Set<String> allowed, String path) {
        for (String a : allowed) {
            if (a.startsWith(path + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Exactly one of names or ids (when ids are supported) must be given. */
    List<String> requiredNames() {
        return required("names");
    }

    List<String> requiredSourceNames() {
        return required("source_names");
    }

    private List<String> required(String param) {
        List<String> values = new ArrayList<>(list(param));
        if (values.isEmpty()) {
            throw FaRestError.badRequest(null, "Missing parameter: " + param + " is required.");
        }
        return values;
    }

    // Fleet parameters of 2.38+ that a single simulated array can ignore.
    private static final Set<String> IGNORED_PARAMS = Set.of("context_names", "allow_errors");
}
