package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.InMemoryFlashArray;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * REST fuzzing, kept in the build: 12,000 seeded requests of hostile queries, bodies, paths and
 * methods against the front end's handler (over Jetty's in-memory connector, so the suite stays
 * in seconds). The rules checked on every answer: never a 500, and every 400 says what it refused
 * (a parameter or field of the request, the request body, or the object in its context).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestFuzzTest {
    private static final String ARRAY = "pure-fuzz";
    private static final String TOKEN = "5d0c2f7e-0c1b-4a59-9d8e-6f3a2b1c0d9e";
    private static final long SEED = 0x5EC12L;
    private static final int CASES = 12_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> RESOURCES = List.of("volumes", "volume-snapshots", "volume-groups",
            "volumes/tags", "volumes/tags/batch", "hosts", "connections", "ports", "arrays", "arrays/space",
            "arrays/performance", "pods", "pods/arrays", "protection-groups", "protection-groups/targets",
            "protection-groups/volumes", "protection-group-snapshots", "protection-group-snapshots/transfer",
            "array-connections", "container-default-protections", "offloads", "network-interfaces", "controllers");
    private static final List<String> METHODS = List.of("GET", "POST", "PATCH", "DELETE", "PUT");
    private static final List<String> PARAMS = List.of("names", "ids", "filter", "limit", "offset", "sort",
            "continuation_token", "total_item_count", "destroyed", "host_names", "volume_names", "source_names",
            "group_names", "member_names", "overwrite", "eradicate_contents", "replicate_now", "apply_retention",
            "with_default_protection", "resource_names", "namespaces", "keys", "on", "suffix", "context_names");
    private static final List<String> FIELDS = List.of("provisioned", "destroyed", "name", "source", "qos",
            "qos.bandwidth_limit", "qos.iops_limit", "iqns", "wwns", "nqns", "chap", "chap.host_user",
            "chap.host_password", "personality", "volume_group", "subtype", "replicate_now", "apply_retention",
            "suffix", "key", "value", "namespace", "copyable", "eradicate_contents", "failover_preferences",
            "replication_schedule", "retention", "requested_promotion_state", "default_protections", "pod");
    private static final List<String> EVIL = List.of("", " ", "*", "**", "*a*a*a*a*a*a*a*a*a*ab", "'", "\"",
            "(", ")", "((((", "name=", "name='x' and", "not", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-1", "0", "1e309", "NaN", "true", "false", "null", "%", "%zz", "%00", "\u0000",
            "\uffff", "\ud800", "a".repeat(5_000), "../../etc/passwd", "${jndi:ldap://x}", "<script>", "vol::",
            "::", "pod::v", "v.snap", ".", "-", "a,b,,c", ",", "\r\nX-Injected: 1", "name[all]", "name[x]='a'",
            "contains(name,'a')", "name=('a','b')", "space.total_physical-", "name-,id", "x".repeat(300));

    private Server server;
    private LocalConnector connector;
    private final InMemoryFlashArray array = new InMemoryFlashArray(ARRAY);

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new LocalConnector(server);
        connector.setName(ARRAY);
        server.addConnector(connector);
        server.setErrorHandler(new FlashArrayErrorHandler());
        Map<String, Supplier<? extends FlashArray>> arrays = Map.of(ARRAY, () -> array);
        SessionStore sessions = new SessionStore(Map.of(ARRAY, TOKEN), Clock.systemUTC(), Duration.ofMinutes(5));
        server.setHandler(new FlashArrayHttpHandler(arrays, sessions, RestRoutes.standard(), Clock.systemUTC(),
                86_400_000L, new RestLimits(64 * 1024, 5_000, 30_000, 64, 1024)));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void twelveThousandHostileRequestsNever500AndEveryRejectionSaysWhat() throws Exception {
        String session = login();
        for (String name : List.of("v1", "v2", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")) {
            assertThat(status(send("POST", "/api/2.36/volumes?names=" + name, session, "{\"provisioned\":1048576}")))
                    .isEqualTo(200);
        }
        send("POST", "/api/2.36/hosts?names=h1", session, "{\"iqns\":[\"iqn.1993-08.org.debian:01:abc\"]}");
        Random random = new Random(SEED);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        List<String> crashes = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Case c = nextCase(random);
            HttpTester.Response r = send(c.method, c.target, session, c.body);
            statuses.merge(r.getStatus(), 1, Integer::sum);
            if (r.getStatus() >= 500) {
                crashes.add(c + " -> " + r.getStatus() + " " + r.getContent());
                continue;
            }
            if (r.getStatus() == 400 && !namesWhat(r.getContent(), c)) {
                unexplained.add(c + " -> " + r.getContent());
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(crashes).as("answers of 5xx").isEmpty();
        assertThat(unexplained).as("400s that do not say what they refused").isEmpty();
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CASES);
        // The suite must stay cheap enough to run in every build.
        assertThat(tookMs).as("took %d ms; statuses %s", tookMs, statuses).isLessThan(60_000);
        assertThat(statuses).containsKeys(200, 400);
    }

    /** One request: what was fuzzed ({@code what}) is the name a rejection should carry. */
    private record Case(String method, String target, String body, String what, String value) {
        @Override
        public String toString() {
            String shown = body == null ? "" : " body=" + (body.length() > 120 ? body.substring(0, 120) + "..." : body);
            String t = target.length() > 160 ? target.substring(0, 160) + "..." : target;
            return method + " " + t + shown + " [fuzzed " + what + "]";
        }
    }

    private Case nextCase(Random random) {
        String resource = pick(random, RESOURCES);
        String method = pick(random, METHODS);
        int kind = random.nextInt(5);
        switch (kind) {
            case 0: {
                // One hostile query parameter, maybe beside a valid one.
                String param = pick(random, PARAMS);
                String value = hostileString(random);
                String prefix = random.nextBoolean() ? "names=v1&" : "";
                return new Case(method, "/api/2.36/" + resource + "?" + prefix + param + "="
                        + encode(value, random), null, param, value);
            }
            case 1: {
                // One hostile body field of any JSON type, on a request that is otherwise fine.
                String field = pick(random, FIELDS);
                String value = hostileJson(random, 0);
                String body = field.contains(".")
                        ? "{\"" + field.substring(0, field.indexOf('.')) + "\":{\"" + field.substring(field.indexOf('.') + 1)
                                + "\":" + value + "}}"
                        : "{\"" + field + "\":" + value + "}";
                return new Case(random.nextBoolean() ? "POST" : "PATCH", "/api/2.36/" + resource + "?names=v"
                        + random.nextInt(4), body, field, value);
            }
            case 2: {
                // A body that is not what it claims to be.
                String body = hostileBody(random);
                return new Case(method, "/api/2.36/" + resource + "?names=v1", body, "request body", body);
            }
            case 3: {
                // Paths and versions.
                String path = pick(random, List.of("/api/2.36/", "/api/2.99/", "/api/", "/api/1.0/", "/", "/api/2.36//",
                        "/api/2.36/../")) + pick(random, List.of(resource, hostileString(random).replaceAll("[^a-z/._-]", "")));
                return new Case(method, path.isEmpty() ? "/" : path, null, "path", path);
            }
            default: {
                // Several hostile parameters at once.
                StringBuilder q = new StringBuilder();
                List<String> used = new ArrayList<>();
                for (int j = 0; j < 1 + random.nextInt(4); j++) {
                    String param = pick(random, PARAMS);
                    if (used.contains(param)) {
                        continue;
                    }
                    used.add(param);
                    q.append(q.length() == 0 ? "" : "&").append(param).append('=').append(encode(hostileString(random), random));
                }
                return new Case(method, "/api/2.36/" + resource + "?" + q, null, String.join("|", used), q.toString());
            }
        }
    }

    /**
     * A 400 says what it refused when its message or context names one of the fuzzed parameters or
     * fields, the request body, the filter or sort it parsed, the object it is about (context), or
     * a field or parameter of the API (a required one that was missing).
     */
    private static boolean namesWhat(String content, Case c) throws Exception {
        JsonNode error = JSON.readTree(content).get("errors").get(0);
        String message = error.get("message").asText();
        if (!error.get("context").isNull() && !error.get("context").asText().isEmpty()) {
            return true;
        }
        for (String what : c.what.split("\\|")) {
            String leaf = what.contains(".") ? what.substring(what.indexOf('.') + 1) : what;
            if (message.contains(what) || message.contains(leaf)) {
                return true;
            }
        }
        if (message.contains("request body") || message.contains("request URI")
                || message.contains("request line or headers")) {
            return true;
        }
        for (String known : PARAMS) {
            if (message.contains(known)) {
                return true;
            }
        }
        for (String known : FIELDS) {
            if (message.contains(known)) {
                return true;
            }
        }
        return message.matches("(?s).*\\b(parameter|field)\\b.*'[^']+'.*");
    }

    private static String hostileString(Random random) {
        int r = random.nextInt(10);
        if (r < 6) {
            return pick(random, EVIL);
        }
        if (r < 8) {
            return Long.toString(random.nextLong());
        }
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            s.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        }
        return s.toString();
    }

    private static String hostileJson(Random random, int depth) {
        switch (random.nextInt(depth > 3 ? 7 : 10)) {
            case 0: return "null";
            case 1: return random.nextBoolean() ? "true" : "false";
            case 2: return Long.toString(random.nextLong());
            case 3: return pick(random, List.of("1e400", "-0", "0.5", "-1", "9223372036854775808", "1" + "0".repeat(400)));
            case 4: return JSON.valueToTree(hostileString(random)).toString();
            case 5: return "\"" + "*a".repeat(20) + "\"";
            case 6: return "[]";
            case 7: return "[" + hostileJson(random, depth + 1) + "," + hostileJson(random, depth + 1) + "]";
            case 8: return "{\"" + pick(random, FIELDS) + "\":" + hostileJson(random, depth + 1) + "}";
            default: return "[".repeat(2_000) + "]".repeat(2_000);
        }
    }

    private static String hostileBody(Random random) {
        switch (random.nextInt(8)) {
            case 0: return "{";
            case 1: return "{\"provisioned\":1048576}{}";
            case 2: return "{\"a\":1,\"a\":2}";
            case 3: return "[".repeat(5_000);
            case 4: return "{\"x\":" + "{\"x\":".repeat(3_000) + "1" + "}".repeat(3_001);
            case 5: return "\"just a string\"";
            case 6: return "x".repeat(70 * 1024);
            default: {
                byte[] b = new byte[random.nextInt(64)];
                random.nextBytes(b);
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }
    }

    private static String encode(String value, Random random) {
        // Mostly well-formed percent-encoding, sometimes raw (which the parser must also survive).
        if (random.nextInt(5) == 0) {
            return value.replaceAll("[\\s#&\\r\\n\\x00-\\x1f\\x7f-\\uffff]", "");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String login() throws Exception {
        HttpTester.Request request = HttpTester.newRequest();
        request.setMethod("POST");
        request.setURI("/api/2.36/login");
        request.setHeader("Host", "array");
        request.setHeader("api-token", TOKEN);
        HttpTester.Response r = HttpTester.parseResponse(connector.getResponse(request.generate()));
        assertThat(r.getStatus()).isEqualTo(200);
        return r.get("x-auth-token");
    }

    private HttpTester.Response send(String method, String target, String session, String body) throws Exception {
        StringBuilder raw = new StringBuilder();
        raw.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: array\r\nx-auth-token: ")
                .append(session).append("\r\nConnection: close\r\n");
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            raw.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        raw.append("\r\n");
        java.nio.ByteBuffer request = java.nio.ByteBuffer.allocate(raw.length() * 3 + bytes.length);
        request.put(raw.toString().getBytes(StandardCharsets.UTF_8)).put(bytes).flip();
        java.nio.ByteBuffer response = connector.getResponse(request, 10, TimeUnit.SECONDS);
        HttpTester.Response r = HttpTester.parseResponse(response);
        if (r == null) {
            throw new AssertionError("no answer to " + method + " " + target);
        }
        return r;
    }

    private static int status(HttpTester.Response r) {
        return r.getStatus();
    }
}
