package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A successful answer: a 200 body (null for DELETE's empty body) and, for a paged listing, the
 * continuation token also sent as the {@code x-next-token} header.
 */
record Reply(ObjectNode body, String nextToken) {
    static Reply items(List<ObjectNode> items) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode array = body.putArray("items");
        items.forEach(array::add);
        return new Reply(body, null);
    }

    static Reply empty() {
        return new Reply(null, null);
    }
}
