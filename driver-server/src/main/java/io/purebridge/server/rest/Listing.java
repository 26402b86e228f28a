package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A collection GET's answer: filter, sort, then one page ({@code limit}, {@code offset},
 * {@code continuation_token}) in the envelope {@code {items, continuation_token,
 * more_items_remaining, total_item_count}}. The token is opaque Base64 and is only issued when no
 * {@code sort} was asked for, as on the array.
 */
final class Listing {
    /** The standard paging, filtering and sorting parameters of a collection GET. */
    static final Set<String> PAGING_PARAMS =
            Set.of("filter", "limit", "offset", "sort", "continuation_token", "total_item_count");

    private static final String TOKEN_PREFIX = "pb1:";
    /** Largest page served; a larger limit gets this many, as the array does with its maximum. */
    static final long MAX_LIMIT = 10_000;

    private Listing() {
    }

    static Reply page(RestCall call, List<ObjectNode> all) {
        List<ObjectNode> items = new ArrayList<>(all);
        String filter = call.single("filter");
        if (filter != null && !filter.isBlank()) {
            Predicate<JsonNode> p = Filter.parse(filter);
            items.removeIf(p.negate());
        }
        String sort = call.single("sort");
        if (sort != null && !sort.isBlank()) {
            items.sort(comparator(sort));
        }
        // Paging arithmetic in long with every bound clamped first: limit and offset may each be
        // as large as Long.MAX_VALUE and their sum must neither wrap nor reach an int cast.
        long offset = 0;
        String token = call.single("continuation_token");
        if (token != null) {
            offset = decode(token);
        }
        Long off = call.number("offset");
        if (off != null) {
            offset = off;
        }
        Long limit = call.number("limit");
        int size = items.size();
        int from = (int) Math.min(offset, size);
        long pageSize = limit == null ? size : Math.min(limit, MAX_LIMIT);
        int to = (int) Math.min(size, from + Math.min(pageSize, size));
        boolean more = to < items.size();
        String next = more && sort == null ? encode(to) : null;

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode array = body.putArray("items");
        items.subList(from, to).forEach(array::add);
        body.put("continuation_token", next);
        body.put("more_items_remaining", more);
        if (Boolean.TRUE.equals(call.bool("total_item_count"))) {
            body.put("total_item_count", items.size());
        } else {
            body.putNull("total_item_count");
        }
        return new Reply(body, next);
    }

    private static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!s.startsWith(TOKEN_PREFIX)) {
                throw new IllegalArgumentException();
            }
            int n = Integer.parseInt(s.substring(TOKEN_PREFIX.length()));
            if (n < 0) {
                throw new IllegalArgumentException();
            }
            return n;
        } catch (IllegalArgumentException e) {
            throw FaRestError.badRequest(null, "Invalid continuation_token: it was not issued by this array.");
        }
    }

    private static Comparator<ObjectNode> comparator(String sort) {
        Comparator<ObjectNode> result = null;
        for (String key : sort.split(",")) {
            String k = key.trim();
            boolean desc = k.endsWith("-");
            String field = desc ? k.substring(0, k.length() - 1) : k;
            if (!field.matches("[a-z]+(_[a-z]+)*(\\.[a-z]+(_[a-z]+)*)*")) {
                throw FaRestError.badRequest(null, "Invalid sort: '" + k + "' is not a field name.");
            }
            Comparator<ObjectNode> c = Comparator.comparing(n -> at(n, field), Listing::compareValues);
            if (desc) {
                c = c.reversed();
            }
            result = result == null ? c : result.thenComparing(c);
        }
        return result;
    }

    private static JsonNode at(JsonNode node, String dotted) {
        JsonNode n = node;
        for (String part : dotted.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    private static int compareValues(JsonNode a, JsonNode b) {
        boolean aMissing = a.isMissingNode() || a.isNull();
        boolean bMissing = b.isMissingNode() || b.isNull();
        if (aMissing || bMissing) {
            return Boolean.compare(!aMissing, !bMissing);
        }
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        return a.asText().compareTo(b.asText());
    }
}
