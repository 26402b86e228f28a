package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * REST 2.x items to SPI records and back, and the lookups every part of {@link RestFlashArray}
 * shares (find one by name, list-or-empty, eradicate-if-present).
 */
final class RestMapping {
    static final long DEFAULT_ERADICATION_DELAY_MS = 86_400_000L;

    private final RestSession session;
    private final Clock clock;
    /** The array's eradication delay, once read (GET /arrays); until then the default. */
    volatile Long eradicationDelayMs;

    RestMapping(RestSession session, Clock clock) {
        this.session = session;
        this.clock = clock;
    }

    Optional<JsonNode> findOne(String resource, String name, String what) {
        try {
            JsonNode items = session.call("GET", resource, RestQuery.of().add("names", name), null, what).path("items");
            for (JsonNode item : items) {
                if (name.equals(item.path("name").asText())) {
                    return Optional.of(item);
                }
            }
            return Optional.empty();
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A listing filtered by names; the array answers "does not exist" for a missing name, the SPI wants []. */
    List<JsonNode> listOrEmpty(String resource, RestQuery query, String what) {
        try {
            return session.list(resource, query, what);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    /** The value, or the read's own exception (an EngineException is not wrapped). */
    static <T> T join(CompletableFuture<T> pending) {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    JsonNode single(JsonNode response, String name) {
        return session.single(response, name);
    }

    JsonNode first(List<JsonNode> items, String resource) {
        if (items.isEmpty()) {
            throw EngineException.internal("EMPTY_ARRAY_RESPONSE", "Array " + session.sanIp()
                    + " returned no item for GET /" + resource + ".", null);
        }
        return items.get(0);
    }

    VolumeRecord volume(JsonNode v) {
        boolean destroyed = v.path("destroyed").asBoolean(false);
        return new VolumeRecord(v.path("name").asText(), v.path("id").asText(""), v.path("serial").asText(""),
                v.path("provisioned").asLong(), text(v.path("source"), "name"), destroyed,
                v.path("created").asLong(0), destroyedAt(v, destroyed));
    }

    SnapshotRecord snapshot(JsonNode s) {
        boolean destroyed = s.path("destroyed").asBoolean(false);
        String name = s.path("name").asText();
        String suffix = s.hasNonNull("suffix") ? s.path("suffix").asText() : name.substring(name.lastIndexOf('.') + 1);
        String source = text(s.path("source"), "name");
        if (source == null) {
            source = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        }
        return new SnapshotRecord(name, s.path("id").asText(""), s.path("serial").asText(""), source, suffix,
                s.path("provisioned").asLong(), destroyed, s.path("created").asLong(0), destroyedAt(s, destroyed));
    }

    /** REST reports time_remaining; the SPI wants when it was destroyed. */
    long destroyedAt(JsonNode o, boolean destroyed) {
        if (!destroyed) {
            return 0;
        }
        if (!o.hasNonNull("time_remaining")) {
            return clock.millis();
        }
        Long delay = eradicationDelayMs;
        long d = delay == null ? DEFAULT_ERADICATION_DELAY_MS : delay;
        return clock.millis() - (d - o.path("time_remaining").asLong());
    }

    static HostRecord host(JsonNode h) {
        JsonNode chap = h.path("chap");
        return new HostRecord(h.path("name").asText(), strings(h.path("iqns")), strings(h.path("wwns")),
                strings(h.path("nqns")), text(h, "personality"), text(chap, "host_user"),
                text(chap, "host_password"), h.path("connection_count").asInt(0));
    }

    static ConnectionRecord connection(JsonNode c) {
        return new ConnectionRecord(c.path("host").path("name").asText(), c.path("volume").path("name").asText(),
                c.path("lun").asInt());
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? null : n.asText();
    }

    static ObjectNode obj() {
        return RestSession.JSON.createObjectNode();
    }

    static void putList(ObjectNode body, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = body.putArray(field);
            values.forEach(a::add);
        }
    }

    void eradicate(String resource, String name, String what) {
        try {
            session.call("DELETE", resource, RestQuery.of().add("names", name), null, what);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
    }
}
