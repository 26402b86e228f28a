package io.purebridge.engine.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated REST 2.x session with one array: version negotiation, api-token login, the
 * x-auth-token header on every call, one re-login on 401, retries with exponential backoff for
 * connection failures and 502/503/504/429 (every call when the request never left, only GETs
 * otherwise), continuation-token paging, and at most {@link RestClientOptions#maxRequestsInFlight}
 * requests on the wire at once. Thread-safe.
 *
 * <p>Neither the API token nor the session token ever appears in a log line, a message or
 * {@link #toString()}.
 */
public final class RestSession {
    private static final Logger LOG = LoggerFactory.getLogger(RestSession.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String AUTH_HEADER = "x-auth-token";

    /** How the client waits between retries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final String sanIp;
    private final String apiToken;
    private final URI base;
    private final HttpClient http;
    private final RestClientOptions options;
    private final Sleeper sleeper;
    private final Semaphore inFlight;
    private volatile RestApiVersion version;
    private volatile String sessionToken;

    public RestSession(ArrayEndpoint endpoint, RestClientOptions options, HttpClient http, Sleeper sleeper) {
        Objects.requireNonNull(endpoint, "endpoint");
        this.sanIp = endpoint.sanIp();
        this.apiToken = endpoint.apiToken();
        this.base = baseUri(endpoint.sanIp());
        this.options = Objects.requireNonNull(options, "options");
        this.http = Objects.requireNonNull(http, "http");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.inFlight = new Semaphore(options.maxRequestsInFlight(), true);
    }

    /** An HTTP client with the endpoint's TLS settings; {@link RestHttpClients} shares one among sessions with the same. */
    public static HttpClient httpClient(ArrayEndpoint endpoint, RestClientOptions options) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .sslContext(RestTls.context(endpoint.sslCertVerify(), endpoint.sslCertPath()))
                .build();
    }

    /** "https://&lt;san_ip&gt;/api/"; san_ip may be "host", "host:port", "[v6]:port" or a bare IPv6 address. */
    static URI baseUri(String sanIp) {
        String host = sanIp.trim();
        if (host.startsWith("https://")) {
            host = host.substring("https://".length());
        }
        while (host.endsWith("/")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw EngineException.invalidArgument("SAN_IP_EMPTY", "san_ip is empty; set it to the array's "
                    + "management address (host or host:port).");
        }
        if (host.indexOf(':') != host.lastIndexOf(':') && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        try {
            URI uri = new URI("https://" + host + "/api/");
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (Exception e) {
            throw EngineException.invalidArgument("SAN_IP_INVALID", "san_ip '" + sanIp
                    + "' is not a host or host:port; fix it in cinder.conf.");
        }
    }

    /** The first item of a write's answer; an empty answer is the array's fault, not the caller's. */
    JsonNode single(JsonNode response, String name) {
        JsonNode items = response.path("items");
        if (!items.isArray() || items.isEmpty()) {
            throw EngineException.internal("EMPTY_ARRAY_RESPONSE", "Array " + sanIp()
                    + " returned no item for '" + name + "'.", null);
        }
        return items.get(0);
    }

    public String sanIp() {
        return sanIp;
    }

    /** How long a call waits for its answer unless it names a longer wait. */
    public Duration requestTimeout() {
        return options.requestTimeout();
    }

    /** Negotiates the version and logs in; called lazily by the first call too. */
    public synchronized RestApiVersion open() {
        if (version == null) {
            version = negotiate();
        }
        if (sessionToken == null) {
            sessionToken = login();
        }
        return version;
    }

    public RestApiVersion version() {
        return open();
    }

    private RestApiVersion negotiate() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api_version"))
                .timeout(options.requestTimeout()).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = send(request, true, "read the REST API versions");
        if (response.statusCode() != 200) {
            throw RestErrors.toException(response.statusCode(), response.body(), "read the REST API versions", sanIp);
        }
        List<String> advertised = new ArrayList<>();
        try {
            for (JsonNode v : JSON.readTree(response.body()).path("version")) {
                advertised.add(v.asText());
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.UNAVAILABLE, "BAD_API_VERSION_RESPONSE", "Array " + sanIp
                    + " answered GET /api/api_version with something that is not JSON; is san_ip a FlashArray?");
        }
        Optional<RestApiVersion> chosen = RestApiVersion.negotiate(advertised, options.maxVersion());
        if (chosen.isEmpty()) {
            throw EngineException.failedPrecondition("REST_VERSION_UNSUPPORTED", "Array " + sanIp
                    + " offers REST versions " + advertised + " but this driver needs one between "
                    + RestApiVersion.MINIMUM + " and " + options.maxVersion() + "; upgrade Purity.");
        }
        LOG.info("{}: using FlashArray REST {}", sanIp, chosen.get());
        return chosen.get();
    }

    private String login() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(version + "/login"))
                .timeout(options.requestTimeout())
                .header("Accept", "application/json")
                .header("api-token", apiToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(request, true, "log in");
        int status = response.statusCode();
        if (status == 429 || status >= 502) {
            throw RestErrors.toException(status, response.body(), "log in", sanIp);
        }
        if (status != 200) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "API_TOKEN_REJECTED", "Array " + sanIp
                    + " refused the API token (HTTP " + status + "); check pure_api_token / api_token in "
                    + "cinder.conf.");
        }
        Optional<String> token = response.headers().firstValue(AUTH_HEADER);
        if (token.isEmpty() || token.get().isBlank()) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "NO_SESSION_TOKEN", "Array " + sanIp
                    + " accepted the login but sent no x-auth-token header; is san_ip a FlashArray?");
        }
        LOG.debug("{}: logged in", sanIp);
        return token.get();
    }

    /** Ends the session; errors are ignored (the array expires sessions anyway). */
    public synchronized void close() {
        String token = sessionToken;
        sessionToken = null;
        if (token == null || version == null) {
            return;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(version + "/logout"))
                    .timeout(options.requestTimeout()).header(AUTH_HEADER, token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debug("{}: logout failed: {}", sanIp, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A JSON call; returns the body (NullNode when empty). Non-2xx answers become EngineExceptions. */
    public JsonNode call(String method, String resource, RestQuery query, JsonNode body, String what) {
        return parse(exchange(method, resource, query, body, what, options.requestTimeout()), what);
    }

    /** As {@link #call}, waiting up to {@code timeout} for the answer: for the few calls that outlast a request. */
    public JsonNode call(String method, String resource, RestQuery query, JsonNode body, String what,
            Duration timeout) {
        return parse(exchange(method, resource, query, body, what, timeout), what);
    }

    /** Every item of a collection GET, following continuation tokens page by page. */
    public List<JsonNode> list(String resource, RestQuery query, String what) {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        int offset = 0;
        boolean useOffset = false;
        while (true) {
            RestQuery page = query.with("limit", Integer.toString(options.pageSize()));
            if (token != null) {
                page = page.with("continuation_token", token);
            } else if (useOffset) {
                page = page.with("offset", Integer.toString(offset));
            }
            HttpResponse<String> response = exchange("GET", resource, page, null, what, options.requestTimeout());
            JsonNode root = parse(response, what);
            int before = items.size();
            root.path("items").forEach(items::add);
            offset = items.size();
            boolean more = root.path("more_items_remaining").asBoolean(false);
            if (!more || items.size() == before) {
                return items;
            }
            JsonNode next = root.path("continuation_token");
            token = next.isTextual() && !next.asText().isEmpty() ? next.asText()
                    : response.headers().firstValue("x-next-token").orElse(null);
            useOffset = token == null;
        }
    }

    private JsonNode parse(HttpResponse<String> response, String what) {
        String text = response.body();
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw EngineException.internal("BAD_ARRAY_RESPONSE", "Array " + sanIp + " sent a response that is "
                    + "not JSON while trying to " + what + ".", e);
        }
    }

    private HttpResponse<String> exchange(String method, String resource, RestQuery query, JsonNode body,
            String what, Duration timeout) {
        open();
        String used = sessionToken;
        boolean idempotent = "GET".equals(method);
        HttpResponse<String> response = send(request(method, resource, query, body, used, timeout), idempotent, what);
        if (response.statusCode() == 401) {
            synchronized (this) {
                if (Objects.equals(used, sessionToken)) {
                    LOG.info("{}: session expired, logging in again", sanIp);
                    close();
                    sessionToken = login();
                }
                used = sessionToken;
            }
            response = send(request(method, resource, query, body, used, timeout), idempotent, what);
        }
        if (response.statusCode() / 100 != 2) {
            throw RestErrors.toException(response.statusCode(), response.body(), what, sanIp);
        }
        return response;
    }

    private HttpRequest request(String method, String resource, RestQuery query, JsonNode body, String token,
            Duration timeout) {
        String path = version + "/" + resource + (query == null || query.isEmpty() ? "" : "?" + query);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header(AUTH_HEADER, token);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /**
     * Sends with retries. A refused connection or a TLS handshake the array ended is retried for
     * every method (nothing reached the array); other I/O failures and 429/502/503/504 only for
     * idempotent requests.
     */
    private HttpResponse<String> send(HttpRequest request, boolean idempotent, String what) {
        long backoff = options.initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= options.maxAttempts();
            try {
                HttpResponse<String> response = sendOnce(request, what);
                int s = response.statusCode();
                boolean busy = s == 429 || s == 502 || s == 503 || s == 504;
                if (!busy || !idempotent || last) {
                    return response;
                }
                LOG.warn("{}: HTTP {} trying to {}; retry {} in {} ms", sanIp, s, what, attempt, backoff);
            } catch (IOException e) {
                boolean cutOff = e instanceof SSLHandshakeException h && RestTls.endedByPeer(h);
                if (e instanceof SSLHandshakeException && !cutOff) {
                    throw new EngineException(ErrorCode.UNAVAILABLE, "TLS_HANDSHAKE_FAILED", "TLS handshake with array "
                            + sanIp + " failed while trying to " + what + ": " + e.getMessage()
                            + "; point the backend's driver_ssl_cert_path (ssl_cert_path on a replication_device line)"
                            + " at the array's CA bundle, or turn verification off there.", e);
                }
                // A handshake the array cut off sent nothing either.
                boolean notSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException || cutOff;
                if (last || !(notSent || idempotent)) {
                    throw new EngineException(ErrorCode.UNAVAILABLE, "ARRAY_UNREACHABLE", "Array " + sanIp
                            + " is unreachable while trying to " + what + " (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); "
                            + (cutOff ? "the array closed the connection before TLS was set up: it may be at its"
                                    + " limit of connections from this host, or be restarting."
                                    : "check san_ip and the network."), e);
                }
                LOG.warn("{}: {} trying to {}; retry {} in {} ms", sanIp, e.toString(), what, attempt, backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(ErrorCode.UNAVAILABLE, "INTERRUPTED", "Interrupted while trying to "
                        + what + " on array " + sanIp + ".", e);
            }
            sleep(backoff, "trying to " + what);
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    /** Waits {@code millis} between two looks at something the array does in the background. */
    void pause(long millis, String what) {
        sleep(millis, "waiting to " + what);
    }

    /** The sleeper's wait; an interrupt is kept for the caller and ends the call as UNAVAILABLE. */
    private void sleep(long millis, String doing) {
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.UNAVAILABLE, "INTERRUPTED", "Interrupted while " + doing
                    + " on array " + sanIp + ".", e);
        }
    }

    /** One exchange, once a place among the requests in flight is free (waiting at most the request's timeout). */
    private HttpResponse<String> sendOnce(HttpRequest request, String what) throws IOException, InterruptedException {
        Duration wait = request.timeout().orElse(options.requestTimeout());
        if (!inFlight.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new EngineException(ErrorCode.UNAVAILABLE, "ARRAY_BUSY", "Array " + sanIp + " had "
                    + options.maxRequestsInFlight() + " request(s) in flight, the most this service sends it at once,"
                    + " and none finished within " + wait.toMillis() + " ms while trying to " + what
                    + "; check the array's load and the network.");
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } finally {
            inFlight.release();
        }
    }

    @Override
    public String toString() {
        return "RestSession[sanIp=" + sanIp + ", version=" + version + "]";
    }
}
