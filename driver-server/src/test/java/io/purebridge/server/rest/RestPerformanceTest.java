package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.replication.ManualClock;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.rest.RestTls;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /arrays/performance of a simulated array: on the wire and through RestFlashArray over HTTPS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestPerformanceTest {
    private static final String ARRAY = "pure-perf";
    private static final String TOKEN = "0f6c9a52-1d2e-4c7b-8a9f-0123456789ab";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private SimulatedFlashArray sim;
    private RestFrontEnd frontEnd;
    private RestFlashArray client;
    private HttpClient raw;
    private String session;

    @BeforeEach
    void setUp() throws Exception {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of(ARRAY, TOKEN), dir.resolve("array"), clock);
        frontEnd = new RestFrontEnd(RestFrontEndOptions.defaults(), clock);
        frontEnd.startWith(dir.resolve("rest"), Map.of(ARRAY, sim), Map.of(ARRAY, TOKEN));
        ArrayEndpoint endpoint = new ArrayEndpoint(frontEnd.sanIp(ARRAY), TOKEN, true, frontEnd.certificatePem().toString());
        client = new RestArrayConnector(RestClientOptions.defaults().withRetries(1, Duration.ofMillis(1)),
                Clock.systemUTC(), ms -> { }).connect(endpoint);
        raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(RestTls.context(false, null)).build();
        session = send("POST", "/api/2.36/login", Map.of("api-token", TOKEN)).headers().firstValue("x-auth-token").orElseThrow();
    }

    @AfterEach
    void tearDown() {
        client.close();
        frontEnd.stop();
        sim.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + frontEnd.sanIp(ARRAY) + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String query) throws Exception {
        return send("GET", "/api/2.36/arrays/performance" + query, Map.of("x-auth-token", session));
    }

    private static void assertBadRequest(HttpResponse<String> r, String parameter) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = new ObjectMapper().readTree(r.body()).path("errors").get(0);
        assertThat(error.has("context")).isTrue();
        assertThat(error.path("message").asText()).contains(parameter);
    }

    private void writeAndRead() {
        sim.createVolume("v", 1L << 30);
        for (int i = 0; i < 3; i++) {
            sim.write("v", i * 32768L, new byte[32768]);
        }
        sim.read("v", 0, 4096);
    }

    @Test
    void upstreamsCallSeesTheServedIo() throws Exception {
        clock.advance(Duration.ofSeconds(2));
        writeAndRead();
        clock.advance(Duration.ofSeconds(3));
        long now = clock.millis();

        HttpResponse<String> r = get("?end_time=" + now + "&start_time=" + (now - 3_600_000)
                + "&resolution=30000&total_item_count=true");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("total_item_count").asInt()).isEqualTo(1).isEqualTo(body.path("items").size());
        JsonNode item = body.path("items").get(0);
        assertThat(item.path("name").asText()).isEqualTo(ARRAY);
        assertThat(item.path("time").asLong()).isEqualTo(T0.toEpochMilli());
        // 3 writes of 32 KiB and one 4 KiB read over the 5 complete seconds since the array opened.
        assertThat(item.path("write_bytes_per_sec").asLong()).isEqualTo(Math.round(3 * 32768 / 5.0));
        assertThat(item.path("read_bytes_per_sec").asLong()).isEqualTo(Math.round(4096 / 5.0));
        assertThat(item.path("writes_per_sec").asLong()).isEqualTo(1);
        assertThat(item.path("usec_per_write_op").asLong()).isPositive();
        for (String field : List.of("reads_per_sec", "usec_per_read_op", "queue_depth", "queue_usec_per_read_op",
                "queue_usec_per_write_op", "queue_usec_per_mirrored_write_op", "mirrored_writes_per_sec")) {
            assertThat(item.has(field)).as(field).isTrue();
        }
        assertThat(item.has("san_usec_per_read_op")).as("not measured, not served").isFalse();

        JsonNode file = new ObjectMapper().readTree(get("?resolution=30000&protocol=nfs").body());
        assertThat(file.path("items").get(0).path("write_bytes_per_sec").asLong()).isZero();
    }

    @Test
    void restFlashArrayReadsTheSamplesOverHttps() {
        writeAndRead();
        clock.advance(Duration.ofSeconds(1));

        List<ArrayPerformance> latest = client.performance(null, null, null);
        List<ArrayPerformance> window = client.performance(T0.toEpochMilli() - 1, clock.millis(), 1000L);

        assertThat(latest).singleElement().satisfies(p -> {
            assertThat(p.timeMs()).isEqualTo(T0.toEpochMilli());
            assertThat(p.writesPerSec()).isEqualTo(3);
            assertThat(p.writeBytesPerSec()).isEqualTo(3 * 32768);
            assertThat(p.readsPerSec()).isEqualTo(1);
            assertThat(p.readBytesPerSec()).isEqualTo(4096);
            assertThat(p.usecPerWriteOp()).isPositive();
        });
        assertThat(window).isEqualTo(latest);
        assertThatThrownBy(() -> client.performance(null, null, 60_000L))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("resolution");
    }

    @Test
    void badParametersAre400NamingTheParameter() throws Exception {
        assertBadRequest(get("?resolution=60000"), "resolution");
        assertBadRequest(get("?resolution=-1"), "resolution");
        assertBadRequest(get("?start_time=2000&end_time=1000"), "end_time");
        assertBadRequest(get("?start_time=yesterday"), "start_time");
        assertBadRequest(get("?end_time=1.5"), "end_time");
        assertBadRequest(get("?protocol=iscsi"), "protocol");
        assertBadRequest(get("?protocol_group=object"), "protocol_group");
        assertBadRequest(get("?names=x"), "names");
        assertThat(send("POST", "/api/2.36/arrays/performance", Map.of("x-auth-token", session)).statusCode())
                .isEqualTo(405);
        assertThat(get("?total_item_count=true").statusCode()).isEqualTo(200);
    }
}
