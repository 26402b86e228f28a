package io.purebridge.server.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the front end: picks the array by the connector (one port per array), checks
 * the session, parses the call strictly and writes the FlashArray envelope. Bad input is always a
 * 400 in FlashArray error shape and changes nothing.
 */
final class FlashArrayHttpHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(FlashArrayHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Versions advertised by GET /api/api_version, ascending; any of them works in a path. */
    static final List<String> VERSIONS = versions();

    private final Map<String, Supplier<? extends FlashArray>> arrays;
    private final SessionStore sessions;
    private final RestRoutes routes;
    private final Clock clock;
    private final long eradicationDelayMs;
    private final RestLimits limits;

    FlashArrayHttpHandler(Map<String, Supplier<? extends FlashArray>> arrays, SessionStore sessions, RestRoutes routes,
            Clock clock, long eradicationDelayMs) {
        this(arrays, sessions, routes, clock, eradicationDelayMs, RestLimits.defaults());
    }

    FlashArrayHttpHandler(Map<String, Supplier<? extends FlashArray>> arrays, SessionStore sessions, RestRoutes routes,
            Clock clock, long eradicationDelayMs, RestLimits limits) {
        this.limits = limits;
        this.arrays = Map.copyOf(arrays);
        this.sessions = sessions;
        this.routes = routes;
        this.clock = clock;
        this.eradicationDelayMs = eradicationDelayMs;
    }

    private static List<String> versions() {
        List<String> v = new ArrayList<>();
        for (int minor = 0; minor <= 36; minor++) {
            v.add("2." + minor);
        }
        return List.copyOf(v);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = Optional.ofNullable(request.getHeaders().get("X-Request-ID"))
                .orElse(UUID.randomUUID().toString());
        response.getHeaders().put("X-Request-ID", requestId);
        Connector connector = request.getConnectionMetaData().getConnector();
        String arrayName = connector.getName();
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        Exchange exchange = new Exchange(arrayName, method, path, requestId, response, callback);
        Call call;
        try {
            // Everything the headers decide (path, version, login, session, route) is decided
            // before a byte of the body is read: an unauthenticated client never gets the service
            // to buffer or parse a body (only to drop one within the body limits, after the answer).
            Object decided = route(arrayName, method, path, request, response);
            if (decided instanceof Reply reply) {
                answeredBeforeBody(request, exchange).reply(reply);
                return true;
            }
            call = (Call) decided;
            if (request.getLength() > limits.maxBodyBytes()) {
                throw FaRestError.badRequest(null, "Invalid request body: larger than " + limits.maxBodyBytes()
                        + " bytes.");
            }
        } catch (FaRestError e) {
            answeredBeforeBody(request, exchange).fail(e);
            return true;
        } catch (RuntimeException e) {
            exchange.crash(e);
            return true;
        }
        // No thread waits for a slow body: the rest runs when the last chunk has arrived.
        BodyReader.read(request, limits.maxBodyBytes(), limits.bodyDeadlineMillis(), body -> {
            try {
                exchange.reply(call.run(request, body));
            } catch (FaRestError e) {
                exchange.fail(e);
            } catch (RuntimeException e) {
                exchange.crash(e);
            }
        }, error -> {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            exchange.fail(error);
        });
        return true;
    }

    /**
     * The exchange for an answer given before the body was read. Its connection closes after the
     * answer, so the body is not taken for the next request; until then the body is read and
     * dropped within the body limits ({@link BodyReader#discardThen}), so that a client still
     * sending it gets to read the answer instead of a reset connection.
     */
    private Exchange answeredBeforeBody(Request request, Exchange exchange) {
        long declared = request.getLength();
        if (declared <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            return exchange;
        }
        exchange.response().getHeaders().put(HttpHeader.CONNECTION, "close");
        if (declared > limits.maxBodyBytes()) {
            return exchange;
        }
        return exchange.withCallback(BodyReader.discardThen(request, limits.maxBodyBytes(),
                limits.bodyDeadlineMillis(), exchange.callback()));
    }

    /** One request's answer, written exactly once. */
    private record Exchange(String arrayName, String method, String path, String requestId, Response response,
            Callback callback) {
        Exchange withCallback(Callback then) {
            return new Exchange(arrayName, method, path, requestId, response, then);
        }

        void reply(Reply reply) {
            if (reply.nextToken() != null) {
                response.getHeaders().put("x-next-token", reply.nextToken());
            }
            write(response, callback, 200, reply.body());
            LOG.debug("{}: {} {} -> 200", arrayName, method, path);
        }

        void fail(FaRestError e) {
            write(response, callback, e.status(), errorBody(e.context(), e.getMessage()));
            LOG.debug("{}: {} {} -> {}", arrayName, method, path, e.status());
        }

        void crash(RuntimeException e) {
            LOG.error("{}: {} {} failed", arrayName, method, path, e);
            write(response, callback, 500, errorBody(null, "Internal error in the simulated array; see the "
                    + "service log (request " + requestId + ")."));
        }
    }

    /** An authenticated call to a resource, waiting for its body. */
    private record Call(String arrayName, String method, String resource, ResourceHandler handler,
            Supplier<? extends FlashArray> supplier, FlashArrayHttpHandler owner) {
        Reply run(Request request, String bodyText) {
            RestCall call = new RestCall(method, resource, parseQuery(request.getHttpURI().getQuery()),
                    parseBody(bodyText));
            FlashArray array;
            try {
                array = supplier.get();
            } catch (EngineException e) {
                throw new FaRestError(503, null, "The simulated array is not available: " + e.getMessage());
            }
            try {
                return handler.handle(call, new ArrayContext(arrayName, array, owner.clock, owner.eradicationDelayMs));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Object", null);
            }
        }
    }

    /** A {@link Reply} when the headers alone answer the request, else the {@link Call} to run on its body. */
    private Object route(String arrayName, String method, String path, Request request, Response response) {
        Supplier<? extends FlashArray> supplier = arrays.get(arrayName);
        if (supplier == null) {
            throw new FaRestError(404, null, "No array is served on this port.");
        }
        if (!path.startsWith("/api/")) {
            throw new FaRestError(404, null, "Not found: " + shown(path) + ".");
        }
        String rest = path.substring("/api/".length());
        if (rest.equals("api_version")) {
            requireMethod(method, "GET", path);
            ObjectNode body = JSON.createObjectNode();
            ArrayNode list = body.putArray("version");
            VERSIONS.forEach(list::add);
            return new Reply(body, null);
        }
        int slash = rest.indexOf('/');
        String version = slash < 0 ? rest : rest.substring(0, slash);
        if (!VERSIONS.contains(version)) {
            throw new FaRestError(404, null, "REST version '" + shown(version)
                    + "' is not supported; see /api/api_version.");
        }
        String resource = slash < 0 ? "" : rest.substring(slash + 1);
        while (resource.endsWith("/")) {
            resource = resource.substring(0, resource.length() - 1);
        }
        if (resource.equals("login")) {
            requireMethod(method, "POST", path);
            String token = sessions.login(arrayName, request.getHeaders().get("api-token"));
            if (token == null) {
                throw new FaRestError(401, null, "Authentication failed: the api-token is not valid for this array.");
            }
            response.getHeaders().put("x-auth-token", token);
            ObjectNode body = JSON.createObjectNode();
            body.putArray("items").addObject().put("username", "pureuser");
            return new Reply(body, null);
        }
        if (resource.equals("logout")) {
            requireMethod(method, "POST", path);
            sessions.logout(request.getHeaders().get("x-auth-token"));
            return Reply.empty();
        }
        if (!sessions.check(arrayName, request.getHeaders().get("x-auth-token"))) {
            throw new FaRestError(401, null, "Authentication required: log in with POST /api/" + version
                    + "/login and send the x-auth-token header.");
        }
        String res = resource;
        ResourceHandler handler = routes.find(resource).orElseThrow(() ->
                new FaRestError(404, null, "The resource /" + shown(res) + " is not supported by this simulated array."));
        return new Call(arrayName, method, resource, handler, supplier, this);
    }

    /** Client text quoted in an answer, cut so an answer never grows with the request. */
    static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw new FaRestError(405, null, "Method " + method + " is not supported on " + path + ".");
        }
    }

    /** Splits list values on ',' first and then percent-decodes each element. */
    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode("query parameter name", eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (out.containsKey(key)) {
                throw FaRestError.badRequest(null, "Invalid parameter: " + shown(key) + " is given more than once.");
            }
            List<String> values = new ArrayList<>();
            if (key.equals("filter") || key.equals("continuation_token")) {
                values.add(decode(key, value));
            } else {
                for (String v : value.split(",", -1)) {
                    String d = decode(key, v);
                    if (d.isEmpty()) {
                        throw FaRestError.badRequest(null, "Invalid parameter: " + shown(key) + " has an empty value.");
                    }
                    values.add(d);
                }
            }
            out.put(key, values);
        }
        return out;
    }

    private static String decode(String field, String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw FaRestError.badRequest(null, "Invalid parameter: " + shown(field) + " has bad percent-encoding.");
        }
    }

    private static ObjectNode parseBody(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\\(|\n", 2)[0].trim();
            throw FaRestError.badRequest(null, "Invalid JSON in request body" + at + ": " + shown(why) + ".");
        }
        if (node != null && node.isArray()) {
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set(Bodies.LIST_BODY, node);
            return wrapped;
        }
        if (node == null || !node.isObject()) {
            throw FaRestError.badRequest(null, "Invalid request body: expected a JSON object.");
        }
        return (ObjectNode) node;
    }

    private static ObjectNode errorBody(String context, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putArray("errors").addObject();
        if (context == null) {
            e.putNull("context");
        } else {
            e.put("context", context);
        }
        e.put("message", message);
        return body;
    }

    private static void write(Response response, Callback callback, int status, ObjectNode body) {
        response.setStatus(status);
        if (body == null) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            response.write(true, null, callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body.toString(), callback);
    }
}
