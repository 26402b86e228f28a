package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.rest.RestTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * An InMemoryFlashArray behind a started RestFrontEnd, a RestArrayConnector pointed at it, and a
 * raw HTTPS client for wire-level checks.
 */
final class FrontEndFixture implements AutoCloseable {
    static final String ARRAY = "pure-a";
    static final String TOKEN = "a7c1d1e0-11aa-4b7e-9d2c-0123456789ab";
    static final ObjectMapper JSON = new ObjectMapper();

    final InMemoryFlashArray array = new InMemoryFlashArray(ARRAY);
    final RestFrontEnd frontEnd;
    final HttpClient raw;

    FrontEndFixture(Path dataDir) throws IOException {
        frontEnd = new RestFrontEnd(RestFrontEndOptions.defaults(), Clock.systemUTC());
        frontEnd.startWith(dataDir, Map.of(ARRAY, array), Map.of(ARRAY, TOKEN));
        raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(RestTls.context(false, null)).build();
    }

    String sanIp() {
        return frontEnd.sanIp(ARRAY);
    }

    ArrayEndpoint endpoint(String token) {
        return new ArrayEndpoint(sanIp(), token, true, frontEnd.certificatePem().toString());
    }

    RestFlashArray client(int pageSize) {
        RestClientOptions options = RestClientOptions.defaults().withPageSize(pageSize)
                .withRetries(2, Duration.ofMillis(1));
        return new RestArrayConnector(options, Clock.systemUTC(), ms -> { }).connect(endpoint(TOKEN));
    }

    String login() throws Exception {
        HttpResponse<String> r = send("POST", "/api/2.36/login", null, Map.of("api-token", TOKEN));
        return r.headers().firstValue("x-auth-token").orElseThrow();
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + sanIp() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String token, String method, String pathAndQuery, String body) throws Exception {
        return send(method, pathAndQuery, body, Map.of("x-auth-token", token));
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        frontEnd.stop();
    }
}
