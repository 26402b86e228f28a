package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code names}/{@code ids}/{@code destroyed} selection on a collection GET: every name asked for
 * must match an object in the requested state, else 400 "does not exist", as on the array.
 */
final class Selection {
    private Selection() {
    }

    static List<ObjectNode> select(RestCall call, List<ObjectNode> all, String kind) {
        List<String> names = call.list("names");
        List<String> ids = call.list("ids");
        if (!names.isEmpty() && !ids.isEmpty()) {
            throw FaRestError.badRequest(null, "Invalid parameters: names and ids cannot be used together.");
        }
        Boolean destroyed = call.bool("destroyed");
        List<ObjectNode> out = new ArrayList<>();
        if (names.isEmpty() && ids.isEmpty()) {
            for (ObjectNode o : all) {
                if (destroyed == null || o.path("destroyed").asBoolean(false) == destroyed) {
                    out.add(o);
                }
            }
            return out;
        }
        String field = names.isEmpty() ? "id" : "name";
        Set<ObjectNode> picked = new LinkedHashSet<>();
        for (String wanted : names.isEmpty() ? ids : names) {
            Glob glob = wanted.contains("*") ? Glob.compile(wanted) : null;
            boolean found = false;
            for (ObjectNode o : all) {
                String value = o.path(field).asText();
                if (glob == null ? value.equals(wanted) : glob.matches(value)) {
                    boolean isDestroyed = o.path("destroyed").asBoolean(false);
                    if (destroyed != null && isDestroyed != destroyed) {
                        if (glob == null) {
                            throw FaRestError.badRequest(wanted, destroyed
                                    ? kind + " '" + wanted + "' is not destroyed."
                                    : kind + " '" + wanted + "' has been destroyed.");
                        }
                        continue;
                    }
                    picked.add(o);
                    found = true;
                }
            }
            if (!found && glob == null) {
                throw FaRestError.badRequest(wanted, kind + " does not exist.");
            }
        }
        out.addAll(picked);
        return out;
    }

}
