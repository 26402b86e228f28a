package io.purebridge.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A logged-in REST 2.x session on one simulated array's front end of an {@link OffloadFixture} service. */
public final class RestSession {
    private final HttpClient https;
    private final String sanIp;
    private final String token;

    public RestSession(HttpClient https, OffloadFixture service, String array, String apiToken) throws Exception {
        this.https = https;
        this.sanIp = service.running.rest().orElseThrow().sanIp(array);
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://" + sanIp + "/api/2.36/login"))
                .header("api-token", apiToken).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        this.token = r.headers().firstValue("x-auth-token").orElseThrow(() -> new AssertionError(r.body()));
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    /** Any method; {@code json} null sends no body. */
    public HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + sanIp + path)).header("x-auth-token", token)
                .timeout(Duration.ofSeconds(60));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
